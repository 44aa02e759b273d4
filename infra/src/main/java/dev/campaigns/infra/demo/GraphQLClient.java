package dev.campaigns.infra.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A minimal GraphQL-over-HTTP client for the Campaigns API (the CLI's, the demo's and the tests' way in). Who calls
 * is an {@link Identity}: a local user name, a SigV4 signature or a Cognito token (see {@code cli.ApiOptions}).
 * Every request has a deadline; an endpoint that does not answer, or answers with something other than GraphQL's
 * JSON, is a {@link GraphQLTransportException} naming the endpoint and what went wrong.
 */
public final class GraphQLClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI url;
    private final Identity identity;

    /** How a request says who sends it: adds headers to a request about to carry {@code body} to {@code url}. */
    @FunctionalInterface
    public interface Identity {
        void apply(HttpRequest.Builder request, URI url, byte[] body);

        /** The local stack's {@code x-campaigns-user} header ({@code null}: none, the stack's default user). */
        static Identity localUser(String user) {
            return (request, url, body) -> {
                if (user != null) {
                    request.header("x-campaigns-user", user);
                }
            };
        }
    }

    public GraphQLClient(String url, String user) {
        this(url, Identity.localUser(user));
    }

    public GraphQLClient(String url, Identity identity) {
        this.url = URI.create(url);
        this.identity = identity;
    }

    public URI url() {
        return url;
    }

    /** The whole response: {@code data} and, if any, {@code errors}. */
    public Map<String, Object> execute(String query, Map<String, Object> variables) {
        return exchange(query, variables).response();
    }

    /** One request and its response, measured: the request body's bytes and the call's wall time. */
    public record Exchange(Map<String, Object> response, int requestBytes, long nanos) {
    }

    /** As {@link #execute}, measured. */
    public Exchange exchange(String query, Map<String, Object> variables) {
        try {
            byte[] body = JSON.writeValueAsBytes(Map.of("query", query, "variables", variables));
            long start = System.nanoTime();
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                    .header("content-type", "application/json");
            identity.apply(request, url, body);
            HttpResponse<String> response = http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            long nanos = System.nanoTime() - start;
            Map<String, Object> parsed;
            try {
                parsed = JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
            } catch (IOException notJson) {
                parsed = null;
            }
            if (parsed == null || !parsed.containsKey("data") && !parsed.containsKey("errors")) {
                String text = response.body() == null ? "" : response.body().strip();
                throw new GraphQLTransportException("the Campaigns API at " + url + " answered HTTP "
                        + response.statusCode() + " without a GraphQL response"
                        + (text.isEmpty() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) + "..." : text)));
            }
            return new Exchange(parsed, body.length, nanos);
        } catch (java.net.ConnectException e) {
            throw new GraphQLTransportException("cannot reach the Campaigns API at " + url + " (connection refused): "
                    + "is `campaigns serve` running, or is --endpoint (CAMPAIGNS_ENDPOINT) right?", e);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new GraphQLTransportException("the Campaigns API at " + url + " did not answer in time ("
                    + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new GraphQLTransportException("GraphQL request to " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The {@code data} of a response that must have no errors. */
    public Map<String, Object> data(String query, Map<String, Object> variables) {
        return data(execute(query, variables));
    }

    /** The {@code data} of a response that must have no errors. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> data(Map<String, Object> response) {
        Object errors = response.get("errors");
        if (errors instanceof List<?> list && !list.isEmpty()) {
            throw new GraphQLErrorException((List<Map<String, Object>>) list);
        }
        return (Map<String, Object>) response.get("data");
    }

    /** The request did not reach the API or the answer was not GraphQL's. */
    public static final class GraphQLTransportException extends IllegalStateException {
        GraphQLTransportException(String message) {
            super(message);
        }

        GraphQLTransportException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A response with errors. */
    public static final class GraphQLErrorException extends RuntimeException {
        private final List<Map<String, Object>> errors;

        GraphQLErrorException(List<Map<String, Object>> errors) {
            super(errors.stream().map(e -> e.get("errorType") + ": " + e.get("message")).toList().toString());
            this.errors = errors;
        }

        public List<Map<String, Object>> errors() {
            return errors;
        }
    }
}
