package dev.campaigns.git;

import java.util.Optional;

/**
 * What the services ask of git: a dry run of a patch, a commit, a create-only push, a branch's tip. {@link GitEngine}
 * is the implementation; the services' unit tests use a twin that records what was asked.
 */
public interface GitOperations {
    /** Dry run: resolves the base, checks and applies the patch, computes the commit; stores nothing. */
    CommitResult preview(CommitRequest request);

    /** As {@link #preview}, and stores the commit for the push (idempotent: the same request, the same SHA). */
    CommitResult commit(CommitRequest request);

    /** Pushes a stored commit to a branch, create-only (a foreign branch is a conflict). */
    PushResult push(PushRequest request);

    /** The commit {@code branch} points at in the remote, or empty when there is no such branch. */
    Optional<String> branchTip(String remoteUrl, RemoteCredentials credentials, String branch);
}
