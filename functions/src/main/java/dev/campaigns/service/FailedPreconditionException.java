package dev.campaigns.service;

/** The request does not fit the current state, e.g. a campaign plan that has not finished executing. */
public final class FailedPreconditionException extends CampaignsException {
    public FailedPreconditionException(String message) {
        super(message);
    }
}
