package dev.campaigns.workflow;

/**
 * The errors a workflow step reports to Step Functions. Lambda reports a Java exception's class name as the
 * error's type, and {@code statemachine.asl.json} retries by that name: {@link TransientStepFailure} with
 * exponential backoff and full jitter, {@link RateLimitedStepFailure} with long waits (Step Functions waits, no
 * Lambda sleeps), {@link UnexpectedStepFailure} a little; {@link PermanentStepFailure} is never retried; all are
 * finally caught and recorded on the job.
 */
public abstract class StepFailure extends RuntimeException {
    protected StepFailure(String message) {
        super(message, null, false, false);
    }
}
