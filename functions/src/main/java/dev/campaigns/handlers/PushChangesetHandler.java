package dev.campaigns.handlers;

import dev.campaigns.store.JobNotPendingException;
import java.util.Map;

/**
 * State PushChangeset: pushes the job's commit to the campaign's branch, then reserves the job's pull-request slot
 * from the pacer ({@code slot}, an RFC 3339 timestamp that the next state, {@code WaitForPullRequestSlot}, waits
 * for). One Lambda for both keeps the per-job history events and invocations down; both halves are idempotent.
 */
public final class PushChangesetHandler extends StepHandler {
    public PushChangesetHandler() {
        this(Services.fromEnvironment());
    }

    public PushChangesetHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        try {
            services.steps().push(in.campaignId(), in.jobId());
        } catch (JobNotPendingException finished) {
            // the job ended meanwhile: nothing to pace either (the slot is now), but the Wait needs a timestamp
        }
        return Map.of("jobId", in.jobId(), "slot", services.pacing().reserve(in.campaignId(), in.jobId()).toString());
    }
}
