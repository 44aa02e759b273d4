package dev.campaigns.codehost.github;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

/**
 * A GitHub App's JSON Web Token, as GitHub asks for it: RS256 over {@code {"iat": now - 60 s, "exp": now + 9 min,
 * "iss": app ID}}, signed with the app's private key (the PEM GitHub hands out, PKCS#1 {@code BEGIN RSA PRIVATE KEY},
 * or PKCS#8 {@code BEGIN PRIVATE KEY}). Built with the JDK's own crypto; the key never leaves this object and is
 * never printed.
 */
public final class GitHubAppJwt {
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private final String appId;
    private final PrivateKey key;
    private final Clock clock;

    public GitHubAppJwt(String appId, String privateKeyPem, Clock clock) {
        if (appId == null || !appId.strip().matches("[0-9]+|Iv[0-9A-Za-z.]+")) {
            throw new IllegalArgumentException("a GitHub App ID is a number (or its client ID), got \"" + appId + "\"");
        }
        this.appId = appId.strip();
        this.key = parse(privateKeyPem);
        this.clock = clock;
    }

    /** A fresh token, valid for nine minutes (GitHub accepts at most ten), back-dated a minute for clock drift. */
    public String create() {
        long now = clock.instant().getEpochSecond();
        String iss = appId.matches("[0-9]+") ? appId : "\"" + appId + "\"";
        String header = URL.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = URL.encodeToString(("{\"iat\":" + (now - 60) + ",\"exp\":" + (now + 540) + ",\"iss\":" + iss
                + "}").getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + URL.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the GitHub App JWT: " + e.getClass().getSimpleName(), e);
        }
    }

    /** When a token created now expires. */
    public Instant expiryOfNew() {
        return clock.instant().plusSeconds(540);
    }

    static PrivateKey parse(String pem) {
        if (pem == null || !pem.contains("-----BEGIN")) {
            throw new IllegalArgumentException("the GitHub App private key is not a PEM (-----BEGIN ... PRIVATE KEY-----)");
        }
        boolean pkcs1 = pem.contains("BEGIN RSA PRIVATE KEY");
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the GitHub App private key's PEM body is not base64");
        }
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1 ? pkcs8(der) : der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the GitHub App private key is not an RSA private key");
        }
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, the key as an OCTET STRING). */
    private static byte[] pkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
                0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
        byte[] body = concat(version, algorithm, octets);
        return concat(new byte[] {0x30}, length(body.length), body);
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Override
    public String toString() {
        return "GitHubAppJwt[app=" + appId + ", key=***]";
    }
}
