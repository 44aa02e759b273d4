package dev.campaigns.handlers;

import dev.campaigns.store.JobNotPendingException;
import dev.campaigns.workflow.StepFailure;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A workflow step: runs the step and turns whatever it throws into a {@link StepFailure} that
 * {@code statemachine.asl.json} knows how to retry or catch, with the code host token redacted.
 */
public abstract class StepHandler extends JsonHandler<StepInput> {
    private static final Logger LOG = LoggerFactory.getLogger(StepHandler.class);
    private final UnaryOperator<String> redact;
    private final Runnable priming;

    /**
     * @param redact  removes the code host token from a text if this function has read it (never reads it)
     * @param priming the SnapStart priming of the collaborators (builds clients, loads classes; reads no secret)
     */
    protected StepHandler(UnaryOperator<String> redact, Runnable priming) {
        super(StepInput.class);
        this.redact = redact;
        this.priming = priming;
    }

    @Override
    protected final Object handle(StepInput input) {
        String step = getClass().getSimpleName().replace("Handler", "");
        try {
            Object result = step(input);
            LOG.info("{} ok campaignPlan={} campaign={} page={} job={}", step, input.campaignPlanId(),
                    input.campaignId(), input.page(), input.jobId());
            return result;
        } catch (JobNotPendingException finished) {
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
        priming.run();
    }

    /**
     * The failure the state machine sees for {@code e}: its type decides retry or catch, its message is {@code e}'s,
     * redacted with the token only if this function has read it (classifying never reads the token, so it can
     * neither fail nor replace the real error).
     */
    private StepFailure classify(RuntimeException e) {
        String message = redact.apply(describe(e));
        return FailureClassification.classify(e, message);
    }

    private static String describe(RuntimeException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
