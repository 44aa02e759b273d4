package dev.campaigns.handlers;

import java.util.Map;

/** State PrepareChangesetJobPage: creates the changeset jobs of one page and lists the pending ones. */
public final class PrepareChangesetJobPageHandler extends StepHandler {
    public PrepareChangesetJobPageHandler() {
        this(Services.fromEnvironment());
    }

    public PrepareChangesetJobPageHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        return Map.of("jobs", services.steps().preparePage(in.campaignId(), in.page()).stream()
                .map(job -> Map.of("jobId", job.jobId(), "repository", job.repository())).toList());
    }
}
