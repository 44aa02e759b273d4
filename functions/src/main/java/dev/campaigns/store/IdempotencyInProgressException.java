package dev.campaigns.store;

/** The first request with this idempotency key is still running; try again shortly. */
public final class IdempotencyInProgressException extends RuntimeException {
    public IdempotencyInProgressException() {
        super("a request with this idempotencyKey is still in progress; retry shortly");
    }
}
