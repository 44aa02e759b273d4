package dev.campaigns.workflow;

/** Cannot succeed by retrying: bad patch, missing revision, branch conflict, no permission. */
public final class PermanentStepFailure extends StepFailure {
    public PermanentStepFailure(String message) {
        super(message);
    }
}
