package dev.campaigns.service;

/**
 * A request the service refuses, with a message meant for the user. The subclass names the kind of refusal
 * (its class name reaches GraphQL clients as the error's type); nothing was changed.
 */
public abstract class CampaignsException extends RuntimeException {
    protected CampaignsException(String message) {
        super(message);
    }
}
