package dev.campaigns.handlers;

import java.util.Map;

/** State FinishCampaign: ends the execution; a job left pending is marked errored. */
public final class FinishCampaignHandler extends StepHandler {
    public FinishCampaignHandler() {
        this(Services.fromEnvironment());
    }

    public FinishCampaignHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        services.steps().finish(in.campaignId(), in.execution());
        return Map.of("campaignId", in.campaignId());
    }
}
