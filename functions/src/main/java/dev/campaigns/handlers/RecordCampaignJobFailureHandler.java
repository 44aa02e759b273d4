package dev.campaigns.handlers;

import dev.campaigns.service.CampaignPlanService;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** State RecordCampaignJobFailure: records the error that ended a campaign job's execution. */
public final class RecordCampaignJobFailureHandler extends StepHandler {
    private final Supplier<CampaignPlanService> plans;

    public RecordCampaignJobFailureHandler() {
        this(Services.fromEnvironment());
    }

    RecordCampaignJobFailureHandler(Services services) {
        this(services::plans, services::redact, services::prime);
    }

    public RecordCampaignJobFailureHandler(Supplier<CampaignPlanService> plans, UnaryOperator<String> redact,
                                           Runnable priming) {
        super(redact, priming);
        this.plans = plans;
    }

    @Override
    protected Object step(StepInput in) {
        plans.get().recordFailure(in.campaignPlanId(), in.jobId(), CaughtError.message(in.error()));
        return Map.of("jobId", in.jobId());
    }
}
