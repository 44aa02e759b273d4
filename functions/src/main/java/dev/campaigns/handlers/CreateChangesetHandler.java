package dev.campaigns.handlers;

import java.util.Map;

/** State CreateChangeset: records the pull request as a changeset and completes the job. */
public final class CreateChangesetHandler extends StepHandler {
    public CreateChangesetHandler() {
        this(Services.fromEnvironment());
    }

    public CreateChangesetHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        services.steps().changeset(in.campaignId(), in.jobId());
        return Map.of("jobId", in.jobId());
    }
}
