package dev.campaigns.codehost.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.CodeHostException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.GHIOException;
import org.kohsuke.github.HttpException;

/** The classification table of docs/code-hosts.md, on the exceptions github-api 1.330 really throws. */
class GitHubErrorsTest {

    final RateLimitPolicy policy = new RateLimitPolicy(Duration.ofSeconds(10), Clock.systemUTC(), d -> { });

    CodeHostException classify(IOException e) {
        return GitHubErrors.classify("op", e, policy);
    }

    static HttpException http(int status, String body) {
        return new HttpException(body, status, "status", "https://ghe.test/api/v3/repos/o/r/pulls");
    }

    @Test
    void permanentStatuses() {
        assertEquals(Kind.UNAUTHORIZED, classify(http(401, "{\"message\":\"Bad credentials\"}")).kind());
        assertEquals(Kind.FORBIDDEN, classify(http(403,
                "{\"message\":\"Resource not accessible by integration\"}")).kind());
        assertEquals(Kind.NOT_FOUND, classify(new GHFileNotFoundException("{\"message\":\"Not Found\"}")).kind());
        assertEquals(Kind.NOT_FOUND, classify(http(404, "{\"message\":\"Not Found\"}")).kind());
        assertEquals(Kind.VALIDATION, classify(http(409, "{\"message\":\"Git Repository is empty.\"}")).kind());
        assertEquals(Kind.FORBIDDEN, classify(http(451, "{\"message\":\"Repository access blocked\"}")).kind());
        CodeHostException validation = classify(http(422, "{\"message\":\"Validation Failed\",\"errors\":[{"
                + "\"resource\":\"PullRequest\",\"field\":\"base\",\"code\":\"invalid\"}]}"));
        assertEquals(Kind.VALIDATION, validation.kind());
        assertFalse(validation.isTransient());
        assertEquals("op: 422 Validation Failed: PullRequest.base invalid", validation.getMessage());
    }

    @Test
    void transientFailures() {
        CodeHostException server = classify(http(500, ""));
        assertEquals(Kind.SERVER_ERROR, server.kind());
        assertTrue(server.isTransient());
        assertEquals(Kind.SERVER_ERROR, classify(http(503, "<html>unavailable</html>")).kind());
        assertEquals(Kind.TIMEOUT, classify(new HttpException(-1, null, "https://ghe.test/x",
                new HttpTimeoutException("request timed out"))).kind());
        assertEquals(Kind.NETWORK, classify(new HttpException(-1, null, "https://ghe.test/x",
                new ConnectException("Connection refused"))).kind());
        assertEquals(Kind.NETWORK, classify(new HttpException(-1, null, "https://ghe.test/x",
                new IOException("HTTP/1.1 header parser received no bytes"))).kind());
        CodeHostException limited = classify(http(403, "{\"message\":\"You have exceeded a secondary rate limit."
                + "\"}"));
        assertEquals(Kind.RATE_LIMITED, limited.kind());
        assertEquals(Duration.ofSeconds(60), limited.retryAfter().orElseThrow());
        assertEquals(Kind.RATE_LIMITED, classify(http(429, "{}")).kind());
        assertEquals(Kind.RATE_LIMITED, classify(new GHIOException("Ran out of retries for URL: x")).kind());
        CodeHostException waited = classify(new RateLimitPolicy.RateLimitedException("too long", 403,
                Duration.ofMinutes(7)));
        assertEquals(Duration.ofMinutes(7), waited.retryAfter().orElseThrow());
    }

    @Test
    void recognisesTheAlreadyExistsValidation() {
        assertTrue(GitHubErrors.isPullRequestAlreadyExists(http(422, "{\"message\":\"Validation Failed\","
                + "\"errors\":[{\"resource\":\"PullRequest\",\"code\":\"custom\","
                + "\"message\":\"A pull request already exists for o:b.\"}]}")));
        assertFalse(GitHubErrors.isPullRequestAlreadyExists(http(422, "{\"message\":\"Validation Failed\","
                + "\"errors\":[{\"resource\":\"PullRequest\",\"code\":\"custom\","
                + "\"message\":\"No commits between main and b\"}]}")));
    }

    @Test
    void configNeverPrintsTheToken() {
        GitHubConfig config = GitHubConfig.enterprise(URI.create("https://ghe.test/"), () -> "ghp_SECRET");
        assertFalse(config.toString().contains("ghp_SECRET"));
        assertEquals(URI.create("https://ghe.test/api/v3"), config.apiUrl());
        assertEquals("https://ghe.test/o/r.git", new GitHubCodeHost(config).cloneUrl("o/r"));
    }
}
