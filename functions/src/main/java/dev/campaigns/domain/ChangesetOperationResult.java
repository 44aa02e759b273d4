package dev.campaigns.domain;

import java.time.Instant;

/**
 * One changeset's outcome in a {@link ChangesetOperation}.
 *
 * @param reason why it was skipped or failed (e.g. "checks failing"); null otherwise
 */
public record ChangesetOperationResult(String operationId, String changesetId, String repository, String externalID,
                                       State state, String reason, Instant updatedAt) {

    /**
     * PENDING: not tried yet; STARTED: its side effect was begun and may or may not have happened (a crash or a
     * redelivery in between; shown as PENDING to users); the other three are final.
     */
    public enum State {
        PENDING,
        STARTED,
        SUCCEEDED,
        FAILED,
        SKIPPED;

        public boolean isFinal() {
            return this == SUCCEEDED || this == FAILED || this == SKIPPED;
        }
    }
}
