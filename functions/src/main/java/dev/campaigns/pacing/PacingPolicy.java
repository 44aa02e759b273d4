package dev.campaigns.pacing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How one code host is paced: its content-creation limits and a safety margin. Slots are spaced by the largest
 * {@link RateLimit#interval(Duration) interval} of the limits, so every limit holds in every sliding window (the
 * way GitHub counts) and the long-run rate is the binding limit's rate less the margin (500/h with a 10 s margin:
 * one slot every 7.22 s, 99.7 % of the allowed rate).
 *
 * <p>Why no bursts: a burst that a sliding hour window would allow right now may be refused an hour later if the
 * previous hour was busy; exact burst accounting needs the log of the last hour's requests (up to 500 timestamps on
 * a hot item). Strict spacing reaches the same long-run rate with one number of state.
 *
 * @param limits the limits to honour together; empty means unpaced
 * @param margin added to each limit's window: how late a request may be relative to its slot without breaking
 *               a limit (Step Functions Wait precision, Lambda start-up)
 */
public record PacingPolicy(List<RateLimit> limits, Duration margin) {
    /** GitHub's published secondary limits for content creation: 80 per minute, 500 per hour. */
    public static final PacingPolicy GITHUB = new PacingPolicy(
            List.of(new RateLimit(80, Duration.ofMinutes(1)), new RateLimit(500, Duration.ofHours(1))),
            Duration.ofSeconds(10));

    public PacingPolicy {
        limits = List.copyOf(limits);
        Objects.requireNonNull(margin, "margin");
        if (margin.isNegative()) {
            throw new IllegalArgumentException("the pacing margin must not be negative: " + margin);
        }
    }

    /** The spacing between two slots; zero when unpaced. */
    public Duration interval() {
        Duration max = Duration.ZERO;
        for (RateLimit limit : limits) {
            Duration d = limit.interval(margin);
            if (d.compareTo(max) > 0) {
                max = d;
            }
        }
        return max;
    }

    public boolean paced() {
        return !limits.isEmpty();
    }

    /** This policy with another margin. */
    public PacingPolicy withMargin(Duration m) {
        return new PacingPolicy(limits, m);
    }

    /**
     * Parses {@code "80/min,500/h"} (units {@code s}, {@code min}, {@code h}; {@code "none"} for unpaced), with the
     * given margin.
     *
     * @throws IllegalArgumentException naming the part that is not a limit
     */
    public static PacingPolicy parse(String spec, Duration margin) {
        String s = spec == null ? "" : spec.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty pacing limits (expected e.g. \"80/min,500/h\" or \"none\")");
        }
        if (s.equalsIgnoreCase("none")) {
            return new PacingPolicy(List.of(), margin);
        }
        List<RateLimit> limits = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.strip();
            int slash = p.indexOf('/');
            if (slash < 1) {
                throw new IllegalArgumentException("pacing limit \"" + p + "\" is not COUNT/UNIT (e.g. 80/min)");
            }
            int count;
            try {
                count = Integer.parseInt(p.substring(0, slash).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pacing limit \"" + p + "\" does not start with a whole number");
            }
            Duration window = switch (p.substring(slash + 1).strip().toLowerCase(java.util.Locale.ROOT)) {
                case "s", "sec", "second" -> Duration.ofSeconds(1);
                case "min", "m", "minute" -> Duration.ofMinutes(1);
                case "h", "hour" -> Duration.ofHours(1);
                default -> throw new IllegalArgumentException("pacing limit \"" + p
                        + "\" has an unknown unit (s, min or h)");
            };
            limits.add(new RateLimit(count, window));
        }
        return new PacingPolicy(limits, margin);
    }

    @Override
    public String toString() {
        return limits.isEmpty() ? "none" : String.join(",", limits.stream().map(RateLimit::toString).toList())
                + " (margin " + margin.toSeconds() + " s)";
    }
}
