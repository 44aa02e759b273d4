package dev.campaigns.codehost.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.codehost.CodeHost;
import dev.campaigns.codehost.CodeHostConnection;
import dev.campaigns.codehost.HostConnections;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A GitHub App installed on several accounts: each repository's installation is the one of its owner, found with
 * {@code GET /repos/{owner}/{repo}/installation} (signed with the app's JWT) the first time one of the owner's
 * repositories is reached and cached per owner; each installation has its own tokens
 * ({@link GitHubAppInstallationTokens}), its own client and its own pacing identity
 * ({@code github-app-installation:<id>}), since GitHub keeps limits per installation. An owner the app is not
 * installed on is a permanent {@code NOT_FOUND} {@link dev.campaigns.codehost.CodeHostException} for that repository only.
 */
public final class GitHubAppInstallations implements HostConnections {
    private static final ObjectMapper JSON = dev.campaigns.util.Json.MAPPER;
    private final URI apiUrl;
    private final GitHubAppJwt jwt;
    private final Clock clock;
    private final Duration timeout;
    private final Function<Supplier<String>, CodeHost> client;
    private final GitHubAppApi api;
    private final Map<String, String> installationOfOwner = new ConcurrentHashMap<>();
    private final Map<String, CodeHostConnection> byInstallation = new ConcurrentHashMap<>();
    private volatile int lookups;

    /**
     * @param client builds the code host client of one installation from its token supplier
     */
    public GitHubAppInstallations(URI apiUrl, GitHubAppJwt jwt, Clock clock, Duration timeout,
                                  Function<Supplier<String>, CodeHost> client) {
        this.apiUrl = Objects.requireNonNull(apiUrl, "apiUrl");
        this.jwt = Objects.requireNonNull(jwt, "jwt");
        this.clock = clock == null ? Clock.systemUTC() : clock;
        this.timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        this.client = Objects.requireNonNull(client, "client");
        this.api = new GitHubAppApi(apiUrl, jwt, this.timeout);
    }

    /**
     * The app the credentials secret describes without an {@code installationId}:
     * {@code {"appId": "123", "privateKey": "-----BEGIN RSA PRIVATE KEY-----..."}}.
     */
    public static GitHubAppInstallations fromSecret(String secret, URI apiUrl, Clock clock, Duration timeout,
                                                    Function<Supplier<String>, CodeHost> client) {
        JsonNode app;
        try {
            app = JSON.readTree(secret);
        } catch (IOException e) {
            throw new IllegalArgumentException("the GitHub App credentials are not JSON");
        }
        for (String field : new String[] {"appId", "privateKey"}) {
            if (!app.hasNonNull(field)) {
                throw new IllegalArgumentException("the GitHub App credentials lack \"" + field
                        + "\" (expected appId, privateKey and, for one installation only, installationId)");
            }
        }
        Clock c = clock == null ? Clock.systemUTC() : clock;
        return new GitHubAppInstallations(apiUrl, new GitHubAppJwt(app.get("appId").asText(),
                app.get("privateKey").asText(), c), c, timeout, client);
    }

    /** Whether an App secret names its one installation ({@code installationId}). */
    public static boolean namesInstallation(String secret) {
        try {
            return JSON.readTree(secret).has("installationId");
        } catch (IOException e) {
            return true; // GitHubAppInstallationTokens.fromSecret says what is wrong
        }
    }

    @Override
    public CodeHostConnection connection(String repository) {
        int slash = repository.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("repository must be \"owner/name\", got \"" + repository + "\"");
        }
        String owner = repository.substring(0, slash).toLowerCase(Locale.ROOT);
        String installation = installationOfOwner.computeIfAbsent(owner, o -> lookup(repository));
        return byInstallation.computeIfAbsent(installation, id -> {
            GitHubAppInstallationTokens tokens = new GitHubAppInstallationTokens(apiUrl, id, jwt, clock, timeout);
            return new CodeHostConnection(client.apply(tokens), tokens, apiUrl.toString(), tokens.pacingIdentity());
        });
    }

    /** The least of the installations reached so far (each has its own window); none reached: unlimited. */
    @Override
    public int remainingRequests() {
        int least = Integer.MAX_VALUE;
        for (CodeHostConnection c : byInstallation.values()) {
            least = Math.min(least, c.codeHost().remainingRequests());
        }
        return least;
    }

    /** How many installation lookups were made (one per owner). */
    public int lookups() {
        return lookups;
    }

    private String lookup(String repository) {
        int slash = repository.indexOf('/');
        String path = "/repos/" + enc(repository.substring(0, slash)) + "/" + enc(repository.substring(slash + 1))
                + "/installation";
        lookups++;
        GitHubAppApi.Answer answer = api.send("GET", path);
        if (answer.status() == 200 && answer.body().path("id").canConvertToLong()) {
            return Long.toString(answer.body().path("id").asLong());
        }
        throw GitHubAppApi.failure("GET " + path, answer, answer.status() == 404 ? "the GitHub App is not installed"
                + " on " + repository + " (install it on its owner's account)"
                : answer.body().path("message").asText("(no message)") + " (GitHub App installation of " + repository
                        + ")");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "GitHubAppInstallations[" + apiUrl + ", installations=" + byInstallation.keySet() + "]";
    }
}
