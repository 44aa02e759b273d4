package dev.campaigns.codehost.github;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.kohsuke.github.GHIOException;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.connector.GitHubConnectorResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do when GitHub says "slow down": a bounded wait, else a typed failure the workflow can wait on.
 *
 * <p>github-api's default handlers sleep for as long as GitHub asks (up to an hour for the primary limit), which in a
 * Lambda burns money and runs into the function timeout. This policy sleeps only when the pause is at most
 * {@code maxWait}; github-api then retries the request (at most twice more). A longer pause throws
 * {@link RateLimitedException}, which {@link GitHubErrors} turns into a RATE_LIMITED {@code CodeHostException}
 * carrying the pause, so Step Functions can wait (for free) and retry.
 *
 * <p>The pause comes from {@code Retry-After} (seconds or an HTTP date), else {@code x-ratelimit-reset} (epoch
 * seconds) relative to the response's {@code Date} header (the server's clock, immune to local clock skew), else
 * one minute, as GitHub's guidance for secondary limits says.
 */
final class RateLimitPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitPolicy.class);
    static final Duration DEFAULT_PAUSE = Duration.ofSeconds(60);

    private final Duration maxWait;
    private final Clock clock;
    private final GitHubConfig.Sleeper sleeper;
    private final ThreadLocal<Duration> lastPause = new ThreadLocal<>();

    RateLimitPolicy(Duration maxWait, Clock clock, GitHubConfig.Sleeper sleeper) {
        this.maxWait = maxWait;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Handler for the primary limit (403/429 with {@code x-ratelimit-remaining: 0}). */
    GitHubRateLimitHandler primaryHandler() {
        return new GitHubRateLimitHandler() {
            @Override
            public void onError(GitHubConnectorResponse response) throws IOException {
                handle(response, "primary");
            }
        };
    }

    /** Handler for secondary limits (429, or 403 with {@code Retry-After} / {@code gh-limited-by}). */
    GitHubAbuseLimitHandler secondaryHandler() {
        return new GitHubAbuseLimitHandler() {
            @Override
            public void onError(GitHubConnectorResponse response) throws IOException {
                handle(response, "secondary");
            }
        };
    }

    /** The last pause GitHub asked for on this thread, used when github-api runs out of retries. */
    Duration lastPauseOnThisThread() {
        Duration pause = lastPause.get();
        return pause == null ? DEFAULT_PAUSE : pause;
    }

    void clearThread() {
        lastPause.remove();
    }

    private void handle(GitHubConnectorResponse response, String which) throws IOException {
        Duration pause = pauseFor(response);
        lastPause.set(pause);
        String where = response.request().method() + " " + response.request().url().getPath();
        if (pause.compareTo(maxWait) > 0) {
            throw new RateLimitedException(which + " rate limit on " + where + ": host asks to wait " + pause,
                    response.statusCode(), pause);
        }
        LOG.info("{} rate limit on {} (HTTP {}): waiting {} before retrying", which, where, response.statusCode(),
                pause);
        try {
            sleeper.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw (InterruptedIOException) new InterruptedIOException("interrupted during rate-limit wait")
                    .initCause(e);
        }
    }

    Duration pauseFor(GitHubConnectorResponse response) {
        Instant now = serverNow(response);
        String retryAfter = response.header("Retry-After");
        if (retryAfter != null && !retryAfter.isBlank()) {
            try {
                return atLeastOneSecond(Duration.ofSeconds(Long.parseLong(retryAfter.trim())));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(retryAfter.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                            .toInstant();
                    return atLeastOneSecond(Duration.between(now, at));
                } catch (DateTimeParseException ignored) {
                    // fall through to the reset header
                }
            }
        }
        String reset = response.header("X-RateLimit-Reset");
        if (reset != null && "0".equals(response.header("X-RateLimit-Remaining"))) {
            try {
                return atLeastOneSecond(Duration.between(now, Instant.ofEpochSecond(Long.parseLong(reset.trim()))));
            } catch (NumberFormatException ignored) {
                // fall through to the default
            }
        }
        return DEFAULT_PAUSE;
    }

    private Instant serverNow(GitHubConnectorResponse response) {
        String date = response.header("Date");
        if (date != null) {
            try {
                return ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException ignored) {
                // use our clock
            }
        }
        return clock.instant();
    }

    private static Duration atLeastOneSecond(Duration d) {
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
    }

    /**
     * Thrown from inside github-api when the pause is too long to sleep through. A {@link GHIOException}, so
     * github-api passes it through unchanged.
     */
    static final class RateLimitedException extends GHIOException {
        final int status;
        final Duration pause;

        RateLimitedException(String message, int status, Duration pause) {
            super(message);
            this.status = status;
            this.pause = pause;
        }
    }
}
