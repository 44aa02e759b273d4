package dev.campaigns.handlers;

import dev.campaigns.service.ChangesetJobSteps;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** State CreateChangeset: records the pull request as a changeset and completes the job. */
public final class CreateChangesetHandler extends StepHandler {
    private final Supplier<ChangesetJobSteps> steps;

    public CreateChangesetHandler() {
        this(Services.fromEnvironment());
    }

    CreateChangesetHandler(Services services) {
        this(services::steps, services::redact, services::prime);
    }

    public CreateChangesetHandler(Supplier<ChangesetJobSteps> steps, UnaryOperator<String> redact, Runnable priming) {
        super(redact, priming);
        this.steps = steps;
    }

    @Override
    protected Object step(StepInput in) {
        steps.get().changeset(in.campaignId(), in.jobId());
        return Map.of("jobId", in.jobId());
    }
}
