package dev.campaigns.handlers;

import dev.campaigns.service.ChangesetJobSteps;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** State RecordChangesetJobFailure: records the error that ended a changeset job's steps. */
public final class RecordChangesetJobFailureHandler extends StepHandler {
    private final Supplier<ChangesetJobSteps> steps;

    public RecordChangesetJobFailureHandler() {
        this(Services.fromEnvironment());
    }

    RecordChangesetJobFailureHandler(Services services) {
        this(services::steps, services::redact, services::prime);
    }

    public RecordChangesetJobFailureHandler(Supplier<ChangesetJobSteps> steps, UnaryOperator<String> redact,
                                            Runnable priming) {
        super(redact, priming);
        this.steps = steps;
    }

    @Override
    protected Object step(StepInput in) {
        steps.get().recordFailure(in.campaignId(), in.jobId(), CaughtError.message(in.error()));
        return Map.of("jobId", in.jobId());
    }
}
