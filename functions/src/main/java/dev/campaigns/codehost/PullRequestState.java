package dev.campaigns.codehost;

/**
 * Where a pull request stands. GitHub itself only knows open and closed; a closed pull request whose change landed
 * is {@link #MERGED} here because a changeset treats the two very differently.
 */
public enum PullRequestState {
    OPEN,
    /** Closed without merging: a person decided against the change; the system does not reopen it. */
    CLOSED,
    /** Closed by merging: the change landed. */
    MERGED
}
