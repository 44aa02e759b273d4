package dev.campaigns.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The JSON of the background queues' messages (close requests, bulk operation requests): one mapper for both. */
final class QueueMessages {
    private static final ObjectMapper JSON = dev.campaigns.util.Json.MAPPER;

    private QueueMessages() {
    }

    static String toJson(Object message) {
        try {
            return JSON.writeValueAsString(message);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code json} is an object with a field {@code name} (false for anything not JSON). */
    static boolean hasField(String json, String name) {
        try {
            return JSON.readTree(json).has(name);
        } catch (IOException e) {
            return false;
        }
    }

    /** @throws InvalidInputException "not a {what}: …" when {@code json} is not such a message */
    static <T> T fromJson(String json, Class<T> type, String what) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new InvalidInputException("not " + what + ": " + e.getMessage());
        }
    }
}
