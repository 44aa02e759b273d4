package dev.campaigns.service;

/** The input is invalid; the message names the field and the rule. Nothing was written. */
public final class InvalidInputException extends CampaignsException {
    public InvalidInputException(String message) {
        super(message);
    }
}
