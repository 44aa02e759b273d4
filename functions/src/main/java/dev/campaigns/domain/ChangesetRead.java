package dev.campaigns.domain;

import java.time.Instant;

/**
 * What one read of a pull request on its code host says about a changeset's states, and since when each holds (the
 * code host's times where it gives them, else the pull request's last update).
 *
 * @param checkState null when the head commit has no checks
 */
public record ChangesetRead(ChangesetState state, ChangesetReviewState reviewState, ChangesetCheckState checkState,
                            Instant createdAt, Instant stateSince, Instant reviewStateSince,
                            Instant checkStateSince) {
    /** The value a CHECK_STATE event records for "no checks". */
    public static final String NO_CHECKS = "NONE";

    /** The check state as events record it. */
    public String checkValue() {
        return checkState == null ? NO_CHECKS : checkState.name();
    }

    /**
     * The events this read implies after the stored changeset {@code before} (null when the changeset is seen for
     * the first time): a first sight replays the pull request's life from OPEN; later reads record what changed.
     */
    public java.util.List<ChangesetEvent> impliedEvents(String changesetId, Changeset before) {
        java.util.List<ChangesetEvent> events = new java.util.ArrayList<>();
        if (before == null) {
            events.add(new ChangesetEvent(changesetId, createdAt, ChangesetEvent.Field.STATE,
                    ChangesetState.OPEN.name()));
            if (state != ChangesetState.OPEN) {
                events.add(new ChangesetEvent(changesetId, stateSince, ChangesetEvent.Field.STATE, state.name()));
            }
            if (reviewState != ChangesetReviewState.PENDING) {
                events.add(new ChangesetEvent(changesetId, reviewStateSince, ChangesetEvent.Field.REVIEW_STATE,
                        reviewState.name()));
            }
            if (checkState != null) {
                events.add(new ChangesetEvent(changesetId, checkStateSince, ChangesetEvent.Field.CHECK_STATE,
                        checkValue()));
            }
            return events;
        }
        if (state != before.state()) {
            events.add(new ChangesetEvent(changesetId, stateSince, ChangesetEvent.Field.STATE, state.name()));
        }
        if (reviewState != before.reviewState()) {
            events.add(new ChangesetEvent(changesetId, reviewStateSince, ChangesetEvent.Field.REVIEW_STATE,
                    reviewState.name()));
        }
        if (checkState != before.checkState()) {
            events.add(new ChangesetEvent(changesetId, checkStateSince, ChangesetEvent.Field.CHECK_STATE,
                    checkValue()));
        }
        return events;
    }
}
