package dev.campaigns.handlers;

import java.util.Map;

/** State PushChangeset: pushes the job's commit to the campaign's branch. */
public final class PushChangesetHandler extends StepHandler {
    public PushChangesetHandler() {
        this(Services.fromEnvironment());
    }

    public PushChangesetHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        services.steps().push(in.campaignId(), in.jobId());
        return Map.of("jobId", in.jobId());
    }
}
