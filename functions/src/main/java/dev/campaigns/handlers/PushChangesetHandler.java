package dev.campaigns.handlers;

import dev.campaigns.service.ChangesetJobSteps;
import dev.campaigns.service.PullRequestPacing;
import dev.campaigns.store.JobNotPendingException;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * State PushChangeset: pushes the job's commit to the campaign's branch, then reserves the job's pull-request slot
 * from the pacer ({@code slot}, an RFC 3339 timestamp that the next state, {@code WaitForPullRequestSlot}, waits
 * for). One Lambda for both keeps the per-job history events and invocations down; both halves are idempotent.
 */
public final class PushChangesetHandler extends StepHandler {
    private final Supplier<ChangesetJobSteps> steps;
    private final Supplier<PullRequestPacing> pacing;

    public PushChangesetHandler() {
        this(Services.fromEnvironment());
    }

    PushChangesetHandler(Services services) {
        this(services::steps, services::pacing, services::redact, services::prime);
    }

    public PushChangesetHandler(Supplier<ChangesetJobSteps> steps, Supplier<PullRequestPacing> pacing,
                                UnaryOperator<String> redact, Runnable priming) {
        super(redact, priming);
        this.steps = steps;
        this.pacing = pacing;
    }

    @Override
    protected Object step(StepInput in) {
        try {
            steps.get().push(in.campaignId(), in.jobId());
        } catch (JobNotPendingException finished) {
            // the job ended meanwhile: nothing to pace either (the slot is now), but the Wait needs a timestamp
        }
        return Map.of("jobId", in.jobId(), "slot", pacing.get().reserve(in.campaignId(), in.jobId()).toString());
    }
}
