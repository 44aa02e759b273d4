package dev.campaigns.workflow;

/** The code host asked us to slow down (a secondary or primary rate limit). */
public final class RateLimitedStepFailure extends StepFailure {
    public RateLimitedStepFailure(String message) {
        super(message);
    }
}
