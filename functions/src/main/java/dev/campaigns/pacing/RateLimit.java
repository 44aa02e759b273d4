package dev.campaigns.pacing;

import java.time.Duration;
import java.util.Objects;

/**
 * One published content-creation limit of a code host: at most {@code count} requests in any {@code window}
 * (GitHub: 80 per minute and 500 per hour per token, in sliding windows).
 */
public record RateLimit(int count, Duration window) {
    public RateLimit {
        Objects.requireNonNull(window, "window");
        if (count < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate limit needs a positive count and window, got " + count + "/"
                    + window);
        }
    }

    /**
     * The spacing that never exceeds this limit in any window, even when every request is up to {@code margin}
     * later than its slot: {@code (window + margin) / count}.
     */
    public Duration interval(Duration margin) {
        return window.plus(margin).dividedBy(count);
    }

    @Override
    public String toString() {
        return count + "/" + (window.equals(Duration.ofMinutes(1)) ? "min"
                : window.equals(Duration.ofHours(1)) ? "h" : window.toSeconds() + "s");
    }
}
