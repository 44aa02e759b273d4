package dev.campaigns.git;

import java.time.Instant;
import java.util.Objects;

/**
 * What the commit step needs: the remote, the base revision (a full SHA or a ref name), the patch exactly as
 * {@code git diff} printed it, the message, the bot identity and the timestamp. The same request always gives
 * the same commit SHA: author and committer date are {@code when} (UTC), so pass the job's creation time, not
 * "now", or a retried step would make a second, different commit.
 */
public record CommitRequest(String remoteUrl, RemoteCredentials credentials, String baseRevision, byte[] patch,
                            String message, BotIdentity author, Instant when) {
    public CommitRequest {
        Objects.requireNonNull(remoteUrl, "remoteUrl");
        Objects.requireNonNull(baseRevision, "baseRevision");
        Objects.requireNonNull(patch, "patch");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(when, "when");
        credentials = credentials == null ? RemoteCredentials.none() : credentials;
    }

    @Override
    public String toString() {
        return "CommitRequest[remoteUrl=" + remoteUrl + ", credentials=" + credentials + ", baseRevision="
                + baseRevision + ", patch=" + patch.length + " bytes, author=" + author + ", when=" + when + "]";
    }
}
