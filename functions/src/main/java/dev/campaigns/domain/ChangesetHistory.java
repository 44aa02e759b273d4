package dev.campaigns.domain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Counts over time, computed by replaying recorded {@link ChangesetEvent}s (never guessed from current state): a
 * changeset exists from its first STATE event (OPEN when the pull request was opened), and at each point in time
 * has the last value of each field recorded at or before it. The review state defaults to PENDING.
 */
public final class ChangesetHistory {
    private ChangesetHistory() {
    }

    /**
     * One point per day from {@code from} (its day's start, UTC) through {@code to}, each counting the changesets as
     * they stood at that instant, and a last point at {@code to} itself when it is not a day start.
     *
     * @param events every event of the campaign's changesets, any order
     */
    public static List<ChangesetCounts> countsOverTime(List<ChangesetEvent> events, Instant from, Instant to) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
        }
        Map<String, List<ChangesetEvent>> byChangeset = events.stream()
                .sorted(ChangesetEvent.REPLAY_ORDER)
                .collect(Collectors.groupingBy(ChangesetEvent::changesetId));
        List<Instant> points = new ArrayList<>();
        for (Instant t = from.atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).toInstant(); !t.isAfter(to);
             t = t.plus(1, ChronoUnit.DAYS)) {
            points.add(t);
        }
        if (points.isEmpty() || !points.get(points.size() - 1).equals(to)) {
            points.add(to);
        }
        List<ChangesetCounts> counts = new ArrayList<>();
        for (Instant t : points) {
            counts.add(countsAt(byChangeset, t));
        }
        return counts;
    }

    private static ChangesetCounts countsAt(Map<String, List<ChangesetEvent>> byChangeset, Instant t) {
        int total = 0, merged = 0, closed = 0, open = 0, approved = 0, changesRequested = 0, pending = 0;
        for (List<ChangesetEvent> history : byChangeset.values()) {
            String state = null;
            String review = ChangesetReviewState.PENDING.name();
            for (ChangesetEvent e : history) {
                if (e.at().isAfter(t)) {
                    break;
                }
                switch (e.field()) {
                    case STATE -> state = e.value();
                    case REVIEW_STATE -> review = e.value();
                    case CHECK_STATE -> {
                    }
                }
            }
            if (state == null || ChangesetState.DELETED.name().equals(state)) {
                continue;
            }
            total++;
            switch (ChangesetState.valueOf(state)) {
                case MERGED -> merged++;
                case CLOSED -> closed++;
                case OPEN -> {
                    open++;
                    if (ChangesetReviewState.APPROVED.name().equals(review)) {
                        approved++;
                    } else if (ChangesetReviewState.CHANGES_REQUESTED.name().equals(review)) {
                        changesRequested++;
                    } else {
                        pending++;
                    }
                }
                default -> {
                }
            }
        }
        return new ChangesetCounts(t, total, merged, closed, open, approved, changesRequested, pending);
    }
}
