package dev.campaigns.service;

import java.util.List;

/**
 * A message of the operations queue: the changesets of one bulk operation to act on, at most
 * {@link #MAX_CHANGESETS} of them.
 */
public record ChangesetOperationRequest(String operationId, List<String> changesetIds) {
    /** Changesets per message: with pacing, a message may take several deliveries; see ChangesetOperations.run. */
    public static final int MAX_CHANGESETS = 50;

    public ChangesetOperationRequest {
        changesetIds = changesetIds == null ? List.of() : List.copyOf(changesetIds);
    }

    public String toJson() {
        return QueueMessages.toJson(this);
    }

    /** @throws InvalidInputException the message is not an operation request */
    public static ChangesetOperationRequest fromJson(String json) {
        ChangesetOperationRequest r = QueueMessages.fromJson(json, ChangesetOperationRequest.class, "an operation request");
        if (r.operationId() == null || r.operationId().isBlank()) {
            throw new InvalidInputException("an operation request needs its operationId");
        }
        return r;
    }
}
