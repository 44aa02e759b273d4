package dev.campaigns.domain;

import java.time.Instant;
import java.util.Comparator;

/**
 * One recorded change of a changeset: at {@code at} (the code host's time of the change), {@code field} (state,
 * reviewState or checkState) became {@code value}. The history of these is what counts over time are computed from.
 */
public record ChangesetEvent(String changesetId, Instant at, Field field, String value) {
    /**
     * Replay order: by time, and at the same instant by a pull request's life: opened, then closed or merged, then
     * deleted. Code hosts give times to the second, so a pull request merged in the second it was opened has its
     * OPEN and MERGED events at the same instant, and only this order leaves it merged.
     */
    public static final Comparator<ChangesetEvent> REPLAY_ORDER = Comparator.comparing(ChangesetEvent::at)
            .thenComparingInt(ChangesetEvent::lifeStage);

    /** Which of the changeset's states changed. */
    public enum Field { STATE, REVIEW_STATE, CHECK_STATE }

    private int lifeStage() {
        if (field != Field.STATE) {
            return 1;
        }
        return switch (value) {
            case "OPEN" -> 0;
            case "DELETED" -> 2;
            default -> 1;
        };
    }
}
