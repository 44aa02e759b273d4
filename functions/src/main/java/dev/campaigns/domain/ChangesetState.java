package dev.campaigns.domain;

/** Where a changeset's pull request stands on the code host (Sourcegraph's ChangesetState). */
public enum ChangesetState {
    OPEN,
    /** Closed without merging. */
    CLOSED,
    /** Closed by merging: the change landed. */
    MERGED,
    /** The code host no longer has the pull request (or its repository). */
    DELETED
}
