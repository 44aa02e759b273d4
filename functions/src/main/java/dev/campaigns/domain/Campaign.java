package dev.campaigns.domain;

import java.time.Instant;

/**
 * A campaign: the same change, made by a bot on {@code branch}, in every repository of its plan, each
 * becoming a changeset (a pull request) of the campaign.
 *
 * @param createdAt also the author and committer date of every commit the campaign makes, so that a retried
 *                  commit step always produces the same commit SHA
 * @param executions how many background executions were started (the first, then one per retry)
 */
public record Campaign(String id, String owner, String name, String description, String branch, String planId,
                       boolean draft, Instant createdAt, JobCounters counters, int executions) {
}
