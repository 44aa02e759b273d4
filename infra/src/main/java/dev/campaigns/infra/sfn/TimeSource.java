package dev.campaigns.infra.sfn;

import java.time.Duration;
import java.time.Instant;

/**
 * Virtual time for the engine. Wait states, retry intervals, task timeouts and heartbeats are expressed in
 * <em>virtual</em> seconds, exactly as the definition says; the time source decides how long that takes for real.
 * With {@link #scaled(double) scaled(0.001)} a 10-second Wait takes 10 ms, while {@link #now()} (used for history
 * timestamps, {@code $$.State.EnteredTime} and Timestamp waits) advances at the virtual rate, so the semantics
 * stay exact in virtual seconds.
 */
public interface TimeSource {

    /** The current virtual time. */
    Instant now();

    /** Blocks for a virtual duration; interruptible (StopExecution interrupts). */
    void sleep(Duration virtual) throws InterruptedException;

    /** How many real nanoseconds a virtual duration lasts (used for bounded waits such as task timeouts). */
    long realNanos(Duration virtual);

    /** Real time. */
    static TimeSource system() {
        return scaled(1.0);
    }

    /**
     * Virtual time that starts at the real current instant and runs {@code 1/timeScale} times faster than real
     * time ({@code timeScale = 0.001}: one virtual second per real millisecond).
     */
    static TimeSource scaled(double timeScale) {
        if (!(timeScale > 0)) {
            throw new IllegalArgumentException("timeScale must be > 0: " + timeScale);
        }
        Instant origin = Instant.now();
        long originNanos = System.nanoTime();
        return new TimeSource() {
            @Override
            public Instant now() {
                long realElapsed = System.nanoTime() - originNanos;
                return origin.plusNanos((long) (realElapsed / timeScale));
            }

            @Override
            public void sleep(Duration virtual) throws InterruptedException {
                long nanos = realNanos(virtual);
                if (nanos > 0) {
                    Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
                }
            }

            @Override
            public long realNanos(Duration virtual) {
                double n = virtual.toNanos() * timeScale;
                return n >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) n;
            }
        };
    }
}
