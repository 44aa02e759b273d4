package dev.campaigns.git;

import java.util.Objects;

/** Push the commit {@code commitSha} (made earlier by {@link GitEngine#commit}) to {@code refs/heads/<branch>}. */
public record PushRequest(String remoteUrl, RemoteCredentials credentials, String branch, String commitSha) {
    public PushRequest {
        Objects.requireNonNull(remoteUrl, "remoteUrl");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(commitSha, "commitSha");
        credentials = credentials == null ? RemoteCredentials.none() : credentials;
    }
}
