package dev.campaigns.infra.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** A minimal GraphQL-over-HTTP client for the Campaigns API (the demo's and the tests' way in). */
public final class GraphQLClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI url;
    private final String user;

    public GraphQLClient(String url, String user) {
        this.url = URI.create(url);
        this.user = user;
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
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                    .header("content-type", "application/json").header("x-campaigns-user", user)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            long nanos = System.nanoTime() - start;
            return new Exchange(JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { }),
                    body.length, nanos);
        } catch (IOException e) {
            throw new IllegalStateException("GraphQL request failed: " + e.getMessage(), e);
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
