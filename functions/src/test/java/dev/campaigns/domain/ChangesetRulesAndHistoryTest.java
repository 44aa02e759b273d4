package dev.campaigns.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.campaigns.domain.ChangesetEvent.Field;
import dev.campaigns.domain.ChangesetStatusRules.Check;
import dev.campaigns.domain.ChangesetStatusRules.Review;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangesetRulesAndHistoryTest {
    private static final Instant T = Instant.parse("2026-01-10T12:00:00Z");

    @Test
    void theLatestReviewOfEachReviewerDecides() {
        assertEquals(ChangesetReviewState.PENDING, ChangesetStatusRules.reviewState(List.of()));
        assertEquals(ChangesetReviewState.APPROVED, ChangesetStatusRules.reviewState(List.of(
                new Review("a", "CHANGES_REQUESTED", T), new Review("a", "APPROVED", T.plusSeconds(1)))));
        assertEquals(ChangesetReviewState.CHANGES_REQUESTED, ChangesetStatusRules.reviewState(List.of(
                new Review("a", "APPROVED", T), new Review("b", "CHANGES_REQUESTED", T.plusSeconds(1)))));
        assertEquals(ChangesetReviewState.APPROVED, ChangesetStatusRules.reviewState(List.of(
                new Review("a", "APPROVED", T), new Review("a", "COMMENTED", T.plusSeconds(1)))),
                "a comment does not take back an approval");
        assertEquals(ChangesetReviewState.PENDING, ChangesetStatusRules.reviewState(List.of(
                new Review("a", "APPROVED", T), new Review("a", "DISMISSED", T.plusSeconds(1)))));
        assertEquals(ChangesetReviewState.COMMENTED, ChangesetStatusRules.reviewState(List.of(
                new Review("a", "COMMENTED", T))));
    }

    @Test
    void anyFailureFails_anythingUnfinishedIsPending_noChecksIsNoState() {
        assertNull(ChangesetStatusRules.checkState(List.of()));
        assertEquals(ChangesetCheckState.PASSED, ChangesetStatusRules.checkState(List.of(
                new Check("ci", "COMPLETED", "SUCCESS", T), new Check("lint", "success", null, T))));
        assertEquals(ChangesetCheckState.PENDING, ChangesetStatusRules.checkState(List.of(
                new Check("ci", "COMPLETED", "SUCCESS", T), new Check("e2e", "IN_PROGRESS", null, T))));
        assertEquals(ChangesetCheckState.FAILED, ChangesetStatusRules.checkState(List.of(
                new Check("ci", "IN_PROGRESS", null, T), new Check("legacy", "error", null, T))));
        assertEquals(ChangesetCheckState.FAILED, ChangesetStatusRules.checkState(List.of(
                new Check("ci", "completed", "timed_out", T))));
    }

    @Test
    void countsAreReplayedFromEventsPerDay() {
        Instant d1 = Instant.parse("2026-01-01T09:00:00Z");
        List<ChangesetEvent> events = List.of(
                new ChangesetEvent("a", d1, Field.STATE, "OPEN"),
                new ChangesetEvent("b", d1, Field.STATE, "OPEN"),
                new ChangesetEvent("b", d1.plusSeconds(3600), Field.REVIEW_STATE, "APPROVED"),
                new ChangesetEvent("a", Instant.parse("2026-01-02T09:00:00Z"), Field.STATE, "MERGED"),
                new ChangesetEvent("b", Instant.parse("2026-01-02T10:00:00Z"), Field.STATE, "CLOSED"),
                new ChangesetEvent("b", Instant.parse("2026-01-02T11:00:00Z"), Field.STATE, "OPEN"));
        List<ChangesetCounts> counts = ChangesetHistory.countsOverTime(events, Instant.parse("2026-01-01T05:00:00Z"),
                Instant.parse("2026-01-02T09:30:00Z"));
        assertEquals(List.of(
                new ChangesetCounts(Instant.parse("2026-01-01T00:00:00Z"), 0, 0, 0, 0, 0, 0, 0),
                new ChangesetCounts(Instant.parse("2026-01-02T00:00:00Z"), 2, 0, 0, 2, 1, 0, 1),
                new ChangesetCounts(Instant.parse("2026-01-02T09:30:00Z"), 2, 1, 0, 1, 1, 0, 0)), counts);
        assertEquals(new ChangesetCounts(Instant.parse("2026-01-03T00:00:00Z"), 2, 1, 0, 1, 1, 0, 0),
                ChangesetHistory.countsOverTime(events, Instant.parse("2026-01-03T00:00:00Z"),
                        Instant.parse("2026-01-03T00:00:00Z")).get(0), "reopened, still approved");
    }

    @Test
    void aPullRequestMergedOrClosedInTheSecondItOpenedCountsAsMergedOrClosed() {
        // Code hosts give times to the second; the store reads a changeset's events back in key order, where
        // "CLOSED" and "MERGED" sort before "OPEN".
        Instant t = Instant.parse("2026-01-01T09:00:00Z");
        List<ChangesetEvent> events = List.of(
                new ChangesetEvent("a", t, Field.STATE, "MERGED"),
                new ChangesetEvent("a", t, Field.STATE, "OPEN"),
                new ChangesetEvent("b", t, Field.STATE, "CLOSED"),
                new ChangesetEvent("b", t, Field.STATE, "OPEN"),
                new ChangesetEvent("c", t, Field.STATE, "DELETED"),
                new ChangesetEvent("c", t, Field.STATE, "OPEN"),
                new ChangesetEvent("d", t, Field.REVIEW_STATE, "APPROVED"),
                new ChangesetEvent("d", t, Field.STATE, "OPEN"));
        List<ChangesetCounts> counts = ChangesetHistory.countsOverTime(events, t, t);
        assertEquals(new ChangesetCounts(t, 3, 1, 1, 1, 1, 0, 0), counts.get(counts.size() - 1));
    }
}
