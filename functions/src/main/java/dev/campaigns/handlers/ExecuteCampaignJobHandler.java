package dev.campaigns.handlers;

import dev.campaigns.service.CampaignPlanService;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** State ExecuteCampaignJob: the git engine's dry run of one campaign job; records its diff stat. */
public final class ExecuteCampaignJobHandler extends StepHandler {
    private final Supplier<CampaignPlanService> plans;

    public ExecuteCampaignJobHandler() {
        this(Services.fromEnvironment());
    }

    ExecuteCampaignJobHandler(Services services) {
        this(services::plans, services::redact, services::prime);
    }

    public ExecuteCampaignJobHandler(Supplier<CampaignPlanService> plans, UnaryOperator<String> redact,
                                     Runnable priming) {
        super(redact, priming);
        this.plans = plans;
    }

    @Override
    protected Object step(StepInput in) {
        plans.get().executeCampaignJob(in.campaignPlanId(), in.jobId());
        return Map.of("jobId", in.jobId());
    }
}
