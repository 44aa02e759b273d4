package dev.campaigns.handlers;

import dev.campaigns.service.ChangesetJobSteps;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** State PrepareChangesetJobPage: creates the changeset jobs of one page and lists the pending ones. */
public final class PrepareChangesetJobPageHandler extends StepHandler {
    private final Supplier<ChangesetJobSteps> steps;

    public PrepareChangesetJobPageHandler() {
        this(Services.fromEnvironment());
    }

    PrepareChangesetJobPageHandler(Services services) {
        this(services::steps, services::redact, services::prime);
    }

    public PrepareChangesetJobPageHandler(Supplier<ChangesetJobSteps> steps, UnaryOperator<String> redact,
                                          Runnable priming) {
        super(redact, priming);
        this.steps = steps;
    }

    @Override
    protected Object step(StepInput in) {
        return Map.of("jobs", steps.get().preparePage(in.campaignId(), in.page()).stream()
                .map(job -> Map.of("jobId", job.jobId(), "repository", job.repository())).toList());
    }
}
