package dev.campaigns.handlers;

import java.util.Map;

/** State RecordChangesetJobFailure: records the error that ended a changeset job's steps. */
public final class RecordChangesetJobFailureHandler extends StepHandler {
    public RecordChangesetJobFailureHandler() {
        this(Services.fromEnvironment());
    }

    public RecordChangesetJobFailureHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        services.steps().recordFailure(in.campaignId(), in.jobId(), CaughtError.message(in.error()));
        return Map.of("jobId", in.jobId());
    }
}
