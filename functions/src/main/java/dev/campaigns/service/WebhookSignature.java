package dev.campaigns.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signatures: GitHub's {@code X-Hub-Signature-256} and Bitbucket Server's {@code X-Hub-Signature}, both
 * {@code sha256=<hex HMAC-SHA256(secret, body)>}, and GitLab's {@code X-Gitlab-Token} (the secret itself); compared in
 * constant time ({@link MessageDigest#isEqual}) so that a forger learns nothing from response times. The secret
 * is never part of any message.
 */
public final class WebhookSignature {
    private WebhookSignature() {
    }

    /** The header value GitHub sends for {@code body} signed with {@code secret}. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /**
     * Whether {@code header} equals {@code secret}, in constant time: GitLab sends the secret itself as
     * {@code X-Gitlab-Token}; false for a missing header.
     */
    public static boolean verifyToken(String secret, String header) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalStateException("no webhook secret is configured: refusing every delivery");
        }
        return header != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                header.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code header} is the signature of {@code body} with {@code secret}; false for a missing header. */
    public static boolean verify(String secret, byte[] body, String header) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalStateException("no webhook secret is configured: refusing every delivery");
        }
        if (header == null || !header.startsWith("sha256=")) {
            return false;
        }
        return MessageDigest.isEqual(sign(secret, body).getBytes(StandardCharsets.US_ASCII),
                header.getBytes(StandardCharsets.US_ASCII));
    }
}
