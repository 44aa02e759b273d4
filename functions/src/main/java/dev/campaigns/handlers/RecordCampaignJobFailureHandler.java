package dev.campaigns.handlers;

import java.util.Map;

/** State RecordCampaignJobFailure: records the error that ended a campaign job's execution. */
public final class RecordCampaignJobFailureHandler extends StepHandler {
    public RecordCampaignJobFailureHandler() {
        this(Services.fromEnvironment());
    }

    public RecordCampaignJobFailureHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        services.plans().recordFailure(in.campaignPlanId(), in.jobId(), CaughtError.message(in.error()));
        return Map.of("jobId", in.jobId());
    }
}
