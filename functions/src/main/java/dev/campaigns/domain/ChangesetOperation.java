package dev.campaigns.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A bulk operation on a campaign's changesets (issue 16): one verb applied, in the background, to every changeset of
 * the campaign that matched its filter when it was started. Each changeset's outcome is a
 * {@link ChangesetOperationResult}; the operation's counters say how many reached each outcome.
 *
 * @param kind        what is done to each changeset
 * @param filter      which of the campaign's changesets it applies to (empty: all)
 * @param body        the comment's text (COMMENT)
 * @param mergeMethod how to merge (MERGE)
 * @param force       MERGE even when the checks have not passed
 * @param reviewers   logins to request reviews from (REQUEST_REVIEWERS)
 * @param labels      labels to add (ADD_LABELS)
 * @param total       how many changesets matched the filter
 */
public record ChangesetOperation(String id, String campaignId, String owner, Kind kind, Filter filter, String body,
                                 MergeMethod mergeMethod, boolean force, List<String> reviewers, List<String> labels,
                                 Instant createdAt, int total, Counts counts) {

    /** The verbs. */
    public enum Kind {
        COMMENT,
        CLOSE,
        MERGE,
        REQUEST_REVIEWERS,
        ADD_LABELS
    }

    /**
     * Which changesets an operation applies to: each non-empty set must contain the changeset's value (a changeset
     * without checks has check state null and matches no check-state filter).
     */
    public record Filter(Set<ChangesetState> states, Set<ChangesetReviewState> reviewStates,
                         Set<ChangesetCheckState> checkStates) {
        public static final Filter ALL = new Filter(Set.of(), Set.of(), Set.of());

        public Filter {
            states = states == null ? Set.of() : Set.copyOf(states);
            reviewStates = reviewStates == null ? Set.of() : Set.copyOf(reviewStates);
            checkStates = checkStates == null ? Set.of() : Set.copyOf(checkStates);
        }

        public boolean matches(Changeset c) {
            return (states.isEmpty() || states.contains(c.state()))
                    && (reviewStates.isEmpty() || reviewStates.contains(c.reviewState()))
                    && (checkStates.isEmpty() || (c.checkState() != null && checkStates.contains(c.checkState())));
        }
    }

    /** How many changesets reached each final outcome; the rest are pending. */
    public record Counts(int succeeded, int failed, int skipped) {
        public static final Counts NONE = new Counts(0, 0, 0);

        public int done() {
            return succeeded + failed + skipped;
        }
    }

    public ChangesetOperation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(campaignId, "campaignId");
        Objects.requireNonNull(kind, "kind");
        filter = filter == null ? Filter.ALL : filter;
        reviewers = reviewers == null ? List.of() : List.copyOf(reviewers);
        labels = labels == null ? List.of() : List.copyOf(labels);
        counts = counts == null ? Counts.NONE : counts;
    }

    /** Whether every changeset has its final outcome. */
    public boolean finished() {
        return counts.done() >= total;
    }

    /**
     * The hidden marker a COMMENT puts in each comment's body, so a repeated delivery can find on the code host the
     * comment an earlier attempt made (an HTML comment: GitHub, GitLab and Bitbucket render nothing for it).
     */
    public String commentMarker() {
        return "<!-- campaigns-operation:" + id + " -->";
    }
}
