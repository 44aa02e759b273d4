package dev.campaigns.domain;

/**
 * The work of turning one campaign job into a changeset of a campaign: commit, push, pull request, changeset.
 * Each step records its outcome here, so a step that runs twice finds its own earlier result.
 *
 * @param commitSha     the bot commit, once made
 * @param pushed        whether the branch is known to hold the commit
 * @param pullRequest   the pull request's number on the code host, once opened (0 before)
 * @param changesetId   the changeset, once recorded; the job is then COMPLETED and frozen. In an update (a later
 *                      generation) a job starts with its repository's earlier changeset, which is the campaign's
 *                      already ("carried": counted among the campaign's tracked changesets until the job completes)
 * @param error         the last error, when ERRORED
 * @param attempts      how many executions have worked on this job
 * @param expectedOldSha the push's lease in an update (a later generation): the commit the campaign's branch held
 *                       when the update was decided (the previous generation's commit); the push moves the branch
 *                       only from it. Null: the push creates the branch (or finds it at the job's commit).
 */
public record ChangesetJob(String campaignId, String jobId, String repository, String baseRef, JobState state,
                           String commitSha, boolean pushed, long pullRequest, String pullRequestUrl,
                           String changesetId, String error, int attempts, String expectedOldSha) {

    public ChangesetJob(String campaignId, String jobId, String repository, String baseRef, JobState state,
                        String commitSha, boolean pushed, long pullRequest, String pullRequestUrl,
                        String changesetId, String error, int attempts) {
        this(campaignId, jobId, repository, baseRef, state, commitSha, pushed, pullRequest, pullRequestUrl,
                changesetId, error, attempts, null);
    }
}
