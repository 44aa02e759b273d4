package dev.campaigns.infra.codehost;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of a pull request held by the {@link LocalCodeHost}, for assertions in tests.
 *
 * @param state "open" or "closed" (GitHub's values); {@code merged} tells a merged one apart
 */
public record LocalPullRequest(String repository, int number, String state, boolean merged, String title,
                               String body, String headRef, String baseRef, String headSha, boolean draft,
                               List<String> labels, List<String> requestedReviewers, String author,
                               Instant createdAt) {
}
