package dev.campaigns.store;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * How the store waits before it tries a DynamoDB call again (a transaction conflict on a hot counter item, a batch
 * with unprocessed items): full jitter over a doubling cap, at most {@code maxAttempts} tries. The random source and
 * the sleeper are injected, so tests run it with a recorded sleep and a fixed "random" and never wait.
 */
public record Backoff(Duration base, Duration cap, int maxAttempts, LongUnaryOperator jitter, Sleeper sleeper) {

    /** Waits; {@link Thread#sleep} in production, a recorder in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public Backoff {
        if (base.isNegative() || cap.compareTo(base) < 0 || maxAttempts < 1) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= cap and at least one attempt");
        }
    }

    /** The store's backoff: 10 ms doubling up to 1 s, full jitter, 13 tries (about 6 s of waiting at most). */
    public static Backoff standard() {
        return new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), 13,
                bound -> ThreadLocalRandom.current().nextLong(bound + 1), d -> Thread.sleep(d.toMillis()));
    }

    /** The wait before try {@code attempt + 1} after try {@code attempt} (0-based) failed. */
    public Duration delay(int attempt) {
        long bound = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt, 20));
        return Duration.ofMillis(Math.max(0, Math.min(bound, jitter.applyAsLong(bound))));
    }

    /** True if a call that failed at try {@code attempt} (0-based) may be tried again. */
    public boolean mayRetry(int attempt) {
        return attempt + 1 < maxAttempts;
    }

    /** Sleeps the delay after try {@code attempt}; an interrupt ends the wait with an error (the call is given up). */
    public void pause(int attempt) {
        try {
            sleeper.sleep(delay(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a DynamoDB call", e);
        }
    }
}
