package dev.campaigns.domain;

import java.time.Instant;

/**
 * A campaign plan: one patch per repository and base revision. Its patches are added (in one request or in batches),
 * then its jobs are executed (checked) in the background; a campaign can be created from the plan once that has
 * finished.
 *
 * @param executedAt when the plan's execution was started; null while patches are still being added
 */
public record CampaignPlan(String id, String owner, Instant createdAt, JobCounters counters, Instant executedAt) {
    /** Whether the execution was started (then no patch can be added any more). */
    public boolean executed() {
        return executedAt != null;
    }

    public boolean finishedExecuting() {
        return executed() && counters.pending() == 0;
    }
}
