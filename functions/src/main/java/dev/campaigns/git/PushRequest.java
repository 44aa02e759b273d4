package dev.campaigns.git;

import java.util.Objects;

/**
 * Push the commit {@code commitSha} (made earlier by {@link GitEngine#commit}) to {@code refs/heads/<branch>}.
 * {@code expectedOldSha} is the lease: null creates the branch only if it is absent; a commit moves the branch only
 * if it still points at that commit (a campaign's update over its last commit), and never overwrites anything else.
 */
public record PushRequest(String remoteUrl, RemoteCredentials credentials, String branch, String commitSha, String expectedOldSha) {
    /** A create-only push (the branch must be absent, or already at {@code commitSha}). */
    public PushRequest(String remoteUrl, RemoteCredentials credentials, String branch, String commitSha) {
        this(remoteUrl, credentials, branch, commitSha, null);
    }

    /** The same push with a lease: moves the branch only from {@code oldSha}. */
    public PushRequest withExpectedOld(String oldSha) {
        return new PushRequest(remoteUrl, credentials, branch, commitSha, oldSha);
    }

    public PushRequest {
        Objects.requireNonNull(remoteUrl, "remoteUrl");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(commitSha, "commitSha");
        if (expectedOldSha != null && !org.eclipse.jgit.lib.ObjectId.isId(expectedOldSha)) {
            throw new InvalidRequestException("expectedOldSha is not a full commit id: " + expectedOldSha);
        }
        credentials = credentials == null ? RemoteCredentials.none() : credentials;
    }
}
