package dev.campaigns.handlers;

import dev.campaigns.service.ChangesetJobSteps;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** State FinishCampaign: ends the execution; a job left pending is marked errored. */
public final class FinishCampaignHandler extends StepHandler {
    private final Supplier<ChangesetJobSteps> steps;

    public FinishCampaignHandler() {
        this(Services.fromEnvironment());
    }

    FinishCampaignHandler(Services services) {
        this(services::steps, services::redact, services::prime);
    }

    public FinishCampaignHandler(Supplier<ChangesetJobSteps> steps, UnaryOperator<String> redact, Runnable priming) {
        super(redact, priming);
        this.steps = steps;
    }

    @Override
    protected Object step(StepInput in) {
        steps.get().finish(in.campaignId(), in.execution());
        return Map.of("campaignId", in.campaignId());
    }
}
