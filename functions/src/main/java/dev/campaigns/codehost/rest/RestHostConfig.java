package dev.campaigns.codehost.rest;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where a code host spoken to over plain REST (GitLab, Bitbucket Server) is, and how patiently to talk to it.
 *
 * @param apiUrl           the API root: GitLab {@code https://HOST/api/v4}, Bitbucket Server {@code https://HOST}
 *                         (REST paths {@code /rest/api/1.0/...} are appended)
 * @param gitUrl           the base of clone URLs (no trailing slash)
 * @param token            asked before every request, sent as {@code Authorization: Bearer <t>}; never logged
 * @param requestTimeout   a request without a complete answer in this time is a TIMEOUT (default 30 s)
 * @param connectTimeout   default 10 s
 * @param maxRateLimitWait a 429 asking for at most this pause is waited for and retried (twice at most); a longer
 *                         one is a RATE_LIMITED error carrying the pause, for the workflow to wait (default 10 s)
 * @param clock            turns {@code RateLimit-Reset} into a pause
 * @param sleeper          spends a pause (tests advance a fake clock)
 */
public record RestHostConfig(URI apiUrl, URI gitUrl, Supplier<String> token, Duration requestTimeout,
                             Duration connectTimeout, Duration maxRateLimitWait, Clock clock, Sleeper sleeper) {

    /** Spends a rate-limit pause. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        /** Sleeps the calling thread. */
        Sleeper THREAD = duration -> Thread.sleep(duration.toMillis());
    }

    public RestHostConfig {
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(gitUrl, "gitUrl");
        Objects.requireNonNull(token, "token");
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        maxRateLimitWait = maxRateLimitWait == null ? Duration.ofSeconds(10) : maxRateLimitWait;
        clock = clock == null ? Clock.systemUTC() : clock;
        sleeper = sleeper == null ? Sleeper.THREAD : sleeper;
        apiUrl = stripTrailingSlash(apiUrl);
        gitUrl = stripTrailingSlash(gitUrl);
    }

    public RestHostConfig(URI apiUrl, URI gitUrl, Supplier<String> token) {
        this(apiUrl, gitUrl, token, null, null, null, null, null);
    }

    public RestHostConfig withRequestTimeout(Duration timeout) {
        return new RestHostConfig(apiUrl, gitUrl, token, timeout, connectTimeout, maxRateLimitWait, clock, sleeper);
    }

    public RestHostConfig withMaxRateLimitWait(Duration maxWait) {
        return new RestHostConfig(apiUrl, gitUrl, token, requestTimeout, connectTimeout, maxWait, clock, sleeper);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "RestHostConfig[apiUrl=" + apiUrl + ", gitUrl=" + gitUrl + ", token=***, requestTimeout="
                + requestTimeout + ", connectTimeout=" + connectTimeout + ", maxRateLimitWait=" + maxRateLimitWait
                + "]";
    }

    private static URI stripTrailingSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }
}
