package dev.campaigns.handlers;

import java.util.Map;

/** State PrepareCampaignJobPage: the pending jobs of one page of a campaign plan. */
public final class PrepareCampaignJobPageHandler extends StepHandler {
    public PrepareCampaignJobPageHandler() {
        this(Services.fromEnvironment());
    }

    public PrepareCampaignJobPageHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        return Map.of("jobIds", services.plans().pendingJobIds(in.campaignPlanId(), in.page()));
    }
}
