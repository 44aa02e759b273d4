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
        try {
            String body = JSON.writeValueAsString(Map.of("query", query, "variables", variables));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                    .header("content-type", "application/json").header("x-campaigns-user", user)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("GraphQL request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The {@code data} of a response that must have no errors. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> data(String query, Map<String, Object> variables) {
        Map<String, Object> response = execute(query, variables);
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
