package dev.campaigns.infra.codehost;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * GitHub's published REST limits, per token, on the host's clock.
 *
 * <ul>
 *   <li>Primary: {@code primaryPerHour} requests per fixed hour window; reported on every response in
 *       {@code x-ratelimit-*} headers; when spent, 403 with {@code x-ratelimit-remaining: 0}.</li>
 *   <li>Secondary (content creation): {@code perMinute} and {@code perHour} POST/PATCH/PUT requests in sliding
 *       windows; when exceeded, 403 with {@code Retry-After}. Rejected requests do not count.</li>
 * </ul>
 * A limit of 0 or less disables it. Thread-safe (one lock; the work under it is tiny).
 */
final class RateLimiter {

    /** Primary-limit state to report in headers; {@code limited} when this request must be refused. */
    record Primary(int limit, int remaining, long resetEpochSecond, int used, boolean limited) {
    }

    private final Clock clock;
    private final int primaryPerHour;
    private final int contentPerMinute;
    private final int contentPerHour;
    private final Map<String, long[]> primaryWindows = new HashMap<>(); // token -> {windowStartEpochSecond, used}
    private final Map<String, Deque<Instant>> contentCalls = new HashMap<>();

    RateLimiter(Clock clock, int primaryPerHour, int contentPerMinute, int contentPerHour) {
        this.clock = clock;
        this.primaryPerHour = primaryPerHour;
        this.contentPerMinute = contentPerMinute;
        this.contentPerHour = contentPerHour;
    }

    /**
     * The key's primary window as it stands, without counting a request (GitHub's free GET /rate_limit);
     * {@code limit} overrides the host's hourly limit when not negative (anonymous callers get 60).
     */
    synchronized Primary peek(String token, int limit) {
        int primaryPerHour = limit >= 0 ? limit : this.primaryPerHour;
        long now = clock.instant().getEpochSecond();
        long[] window = primaryWindows.getOrDefault(token, new long[] {now, 0});
        if (now >= window[0] + 3600) {
            window = new long[] {now, 0};
        }
        if (primaryPerHour <= 0) {
            return new Primary(5000, 5000, window[0] + 3600, 0, false);
        }
        return new Primary(primaryPerHour, (int) Math.max(0, primaryPerHour - window[1]), window[0] + 3600,
                (int) window[1], window[1] >= primaryPerHour);
    }

    /** Counts one request against the key's primary window ({@code limit} as in {@link #peek}). */
    synchronized Primary primary(String token, int limit) {
        int primaryPerHour = limit >= 0 ? limit : this.primaryPerHour;
        long now = clock.instant().getEpochSecond();
        long[] window = primaryWindows.computeIfAbsent(token, t -> new long[] {now, 0});
        if (now >= window[0] + 3600) {
            window[0] = now;
            window[1] = 0;
        }
        long reset = window[0] + 3600;
        if (primaryPerHour <= 0) {
            return new Primary(5000, 5000, reset, 0, false);
        }
        if (window[1] >= primaryPerHour) {
            return new Primary(primaryPerHour, 0, reset, (int) window[1], true);
        }
        window[1]++;
        return new Primary(primaryPerHour, (int) (primaryPerHour - window[1]), reset, (int) window[1], false);
    }

    /** Records a content-creating call, or returns how long (host time) to wait when over a limit. */
    synchronized Duration contentCreation(String token) {
        Instant now = clock.instant();
        Deque<Instant> calls = contentCalls.computeIfAbsent(token, t -> new ArrayDeque<>());
        Instant hourAgo = now.minus(Duration.ofHours(1));
        while (!calls.isEmpty() && !calls.peekFirst().isAfter(hourAgo)) {
            calls.pollFirst();
        }
        if (contentPerHour > 0 && calls.size() >= contentPerHour) {
            return Duration.between(now, calls.peekFirst().plus(Duration.ofHours(1)));
        }
        if (contentPerMinute > 0) {
            Instant minuteAgo = now.minus(Duration.ofMinutes(1));
            int inLastMinute = 0;
            Instant oldestInMinute = null;
            for (var it = calls.descendingIterator(); it.hasNext(); ) {
                Instant t = it.next();
                if (!t.isAfter(minuteAgo)) {
                    break;
                }
                inLastMinute++;
                oldestInMinute = t;
            }
            if (inLastMinute >= contentPerMinute) {
                return Duration.between(now, oldestInMinute.plus(Duration.ofMinutes(1)));
            }
        }
        calls.addLast(now);
        return Duration.ZERO;
    }
}
