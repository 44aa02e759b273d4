package dev.campaigns.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * GitHub's webhook signature: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>}, compared in
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
