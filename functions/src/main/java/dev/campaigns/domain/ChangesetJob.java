package dev.campaigns.domain;

/**
 * The work of turning one campaign job into a changeset of a campaign: commit, push, pull request, changeset.
 * Each step records its outcome here, so a step that runs twice finds its own earlier result.
 *
 * @param commitSha     the bot commit, once made
 * @param pushed        whether the branch is known to hold the commit
 * @param pullRequest   the pull request's number on the code host, once opened (0 before)
 * @param changesetId   the changeset, once recorded; the job is then COMPLETED and frozen
 * @param error         the last error, when ERRORED
 * @param attempts      how many executions have worked on this job
 */
public record ChangesetJob(String campaignId, String jobId, String repository, String baseRef, JobState state,
                           String commitSha, boolean pushed, long pullRequest, String pullRequestUrl,
                           String changesetId, String error, int attempts) {
}
