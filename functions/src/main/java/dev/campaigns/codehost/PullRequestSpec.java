package dev.campaigns.codehost;

import java.util.List;
import java.util.Objects;

/**
 * What a changeset's pull request should look like: the input of {@link CodeHost#ensurePullRequest}.
 *
 * <p>The pair (repository, headBranch) identifies the pull request: ensuring the same spec twice (a retried step)
 * finds the first one instead of opening a second. Labels and reviewers are added when missing and never removed,
 * so a label or review request added by a person survives a re-run.
 *
 * @param repository "owner/name" on the code host ("host/owner/name" before {@link CodeHostRegistry} routes it)
 * @param headBranch the pushed branch holding the campaign's commit (same repository, no fork)
 * @param baseBranch the branch the change should land on, usually the default branch
 * @param title pull request title
 * @param body pull request description (Markdown); may be empty, never null
 * @param draft open as a draft; only applies on creation (GitHub's REST API cannot toggle it later)
 * @param labels labels to add; created on the repository by the host when they do not exist
 * @param reviewers user logins whose review is requested
 */
public record PullRequestSpec(String repository, String headBranch, String baseBranch, String title, String body,
                              boolean draft, List<String> labels, List<String> reviewers) {

    public PullRequestSpec {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(headBranch, "headBranch");
        Objects.requireNonNull(baseBranch, "baseBranch");
        Objects.requireNonNull(title, "title");
        body = body == null ? "" : body;
        labels = labels == null ? List.of() : List.copyOf(labels);
        reviewers = reviewers == null ? List.of() : List.copyOf(reviewers);
        if (!repository.matches("([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(:[0-9]+)?/)?[^/\\s]+/[^/\\s]+")) {
            throw new IllegalArgumentException("repository must be \"owner/name\" (or \"host/owner/name\"), got \""
                    + repository + "\"");
        }
        if (headBranch.isBlank() || baseBranch.isBlank()) {
            throw new IllegalArgumentException("head and base branches must not be blank");
        }
        if (headBranch.equals(baseBranch)) {
            throw new IllegalArgumentException("head and base branch are the same: " + headBranch);
        }
    }

    /** The same spec for {@code name} (a repository's name on its host, see {@link CodeHostRegistry}). */
    public PullRequestSpec withRepository(String name) {
        return new PullRequestSpec(name, headBranch, baseBranch, title, body, draft, labels, reviewers);
    }

    /** The same spec with other labels and reviewers. */
    public PullRequestSpec withLabelsAndReviewers(List<String> newLabels, List<String> newReviewers) {
        return new PullRequestSpec(repository, headBranch, baseBranch, title, body, draft, newLabels, newReviewers);
    }
}
