package dev.campaigns.handlers;

import dev.campaigns.service.CampaignPlanService;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** State PrepareCampaignJobPage: the pending jobs of one page of a campaign plan. */
public final class PrepareCampaignJobPageHandler extends StepHandler {
    private final Supplier<CampaignPlanService> plans;

    public PrepareCampaignJobPageHandler() {
        this(Services.fromEnvironment());
    }

    PrepareCampaignJobPageHandler(Services services) {
        this(services::plans, services::redact, services::prime);
    }

    public PrepareCampaignJobPageHandler(Supplier<CampaignPlanService> plans, UnaryOperator<String> redact,
                                         Runnable priming) {
        super(redact, priming);
        this.plans = plans;
    }

    @Override
    protected Object step(StepInput in) {
        return Map.of("jobIds", plans.get().pendingJobIds(in.campaignPlanId(), in.page()));
    }
}
