package dev.campaigns.codehost.github;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where and how {@link GitHubCodeHost} talks to GitHub, GitHub Enterprise Server, or the local code host.
 *
 * <p>The same code runs against all three; only this configuration differs:
 * <ul>
 *   <li>github.com: {@link #gitHubDotCom(Supplier)} (API at {@code https://api.github.com}).</li>
 *   <li>GitHub Enterprise Server and the local code host: {@link #enterprise(URI, Supplier)} with the server's base
 *       URL (API under {@code /api/v3}, git at {@code /<owner>/<name>.git}).</li>
 * </ul>
 *
 * <p>The token is a supplier, asked before every request, so a GitHub App installation token (valid one hour) can be
 * refreshed by the supplier without rebuilding the client; when the host answers 401 and the supplier then yields a
 * different token, the request is retried once with it. A personal access token is simply a constant supplier. The
 * token never appears in {@link #toString()}, in exceptions or in logs.
 *
 * @param apiUrl REST API root, e.g. {@code https://ghe.example/api/v3}
 * @param gitUrl git over HTTPS root: clone URLs are {@code gitUrl/<owner>/<name>.git}
 * @param token the personal access token or installation token, asked per request
 * @param requestTimeout how long to wait for a response's headers before failing with kind TIMEOUT
 * @param connectTimeout how long to wait for a TCP/TLS connection
 * @param maxRateLimitWait the longest rate-limit pause to sleep through inside the call; longer pauses surface as
 *                         a RATE_LIMITED error carrying the pause, so the workflow (Step Functions) waits instead of a
 *                         Lambda paying for idle time or hitting its own timeout
 * @param clock used to turn {@code x-ratelimit-reset} into a duration when the response has no Date header
 * @param sleeper how rate-limit pauses are spent; tests substitute one that advances a fake clock
 */
public record GitHubConfig(URI apiUrl, URI gitUrl, Supplier<String> token, Duration requestTimeout,
                           Duration connectTimeout, Duration maxRateLimitWait, Clock clock, Sleeper sleeper) {

    /** Default for {@link #maxRateLimitWait}: short enough for a Lambda, long enough for a secondary-limit blip. */
    public static final Duration DEFAULT_MAX_RATE_LIMIT_WAIT = Duration.ofSeconds(10);

    /** Spends a rate-limit pause. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        /** Sleeps the calling thread. */
        Sleeper THREAD = duration -> Thread.sleep(duration.toMillis());
    }

    public GitHubConfig {
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(gitUrl, "gitUrl");
        Objects.requireNonNull(token, "token");
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        maxRateLimitWait = maxRateLimitWait == null ? DEFAULT_MAX_RATE_LIMIT_WAIT : maxRateLimitWait;
        clock = clock == null ? Clock.systemUTC() : clock;
        sleeper = sleeper == null ? Sleeper.THREAD : sleeper;
        apiUrl = stripTrailingSlash(apiUrl);
        gitUrl = stripTrailingSlash(gitUrl);
    }

    /** A host at these URLs, every other setting its default. */
    public static GitHubConfig of(URI apiUrl, URI gitUrl, Supplier<String> token) {
        return new GitHubConfig(apiUrl, gitUrl, token, null, null, null, null, null);
    }

    /** github.com with the given token and default timeouts. */
    public static GitHubConfig gitHubDotCom(Supplier<String> token) {
        return of(URI.create("https://api.github.com"), URI.create("https://github.com"), token);
    }

    /**
     * A GitHub Enterprise Server (or the local code host) at {@code baseUrl}: API at {@code baseUrl/api/v3}, git at
     * {@code baseUrl/<owner>/<name>.git}.
     */
    public static GitHubConfig enterprise(URI baseUrl, Supplier<String> token) {
        URI base = stripTrailingSlash(baseUrl);
        return new GitHubConfig(URI.create(base + "/api/v3"), base, token, null, null, null, null, null);
    }

    public GitHubConfig withRequestTimeout(Duration timeout) {
        return new GitHubConfig(apiUrl, gitUrl, token, timeout, connectTimeout, maxRateLimitWait, clock, sleeper);
    }

    public GitHubConfig withMaxRateLimitWait(Duration maxWait) {
        return new GitHubConfig(apiUrl, gitUrl, token, requestTimeout, connectTimeout, maxWait, clock, sleeper);
    }

    public GitHubConfig withClockAndSleeper(Clock newClock, Sleeper newSleeper) {
        return new GitHubConfig(apiUrl, gitUrl, token, requestTimeout, connectTimeout, maxRateLimitWait, newClock,
                newSleeper);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "GitHubConfig[apiUrl=" + apiUrl + ", gitUrl=" + gitUrl + ", token=***, requestTimeout="
                + requestTimeout + ", connectTimeout=" + connectTimeout + ", maxRateLimitWait=" + maxRateLimitWait
                + "]";
    }

    private static URI stripTrailingSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }
}
