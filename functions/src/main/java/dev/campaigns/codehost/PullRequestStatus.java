package dev.campaigns.codehost;

import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetReviewState;
import java.time.Instant;

/**
 * A pull request with everything a changeset tracks: its review and check verdicts (see
 * {@link dev.campaigns.domain.ChangesetStatusRules}) and the code host's times of each change, so that recorded
 * history carries when things happened on the host, not when we noticed.
 *
 * @param checkState    null when the head commit has no checks
 * @param createdAt     when the pull request was opened
 * @param updatedAt     the latest of the pull request's, its reviews' and its checks' times
 * @param closedAt      when it was closed (also for a merge), else null
 * @param mergedAt      when it was merged, else null
 * @param reviewChangedAt the latest review's submission time, else null
 * @param checkChangedAt  the latest check's time, else null
 */
public record PullRequestStatus(PullRequest pullRequest, ChangesetReviewState reviewState,
                                ChangesetCheckState checkState, Instant createdAt, Instant updatedAt,
                                Instant closedAt, Instant mergedAt, Instant reviewChangedAt,
                                Instant checkChangedAt) {
}
