package dev.campaigns.store;

import dev.campaigns.domain.CampaignJob;

/** Why jobs could not be added to a plan, or its execution not started; the service words it for the user. */
public final class PlanJobsRefusedException extends RuntimeException {
    /** What went wrong. */
    public enum Reason { NO_PLAN, EXECUTED, TOO_MANY_JOBS, TOO_MANY_BYTES, POSITION_TAKEN, REPOSITORY_TWICE,
        CHANGED, PARTS_CHANGED }

    private final Reason reason;
    private final CampaignJob job;
    private final String detail;

    public PlanJobsRefusedException(Reason reason, CampaignJob job, String detail) {
        super(reason + (job == null ? "" : " at job " + job.jobId()) + ": " + detail, null, false, false);
        this.reason = reason;
        this.job = job;
        this.detail = detail;
    }

    public Reason reason() {
        return reason;
    }

    /** The job that could not be added (null for a refused execution or part). */
    public CampaignJob job() {
        return job;
    }

    /**
     * POSITION_TAKEN: the repository already at the job's position; REPOSITORY_TWICE: the job ID already holding
     * the repository; TOO_MANY_JOBS: the job count it would have had (CHANGED: the count now); TOO_MANY_BYTES: the
     * patch bytes it would have had; PARTS_CHANGED: the number of parts recorded earlier.
     */
    public String detail() {
        return detail;
    }
}
