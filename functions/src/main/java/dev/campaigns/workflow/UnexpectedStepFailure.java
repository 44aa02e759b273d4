package dev.campaigns.workflow;

/** A failure the step did not classify (a bug, most likely): retried a little, then recorded. */
public final class UnexpectedStepFailure extends StepFailure {
    public UnexpectedStepFailure(String message) {
        super(message);
    }
}
