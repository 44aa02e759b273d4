package dev.campaigns.domain;

/** Where a campaign job or changeset job is in its background process. */
public enum JobState {
    /** Not executed yet, or reset by a retry. */
    PENDING,
    /** Done: for a changeset job, its changeset exists and the job is frozen. */
    COMPLETED,
    /** Failed with a recorded error; a retry may reset it to PENDING. */
    ERRORED;

    public boolean terminal() {
        return this != PENDING;
    }
}
