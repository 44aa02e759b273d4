package dev.campaigns.infra.codehost;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock running {@code factor} times faster than {@code base} from the moment it is created: with a factor of 60
 * the local code host's per-minute content limit resets every real second, so benchmarks exercise the limits
 * without waiting for them.
 */
public final class ScaledClock extends Clock {

    private final Clock base;
    private final double factor;
    private final Instant origin;

    public ScaledClock(Clock base, double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("time-scale factor must be > 0, got " + factor);
        }
        this.base = base;
        this.factor = factor;
        this.origin = base.instant();
    }

    public double factor() {
        return factor;
    }

    @Override
    public Instant instant() {
        long realNanos = Duration.between(origin, base.instant()).toNanos();
        return origin.plusNanos((long) (realNanos * factor));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
