package dev.campaigns.pacing;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The shared state of the {@link Pacer}: one "next free slot" per code host and token, and the slot each job
 * reserved. Implementations must make {@link #takeSlot} atomic across processes (every concurrent Lambda shares
 * it): {@code store.DynamoPacingStore} uses conditional updates on one DynamoDB item.
 */
public interface PacingStore {

    /**
     * Atomically takes the next free slot of {@code bucketId} at or after {@code now} and moves the next free slot
     * {@code interval} past it. Returns the slot taken.
     */
    Instant takeSlot(String bucketId, Instant now, Duration interval);

    /** Moves the next free slot of {@code bucketId} {@code delay} later (atomically; nothing if it has none). */
    void delay(String bucketId, Duration delay);

    /** The slot {@code jobKey} reserved before, if any. */
    Optional<Instant> reservation(String jobKey);

    /** Records that {@code jobKey} holds {@code slot} (kept until {@code expiresAt}). */
    void recordReservation(String jobKey, Instant slot, Instant expiresAt);
}
