package dev.campaigns.infra.sfn;

import java.time.Duration;
import java.time.Instant;

/**
 * The engine's two notions of time, kept apart:
 * <ul>
 *   <li><b>the wall clock</b> ({@link #wallClock()}), real time, for everything the engine records and reports:
 *       history event timestamps, execution start and stop dates, Map Run dates, state machine creation dates,
 *       {@code $$.Execution.StartTime} and {@code $$.State.EnteredTime}. It never runs fast, so a 5-second
 *       execution reports 5 seconds and no date lies in the future;</li>
 *   <li><b>virtual time</b>, the pace of waiting: Wait states, retry intervals, task timeouts and heartbeats are
 *       <em>virtual</em> seconds, exactly as the definition says, and the time source decides how long they take
 *       for real ({@link #sleep}, {@link #realNanos}). A {@code Timestamp} / {@code TimestampPath} Wait waits
 *       until its instant on the virtual clock {@link #now()}, the clock the workflow's own timestamps are
 *       computed on (e.g. a pacer's slot on a clock shared with the functions).</li>
 * </ul>
 * With {@link #scaled(double) scaled(0.001)} a 10-second Wait takes 10 ms and the virtual clock runs 1000× fast,
 * while history timestamps stay real.
 */
public interface TimeSource {

    /** The wall clock: real time, for history timestamps and the dates the API reports. */
    default Instant wallClock() {
        return Instant.now();
    }

    /** The current virtual time, which Timestamp waits are measured against. */
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
     * time ({@code timeScale = 0.001}: one virtual second per real millisecond). The wall clock stays real.
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
