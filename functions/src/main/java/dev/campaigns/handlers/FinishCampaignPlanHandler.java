package dev.campaigns.handlers;

import dev.campaigns.service.CampaignPlanService;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** State FinishCampaignPlan: ends a plan's execution; a job left pending is marked errored. */
public final class FinishCampaignPlanHandler extends StepHandler {
    private final Supplier<CampaignPlanService> plans;

    public FinishCampaignPlanHandler() {
        this(Services.fromEnvironment());
    }

    FinishCampaignPlanHandler(Services services) {
        this(services::plans, services::redact, services::prime);
    }

    public FinishCampaignPlanHandler(Supplier<CampaignPlanService> plans, UnaryOperator<String> redact,
                                     Runnable priming) {
        super(redact, priming);
        this.plans = plans;
    }

    @Override
    protected Object step(StepInput in) {
        plans.get().finish(in.campaignPlanId());
        return Map.of("campaignPlanId", in.campaignPlanId());
    }
}
