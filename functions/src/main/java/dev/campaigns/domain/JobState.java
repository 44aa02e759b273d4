package dev.campaigns.domain;

/** Where a campaign job or changeset job is in its background process. */
public enum JobState {
    /** Not executed yet, or reset by a retry. */
    PENDING,
    /** Done: for a changeset job, its changeset exists and the job is frozen. */
    COMPLETED,
    /** Failed with a recorded error; a retry may reset it to PENDING. */
    ERRORED,
    /**
     * Changeset jobs only: {@code cancelCampaign} ended it before it finished (it keeps the steps it reached); a
     * retry resumes it, like an errored job.
     */
    CANCELLED;

    public boolean terminal() {
        return this != PENDING;
    }
}
