package dev.campaigns.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which events a new read of a pull request implies: the domain rule the changeset store applies. */
class ChangesetReadTest {
    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant STATE = Instant.parse("2026-01-02T00:00:00Z");
    private static final Instant REVIEW = Instant.parse("2026-01-03T00:00:00Z");
    private static final Instant CHECK = Instant.parse("2026-01-04T00:00:00Z");

    @Test
    void aFirstSightReplaysTheLifeFromOpen_skippingDefaults() {
        assertEquals(List.of(event(CREATED, ChangesetEvent.Field.STATE, "OPEN")),
                read(ChangesetState.OPEN, ChangesetReviewState.PENDING, null).impliedEvents("id", null));
        assertEquals(List.of(event(CREATED, ChangesetEvent.Field.STATE, "OPEN"),
                        event(STATE, ChangesetEvent.Field.STATE, "MERGED"),
                        event(REVIEW, ChangesetEvent.Field.REVIEW_STATE, "APPROVED"),
                        event(CHECK, ChangesetEvent.Field.CHECK_STATE, "PASSED")),
                read(ChangesetState.MERGED, ChangesetReviewState.APPROVED, ChangesetCheckState.PASSED)
                        .impliedEvents("id", null));
    }

    @Test
    void aLaterReadRecordsOnlyWhatChanged() {
        Changeset before = stored(ChangesetState.OPEN, ChangesetReviewState.PENDING, ChangesetCheckState.PENDING);
        assertEquals(List.of(), read(ChangesetState.OPEN, ChangesetReviewState.PENDING, ChangesetCheckState.PENDING)
                .impliedEvents("id", before), "the same read again implies nothing");
        assertEquals(List.of(event(STATE, ChangesetEvent.Field.STATE, "CLOSED")),
                read(ChangesetState.CLOSED, ChangesetReviewState.PENDING, ChangesetCheckState.PENDING)
                        .impliedEvents("id", before));
        assertEquals(List.of(event(REVIEW, ChangesetEvent.Field.REVIEW_STATE, "CHANGES_REQUESTED"),
                        event(CHECK, ChangesetEvent.Field.CHECK_STATE, "NONE")),
                read(ChangesetState.OPEN, ChangesetReviewState.CHANGES_REQUESTED, null).impliedEvents("id", before),
                "checks gone is recorded as NONE");
    }

    private static ChangesetRead read(ChangesetState state, ChangesetReviewState review, ChangesetCheckState check) {
        return new ChangesetRead(state, review, check, CREATED, STATE, REVIEW, CHECK);
    }

    private static Changeset stored(ChangesetState state, ChangesetReviewState review, ChangesetCheckState check) {
        return new Changeset("id", "o/r", "1", "u", state, review, check, "t", List.of(), "h", "main", "sha",
                CREATED, CREATED, null, Set.of(), CREATED);
    }

    private static ChangesetEvent event(Instant at, ChangesetEvent.Field field, String value) {
        return new ChangesetEvent("id", at, field, value);
    }
}
