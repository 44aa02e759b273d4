package dev.campaigns.domain;

import java.time.Instant;

/**
 * A campaign plan: one patch per repository and base revision. Its jobs are executed (checked) in the
 * background; a campaign can be created from the plan once that has finished.
 */
public record CampaignPlan(String id, String owner, Instant createdAt, JobCounters counters) {
    public boolean finishedExecuting() {
        return counters.pending() == 0;
    }
}
