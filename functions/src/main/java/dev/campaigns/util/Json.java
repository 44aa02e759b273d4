package dev.campaigns.util;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one Jackson mapper with Jackson's default settings that the service, store, code-host and handler classes
 * share (the queue messages, webhook deliveries, code-host REST bodies and errors, stored JSON attributes). A mapper
 * caches the serializers and deserializers it builds per type; a dozen separate {@code new ObjectMapper()}s each
 * built their own on a function's first request (issue 19, docs/performance.md). Thread-safe once configured, and it
 * is never reconfigured. The handlers' event mapper ({@code JsonHandler}) keeps its own lenient settings.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
