package dev.campaigns.domain;

import java.time.Instant;

/**
 * One recorded change of a changeset: at {@code at} (the code host's time of the change), {@code field} (state,
 * reviewState or checkState) became {@code value}. The history of these is what counts over time are computed from.
 */
public record ChangesetEvent(String changesetId, Instant at, Field field, String value) {
    /** Which of the changeset's states changed. */
    public enum Field { STATE, REVIEW_STATE, CHECK_STATE }
}
