package dev.campaigns.store;

/** The idempotency key was used before with a different request. */
public final class IdempotencyKeyReusedException extends RuntimeException {
    public IdempotencyKeyReusedException() {
        super("this idempotencyKey was already used for a different request");
    }
}
