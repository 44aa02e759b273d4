package dev.campaigns.pacing;

import dev.campaigns.util.Digests;
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
        String hash = token == null || token.isEmpty() ? "anonymous" : Digests.sha256Hex(token, 16);
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
