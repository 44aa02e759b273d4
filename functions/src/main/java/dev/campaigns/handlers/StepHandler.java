package dev.campaigns.handlers;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.git.GitEngineException;
import dev.campaigns.service.CampaignsException;
import dev.campaigns.store.CampaignStore;
import dev.campaigns.store.DynamoTable;
import dev.campaigns.workflow.PermanentStepFailure;
import dev.campaigns.workflow.RateLimitedStepFailure;
import dev.campaigns.workflow.StepFailure;
import dev.campaigns.workflow.TransientStepFailure;
import dev.campaigns.workflow.UnexpectedStepFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * A workflow step: runs the step and turns whatever it throws into a {@link StepFailure} that
 * {@code statemachine.asl.json} knows how to retry or catch, with the code host token redacted.
 */
public abstract class StepHandler extends JsonHandler<StepInput> {
    private static final Logger LOG = LoggerFactory.getLogger(StepHandler.class);
    protected final Services services;

    protected StepHandler(Services services) {
        super(StepInput.class);
        this.services = services;
    }

    @Override
    protected final Object handle(StepInput input) {
        String step = getClass().getSimpleName().replace("Handler", "");
        try {
            Object result = step(input);
            LOG.info("{} ok campaignPlan={} campaign={} page={} job={}", step, input.campaignPlanId(),
                    input.campaignId(), input.page(), input.jobId());
            return result;
        } catch (CampaignStore.JobNotPendingException finished) {
            LOG.info("{} skipped: {}", step, finished.getMessage());
            return java.util.Map.of("skipped", true);
        } catch (RuntimeException e) {
            StepFailure failure = classify(e);
            LOG.warn("{} failed campaignPlan={} campaign={} job={}: {} {}", step, input.campaignPlanId(),
                    input.campaignId(), input.jobId(), failure.getClass().getSimpleName(), failure.getMessage());
            throw failure;
        }
    }

    protected abstract Object step(StepInput input);

    /** Also builds the DynamoDB client and loads the git engine's and code host client's classes. */
    @Override
    protected void prime() {
        super.prime();
        services.prime();
    }

    /**
     * The failure the state machine sees for {@code e}: its type decides retry or catch, its message is {@code e}'s,
     * redacted with the token only if this function has read it (classifying never reads the token, so it can
     * neither fail nor replace the real error).
     */
    private StepFailure classify(RuntimeException e) {
        String message = services.redact(describe(e));
        if (e instanceof StepFailure f) {
            return f;
        }
        if (e instanceof GitEngineException g) {
            return g.kind() == GitEngineException.Kind.UNEXPECTED ? new UnexpectedStepFailure(message)
                    : g.isTransient() ? new TransientStepFailure(message) : new PermanentStepFailure(message);
        }
        if (e instanceof CodeHostException c) {
            if (c.kind() == CodeHostException.Kind.RATE_LIMITED) {
                return new RateLimitedStepFailure(message);
            }
            return c.isTransient() ? new TransientStepFailure(message) : new PermanentStepFailure(message);
        }
        if (e instanceof CampaignsException || e instanceof IllegalStateException
                || e instanceof IllegalArgumentException) {
            return new PermanentStepFailure(message);
        }
        if (e instanceof DynamoTable.StoreBusyException || e instanceof SdkClientException || (e instanceof SdkServiceException s && (s.isThrottlingException()
                || s.statusCode() >= 500)) || (e instanceof SdkException sdk && sdk.retryable())) {
            return new TransientStepFailure(message);
        }
        return new UnexpectedStepFailure(message);
    }

    private static String describe(RuntimeException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
