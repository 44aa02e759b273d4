package dev.campaigns.handlers;

import java.util.Map;

/** State ExecuteCampaignJob: the git engine's dry run of one campaign job; records its diff stat. */
public final class ExecuteCampaignJobHandler extends StepHandler {
    public ExecuteCampaignJobHandler() {
        this(Services.fromEnvironment());
    }

    public ExecuteCampaignJobHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        services.plans().executeCampaignJob(in.campaignPlanId(), in.jobId());
        return Map.of("jobId", in.jobId());
    }
}
