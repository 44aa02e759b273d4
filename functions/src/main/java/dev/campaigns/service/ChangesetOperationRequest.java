package dev.campaigns.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * A message of the operations queue: the changesets of one bulk operation to act on, at most
 * {@link #MAX_CHANGESETS} of them.
 */
public record ChangesetOperationRequest(String operationId, List<String> changesetIds) {
    /** Changesets per message: with pacing, a message may take several deliveries; see ChangesetOperations.run. */
    public static final int MAX_CHANGESETS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    public ChangesetOperationRequest {
        changesetIds = changesetIds == null ? List.of() : List.copyOf(changesetIds);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws InvalidInputException the message is not an operation request */
    public static ChangesetOperationRequest fromJson(String json) {
        try {
            ChangesetOperationRequest r = JSON.readValue(json, ChangesetOperationRequest.class);
            if (r.operationId() == null || r.operationId().isBlank()) {
                throw new InvalidInputException("an operation request needs its operationId");
            }
            return r;
        } catch (java.io.IOException e) {
            throw new InvalidInputException("not an operation request: " + e.getMessage());
        }
    }
}
