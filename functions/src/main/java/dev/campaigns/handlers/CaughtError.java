package dev.campaigns.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the error that a Catch put into the state ({@code {"Error": type, "Cause": cause}}). For a Lambda function
 * error the Cause is the function's error JSON, whose {@code errorMessage} is what the step said.
 */
final class CaughtError {
    private static final ObjectMapper JSON = dev.campaigns.util.Json.MAPPER;

    private CaughtError() {
    }

    static String message(JsonNode error) {
        if (error == null || error.isNull()) {
            return "unknown error";
        }
        String type = error.path("Error").asText("");
        String cause = error.path("Cause").asText("");
        try {
            JsonNode parsed = JSON.readTree(cause);
            if (parsed != null && parsed.hasNonNull("errorMessage")) {
                return parsed.get("errorMessage").asText();
            }
        } catch (Exception notJson) {
            // a States.* error: its Cause is plain text
        }
        if (!cause.isEmpty()) {
            return cause;
        }
        return type.isEmpty() ? "unknown error" : type;
    }
}
