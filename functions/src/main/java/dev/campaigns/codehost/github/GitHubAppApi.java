package dev.campaigns.codehost.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.CodeHostException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The requests a GitHub App makes as itself, signed with a fresh JWT: minting an installation token and finding a
 * repository's installation. One home for how they are sent, read and classified; the JWT never appears in a
 * message.
 */
final class GitHubAppApi {
    private static final ObjectMapper JSON = dev.campaigns.util.Json.MAPPER;

    /** An answer: its status and its JSON body ({} when empty or not JSON). */
    record Answer(int status, JsonNode body) {
    }

    private final URI apiUrl;
    private final GitHubAppJwt jwt;
    private final Duration timeout;
    private final HttpClient http;

    GitHubAppApi(URI apiUrl, GitHubAppJwt jwt, Duration timeout) {
        this.apiUrl = apiUrl;
        this.jwt = jwt;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * Sends {@code method path} (GET, or POST without a body) as the app.
     *
     * @throws CodeHostException TIMEOUT or NETWORK when no answer came
     */
    Answer send(String method, String path) {
        String operation = method + " " + path;
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(timeout)
                .header("Accept", "application/vnd.github+json").header("Authorization", "Bearer " + jwt.create())
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new CodeHostException(Kind.TIMEOUT, operation + ": no response within " + timeout, e);
        } catch (IOException e) {
            throw new CodeHostException(Kind.NETWORK, operation + ": connection failed ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CodeHostException(Kind.NETWORK, operation + ": interrupted", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body() == null || response.body().isEmpty() ? "{}" : response.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        return new Answer(response.statusCode(), body == null ? JSON.createObjectNode() : body);
    }

    /** The failure an unexpected answer to {@code operation} is, classified by its status. */
    static CodeHostException failure(String operation, Answer answer, String why) {
        int status = answer.status();
        Kind kind = switch (status) {
            case 401 -> Kind.UNAUTHORIZED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            case 422 -> Kind.VALIDATION;
            case 429 -> Kind.RATE_LIMITED;
            default -> status >= 500 ? Kind.SERVER_ERROR : Kind.UNKNOWN;
        };
        return new CodeHostException(kind, status, operation + ": " + status + " " + why, null, null);
    }
}
