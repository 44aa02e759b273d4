package dev.campaigns.handlers;

import java.util.Map;

/** State FinishCampaignPlan: ends a plan's execution; a job left pending is marked errored. */
public final class FinishCampaignPlanHandler extends StepHandler {
    public FinishCampaignPlanHandler() {
        this(Services.fromEnvironment());
    }

    public FinishCampaignPlanHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        services.plans().finish(in.campaignPlanId());
        return Map.of("campaignPlanId", in.campaignPlanId());
    }
}
