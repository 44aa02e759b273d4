package dev.campaigns.store;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs an operation at most once per idempotency key, and answers repeats with the first answer.
 *
 * <p>The records keep the shape and the conditional write of Powertools for AWS Lambda's DynamoDB persistence store
 * (see {@link DynamoIdempotencyRecords}), so that it can be swapped for Powertools' idempotency module once that
 * resolves. Unlike Powertools, a caller that finds the key in progress waits (boundedly: a fixed number of polls,
 * whatever the clock says) for the first caller's answer instead of failing, so concurrent identical requests all
 * receive the same result. A record in progress for longer than {@code inProgressExpiry} (its caller died) is
 * taken over; a completed record is answered until {@code expiry}.
 */
public final class Idempotency {
    /** How a waiting caller pauses between two looks at the record. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private static final long POLL_MILLIS = 100;

    private final IdempotencyRecords records;
    private final Clock clock;
    private final Duration expiry;
    private final Duration inProgressExpiry;
    private final long polls;
    private final Sleeper sleeper;

    public Idempotency(IdempotencyRecords records, Clock clock) {
        this(records, clock, Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofSeconds(20), Thread::sleep);
    }

    public Idempotency(IdempotencyRecords records, Clock clock, Duration expiry, Duration inProgressExpiry,
                       Duration waitForInProgress, Sleeper sleeper) {
        this.records = records;
        this.clock = clock;
        this.expiry = expiry;
        this.inProgressExpiry = inProgressExpiry;
        this.polls = Math.max(0, waitForInProgress.toMillis() / POLL_MILLIS);
        this.sleeper = sleeper;
    }

    /**
     * Runs {@code operation} unless {@code key} was seen before; returns its result or the first call's result.
     *
     * @param key        the idempotency key (already scoped to the caller)
     * @param validation a digest of the request; a repeat with another digest is refused
     * @throws IdempotencyKeyReusedException  the key was used before for a different request
     * @throws IdempotencyInProgressException the first call is still running after the wait
     */
    public String execute(String key, String validation, Supplier<String> operation) {
        for (long poll = 0; ; poll++) {
            long nowMs = clock.millis();
            IdempotencyRecords.IdempotencyRecord existing = records.putInProgress(
                    new IdempotencyRecords.IdempotencyRecord(key, IdempotencyRecords.IdempotencyRecord.Status.INPROGRESS,
                            validation, null, nowMs / 1000 + expiry.toSeconds(), nowMs + inProgressExpiry.toMillis()),
                    nowMs);
            if (existing == null) {
                break;
            }
            if (existing.validation() != null && !existing.validation().equals(validation)) {
                throw new IdempotencyKeyReusedException();
            }
            if (existing.status() == IdempotencyRecords.IdempotencyRecord.Status.COMPLETED) {
                return existing.data();
            }
            if (poll >= polls) {
                throw new IdempotencyInProgressException();
            }
            try {
                sleeper.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IdempotencyInProgressException();
            }
        }
        String result;
        try {
            result = operation.get();
        } catch (RuntimeException e) {
            records.delete(key);
            throw e;
        }
        records.putCompleted(new IdempotencyRecords.IdempotencyRecord(key,
                IdempotencyRecords.IdempotencyRecord.Status.COMPLETED, validation, result,
                clock.instant().plus(expiry).getEpochSecond(), 0));
        return result;
    }
}
