package dev.campaigns.handlers;

import dev.campaigns.service.ChangesetJobSteps;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** State CommitChangeset: makes the job's bot commit and stores it for the push. */
public final class CommitChangesetHandler extends StepHandler {
    private final Supplier<ChangesetJobSteps> steps;

    public CommitChangesetHandler() {
        this(Services.fromEnvironment());
    }

    CommitChangesetHandler(Services services) {
        this(services::steps, services::redact, services::prime);
    }

    public CommitChangesetHandler(Supplier<ChangesetJobSteps> steps, UnaryOperator<String> redact, Runnable priming) {
        super(redact, priming);
        this.steps = steps;
    }

    @Override
    protected Object step(StepInput in) {
        String commit = steps.get().commit(in.campaignId(), in.jobId());
        return commit == null ? Map.of("skipped", true) : Map.of("commit", commit);
    }
}
