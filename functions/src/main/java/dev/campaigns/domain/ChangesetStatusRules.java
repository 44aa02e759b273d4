package dev.campaigns.domain;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a code host's reviews and checks become a changeset's {@link ChangesetReviewState} and
 * {@link ChangesetCheckState}: the rules Sourcegraph's campaigns applied to GitHub, kept here in plain Java so that
 * every code host adapter and every test share one definition.
 */
public final class ChangesetStatusRules {
    private ChangesetStatusRules() {
    }

    /**
     * A submitted review.
     *
     * @param state GitHub's review state: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING (a draft)
     */
    public record Review(String login, String state, Instant submittedAt) {
    }

    /**
     * A check on the head commit: a check run (status queued/in_progress/completed with a conclusion) or a commit
     * status (status pending/success/failure/error, no conclusion), latest per name/context.
     */
    public record Check(String name, String status, String conclusion, Instant at) {
    }

    /** The later of two observations of the same check (by time; a missing time counts as earliest). */
    public static Check later(Check a, Check b) {
        if (a.at() == null) {
            return b;
        }
        return b.at() != null && b.at().isAfter(a.at()) ? b : a;
    }

    /** The latest review per reviewer decides; a dismissed review takes its reviewer's verdict back. */
    public static ChangesetReviewState reviewState(List<Review> reviews) {
        Map<String, Review> latest = new HashMap<>();
        reviews.stream().filter(r -> r.state() != null && !"PENDING".equalsIgnoreCase(r.state()))
                .sorted(Comparator.comparing(Review::submittedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
                .forEach(r -> {
                    // A COMMENTED review does not take back an earlier approval or change request (GitHub's rule).
                    Review before = latest.get(r.login());
                    if ("COMMENTED".equalsIgnoreCase(r.state()) && before != null
                            && !"COMMENTED".equalsIgnoreCase(before.state())
                            && !"DISMISSED".equalsIgnoreCase(before.state())) {
                        return;
                    }
                    latest.put(r.login(), r);
                });
        boolean approved = false;
        boolean commented = false;
        for (Review r : latest.values()) {
            switch (r.state().toUpperCase(Locale.ROOT)) {
                case "CHANGES_REQUESTED" -> {
                    return ChangesetReviewState.CHANGES_REQUESTED;
                }
                case "APPROVED" -> approved = true;
                case "COMMENTED" -> commented = true;
                default -> {
                }
            }
        }
        return approved ? ChangesetReviewState.APPROVED
                : commented ? ChangesetReviewState.COMMENTED : ChangesetReviewState.PENDING;
    }

    /** Any failure fails; anything unfinished is pending; all finished and none failed passes; none: null. */
    public static ChangesetCheckState checkState(List<Check> checks) {
        if (checks.isEmpty()) {
            return null;
        }
        boolean pending = false;
        for (Check c : checks) {
            ChangesetCheckState one = one(c);
            if (one == ChangesetCheckState.FAILED) {
                return ChangesetCheckState.FAILED;
            }
            pending |= one == ChangesetCheckState.PENDING;
        }
        return pending ? ChangesetCheckState.PENDING : ChangesetCheckState.PASSED;
    }

    private static ChangesetCheckState one(Check c) {
        String status = c.status() == null ? "" : c.status().toLowerCase(Locale.ROOT);
        String conclusion = c.conclusion() == null ? "" : c.conclusion().toLowerCase(Locale.ROOT);
        return switch (status) {
            case "success" -> ChangesetCheckState.PASSED;
            case "failure", "error" -> ChangesetCheckState.FAILED;
            case "completed" -> switch (conclusion) {
                case "success", "neutral", "skipped" -> ChangesetCheckState.PASSED;
                default -> ChangesetCheckState.FAILED; // failure, cancelled, timed_out, action_required, stale
            };
            default -> ChangesetCheckState.PENDING; // queued, in_progress, pending, waiting, requested
        };
    }
}
