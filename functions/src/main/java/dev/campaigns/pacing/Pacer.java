package dev.campaigns.pacing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Paces content-creating requests (pull requests) per code host and token across every concurrent Lambda, within
 * the host's published limits, by reservation: a job asks for a slot, gets a timestamp, and the state machine
 * waits until then (one {@code Wait} state with {@code TimestampPath}) before creating its pull request. Nobody
 * polls and no Lambda sleeps, so a 10,000-job campaign spends no history events or Lambda time on pacing beyond
 * one Wait per job.
 *
 * <p>Virtual scheduling (GCRA without burst): the store keeps each bucket's next free slot; a reservation takes
 * {@code max(now, next)} and moves {@code next} one {@link PacingPolicy#interval() interval} further, atomically.
 *
 * <p>Idempotent per job: a retried reservation whose slot is still ahead (or now) gets the same slot back; a job
 * whose slot has passed without its pull request (a retry after a failure) takes a new one, so a stale slot never
 * lets a request jump the queue.
 */
public final class Pacer {
    /** How long a job's reservation record is kept after its slot. */
    static final Duration KEEP_RESERVATION = Duration.ofDays(2);

    private final PacingStore store;
    private final PacingConfig config;
    private final Clock clock;

    public Pacer(PacingStore store, PacingConfig config, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A job's slot and whether it was reserved before (a retry). */
    public record Reservation(Instant slot, boolean repeated) {
    }

    /**
     * Reserves the slot at which {@code jobKey} may make its content-creating request under {@code key}'s budget.
     *
     * @param jobKey unique per job (e.g. campaign ID and job ID)
     */
    public Reservation reserve(PacerKey key, String jobKey) {
        Instant now = clock.instant();
        PacingPolicy policy = config.forHost(key.apiUrl());
        if (!policy.paced()) {
            return new Reservation(now, false);
        }
        Optional<Instant> previous = store.reservation(jobKey);
        if (previous.isPresent() && !previous.get().isBefore(now.minusSeconds(1))) {
            return new Reservation(previous.get(), true);
        }
        Instant slot = store.takeSlot(key.id(), now, policy.interval());
        store.recordReservation(jobKey, slot, slot.plus(KEEP_RESERVATION));
        return new Reservation(slot, false);
    }

    /**
     * Late-request compensation: the content-creating request of {@code jobKey} was sent at {@code sentAt}. If that
     * is later than its slot by more than half the margin (a cold start, a slow host), the bucket's next free slot
     * moves later by as much, so the requests reserved from now on keep their spacing from the late one: without it,
     * the request one window later (500 slots on) could land inside the late request's window. Returns the
     * compensation applied (zero when on time).
     */
    public Duration sent(PacerKey key, String jobKey, Instant sentAt) {
        PacingPolicy policy = config.forHost(key.apiUrl());
        if (!policy.paced()) {
            return Duration.ZERO;
        }
        Optional<Instant> slot = store.reservation(jobKey);
        if (slot.isEmpty()) {
            return Duration.ZERO;
        }
        Duration late = Duration.between(slot.get(), sentAt);
        if (late.compareTo(policy.margin().dividedBy(2)) <= 0) {
            return Duration.ZERO;
        }
        store.delay(key.id(), late);
        return late;
    }

    /** The policy applied to {@code key}'s host (for logs and benchmarks). */
    public PacingPolicy policy(PacerKey key) {
        return config.forHost(key.apiUrl());
    }
}
