package dev.campaigns.pacing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Whose budget a request spends: a code host (its API URL) and a token, named by the SHA-256 of the token so that
 * the token itself never reaches a DynamoDB item or a log. GitHub counts its secondary limits per token (per user or
 * App installation), so two deployments sharing a token share one budget.
 */
public record PacerKey(String apiUrl, String tokenHash) {
    public PacerKey {
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(tokenHash, "tokenHash");
    }

    /** The key of {@code token} on the host whose API is {@code apiUrl}; a missing token is "anonymous". */
    public static PacerKey of(String apiUrl, String token) {
        String hash;
        if (token == null || token.isEmpty()) {
            hash = "anonymous";
        } else {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
                hash = HexFormat.of().formatHex(digest, 0, 16);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is unavailable", e);
            }
        }
        return new PacerKey(apiUrl, hash);
    }

    /** The bucket's item ID: host and token hash. */
    public String id() {
        return PacingConfig.hostOf(apiUrl) + "#" + tokenHash;
    }

    @Override
    public String toString() {
        return id();
    }
}
