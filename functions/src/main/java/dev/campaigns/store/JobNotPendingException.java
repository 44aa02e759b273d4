package dev.campaigns.store;

/** A step found its job no longer pending: a later step or a retry already moved it. */
public final class JobNotPendingException extends RuntimeException {
    public JobNotPendingException(String campaignId, String jobId) {
        super("changeset job " + jobId + " of campaign " + campaignId + " is no longer pending");
    }
}
