package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * One event of an execution's history, shaped like the API's {@code HistoryEvent}: {@code type} is AWS's event
 * type name (e.g. {@code TaskStateEntered}), {@code detailsField} the name of its details member (e.g.
 * {@code stateEnteredEventDetails}, or {@code null} for events without details) and {@code details} its content.
 *
 * @param id              1-based, in the order events were recorded
 * @param previousEventId the event this one follows in its own line of control (0 for the first)
 */
public record HistoryEvent(long id, long previousEventId, Instant timestamp, String type, String detailsField,
                           ObjectNode details) {

    /** A text field of the details ({@code name}, {@code input}, {@code output}, {@code error}, ...), or null. */
    public String detail(String field) {
        return details == null || !details.hasNonNull(field) ? null : details.get(field).asText();
    }
}
