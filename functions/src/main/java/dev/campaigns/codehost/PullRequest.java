package dev.campaigns.codehost;

import java.util.List;

/**
 * A pull request as the code host reports it: what a changeset records. Contains no vendor types, so the domain
 * and the Lambda handlers stay independent of the client library.
 *
 * @param repository "owner/name"
 * @param number the host's pull request number, unique per repository
 * @param url the web page of the pull request (GitHub's {@code html_url})
 * @param state open, closed or merged
 * @param title current title
 * @param body current description ("" when none)
 * @param headRef branch the change comes from
 * @param baseRef branch the change goes into
 * @param headSha commit at the tip of the head branch as the host last saw it
 * @param draft whether the pull request is a draft
 * @param labels label names on the pull request
 * @param reviewers logins whose review is requested and still pending
 */
public record PullRequest(String repository, long number, String url, PullRequestState state, String title,
                          String body, String headRef, String baseRef, String headSha, boolean draft,
                          List<String> labels, List<String> reviewers) {

    public PullRequest {
        body = body == null ? "" : body;
        labels = labels == null ? List.of() : List.copyOf(labels);
        reviewers = reviewers == null ? List.of() : List.copyOf(reviewers);
    }
}
