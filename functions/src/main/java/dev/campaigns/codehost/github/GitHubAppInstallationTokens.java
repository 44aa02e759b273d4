package dev.campaigns.codehost.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GitHub App installation's access token, as a token supplier: minted with the app's JWT
 * ({@code POST /app/installations/{installation_id}/access_tokens}), cached, and minted again once less than
 * {@link #REFRESH_BEFORE} of its hour is left, so a request never goes out with a token about to expire. Thread-safe:
 * concurrent callers share one mint. The same token serves the REST API ({@code Bearer}) and git over HTTPS
 * ({@code x-access-token:<token>}).
 *
 * <p>The code host credentials secret says which sign-in to use: a plain string is a token; a JSON object
 * {@code {"appId": "123", "installationId": "456", "privateKey": "-----BEGIN RSA PRIVATE KEY-----..."}} is a GitHub
 * App installation ({@link #isAppSecret}, {@link #fromSecret}).
 */
public final class GitHubAppInstallationTokens implements Supplier<String> {
    private static final Logger LOG = LoggerFactory.getLogger(GitHubAppInstallationTokens.class);
    private static final ObjectMapper JSON = dev.campaigns.util.Json.MAPPER;
    /** A cached token is replaced when less than this is left of its life. */
    public static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);

    private final URI apiUrl;
    private final String installationId;
    private final GitHubAppJwt jwt;
    private final Clock clock;
    private final Duration timeout;
    private final GitHubAppApi api;
    private volatile String token;
    private volatile Instant expiresAt = Instant.MIN;
    private volatile int minted;

    public GitHubAppInstallationTokens(URI apiUrl, String installationId, GitHubAppJwt jwt, Clock clock,
                                       Duration timeout) {
        this.apiUrl = Objects.requireNonNull(apiUrl, "apiUrl");
        if (installationId == null || !installationId.strip().matches("[0-9]+")) {
            throw new IllegalArgumentException("a GitHub App installation ID is a number, got \"" + installationId
                    + "\"");
        }
        this.installationId = installationId.strip();
        this.jwt = Objects.requireNonNull(jwt, "jwt");
        this.clock = clock == null ? Clock.systemUTC() : clock;
        this.timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        this.api = new GitHubAppApi(this.apiUrl, this.jwt, this.timeout);
    }

    /** Whether the credentials secret holds a GitHub App (a JSON object with {@code appId}) rather than a token. */
    public static boolean isAppSecret(String secret) {
        // No token starts with "{": a JSON-looking secret naming appId is an App even when malformed, so that
        // fromSecret names what is wrong rather than the secret being sent as a token.
        return secret != null && secret.strip().startsWith("{") && secret.contains("\"appId\"");
    }

    /** The installation the secret names, on the API at {@code apiUrl}. */
    public static GitHubAppInstallationTokens fromSecret(String secret, URI apiUrl, Clock clock, Duration timeout) {
        JsonNode app;
        try {
            app = JSON.readTree(secret);
        } catch (IOException e) {
            throw new IllegalArgumentException("the GitHub App credentials are not JSON");
        }
        for (String field : new String[] {"appId", "installationId", "privateKey"}) {
            if (!app.hasNonNull(field)) {
                throw new IllegalArgumentException("the GitHub App credentials lack \"" + field
                        + "\" (expected appId, installationId, privateKey)");
            }
        }
        Clock c = clock == null ? Clock.systemUTC() : clock;
        return new GitHubAppInstallationTokens(apiUrl, app.get("installationId").asText(),
                new GitHubAppJwt(app.get("appId").asText(), app.get("privateKey").asText(), c), c, timeout);
    }

    /** What pacing is keyed by: the installation (its tokens change every hour, its limits do not). */
    public String pacingIdentity() {
        return "github-app-installation:" + installationId;
    }

    /** How many tokens this instance has minted (each a request to GitHub). */
    public int minted() {
        return minted;
    }

    @Override
    public String get() {
        String t = token;
        if (t != null && clock.instant().isBefore(expiresAt.minus(REFRESH_BEFORE))) {
            return t;
        }
        synchronized (this) {
            if (token == null || !clock.instant().isBefore(expiresAt.minus(REFRESH_BEFORE))) {
                mint();
            }
            return token;
        }
    }

    private void mint() {
        String path = "/app/installations/" + installationId + "/access_tokens";
        GitHubAppApi.Answer answer = api.send("POST", path);
        JsonNode body = answer.body();
        if (answer.status() != 201 || !body.hasNonNull("token")) {
            throw GitHubAppApi.failure("POST " + path, answer, body.path("message").asText("(no message)")
                    + " (GitHub App installation token)");
        }
        token = body.get("token").asText();
        Instant expires;
        try {
            expires = Instant.parse(body.path("expires_at").asText());
        } catch (RuntimeException e) {
            expires = clock.instant().plus(Duration.ofHours(1));
        }
        expiresAt = expires;
        minted++;
        LOG.info("minted a GitHub App installation token for installation {}, valid until {}", installationId,
                expires);
    }

    @Override
    public String toString() {
        return "GitHubAppInstallationTokens[installation=" + installationId + ", token=***]";
    }
}
