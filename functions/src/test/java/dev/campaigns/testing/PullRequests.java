package dev.campaigns.testing;

import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetReviewState;
import java.time.Instant;
import java.util.List;

/** Pull request statuses for tests, as a code host would report them. */
public final class PullRequests {
    private PullRequests() {
    }

    public static PullRequestStatus status(String repository, long number, PullRequestState state, Instant createdAt,
                                           Instant updatedAt) {
        return status(repository, number, state, ChangesetReviewState.PENDING, null, createdAt, updatedAt);
    }

    public static PullRequestStatus status(String repository, long number, PullRequestState state,
                                           ChangesetReviewState review, ChangesetCheckState check, Instant createdAt,
                                           Instant updatedAt) {
        PullRequest pr = new PullRequest(repository, number, "https://host/" + repository + "/pull/" + number, state,
                "title " + number, "", "campaign/branch", "main", "0123456789abcdef0123456789abcdef01234567", false,
                List.of("label"), List.of());
        return new PullRequestStatus(pr, review, check, createdAt, updatedAt,
                state == PullRequestState.OPEN ? null : updatedAt, state == PullRequestState.MERGED ? updatedAt : null,
                null, null);
    }
}
