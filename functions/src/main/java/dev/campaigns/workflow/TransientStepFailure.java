package dev.campaigns.workflow;

/** Could succeed later: network, 5xx, timeouts, DynamoDB throttling. */
public final class TransientStepFailure extends StepFailure {
    public TransientStepFailure(String message) {
        super(message);
    }
}
