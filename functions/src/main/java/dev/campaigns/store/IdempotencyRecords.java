package dev.campaigns.store;

/**
 * Where idempotency records live: one record per key, written conditionally. The rules of their use (who runs the
 * operation, who waits, what a repeat returns) are {@link Idempotency}'s. Implementations:
 * {@link DynamoIdempotencyRecords} and {@link InMemoryRepositories#idempotencyRecords()}.
 */
public interface IdempotencyRecords {

    /** A stored record: INPROGRESS (data null) or COMPLETED; times in epoch seconds / milliseconds. */
    record IdempotencyRecord(String key, Status status, String validation, String data, long expirationSeconds,
                             long inProgressExpirationMillis) {
        public enum Status { INPROGRESS, COMPLETED }
    }

    /**
     * Writes {@code record} (INPROGRESS) unless a record stands in the way: one that exists, has not expired
     * ({@code expirationSeconds} at or after {@code nowMillis}' second) and is not a stale INPROGRESS record (its
     * {@code inProgressExpirationMillis} before {@code nowMillis}).
     *
     * @return null when written, else the record that stood in the way
     */
    IdempotencyRecord putInProgress(IdempotencyRecord record, long nowMillis);

    /** Replaces the key's record with its COMPLETED record. */
    void putCompleted(IdempotencyRecord record);

    /** Removes the key's record (the operation failed: a later call may run it). */
    void delete(String key);
}
