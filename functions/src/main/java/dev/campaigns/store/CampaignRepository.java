package dev.campaigns.store;

import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.Page;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Campaigns, their changeset jobs and their changesets' membership. Every write that moves a changeset job also
 * moves the campaign's counters, atomically, conditioned on the job being PENDING. The campaign item is written
 * only here (created, executions counted, closed, deleted, changesets tracked). Implementations:
 * {@link CampaignStore} (DynamoDB) and {@link InMemoryRepositories}.
 */
public interface CampaignRepository {

    /**
     * Creates the campaign unless one with its ID exists; returns the campaign as stored (the argument, or the
     * earlier campaign with the same ID).
     *
     * @throws IdempotencyKeyReusedException the earlier campaign was created from another input ({@code inputDigest})
     */
    Campaign createCampaign(Campaign campaign, String inputDigest);

    Optional<Campaign> campaign(String campaignId);

    /**
     * An owner's campaigns, newest first.
     *
     * @throws InvalidCursorException {@code after} is not a cursor of this repository
     */
    Page<Campaign> campaigns(String owner, int first, String after);

    /** Counts one more background execution of the campaign and returns the new count. */
    int addExecution(String campaignId);

    /**
     * Publishes an unpublished campaign: counts its first execution and sets whether its pull requests are drafts,
     * in one conditional write. True for the one call that did it; false (nothing changed) when the campaign was
     * published already or does not exist.
     */
    boolean publishCampaign(String campaignId, boolean draft);

    /**
     * Publishes some of a campaign's plan jobs (publishChangesets): creates their changeset jobs (PENDING), counts one
     * more execution, sets the campaign's {@code unpublished} count (the plan's jobs still unpublished after) and,
     * when {@code draft} is given, whether its pull requests are drafts, in one atomic write conditioned on the
     * campaign being on execution {@code executions} and neither closed nor cancelled, and on none of the jobs
     * existing. So of calls racing, one publishes and the others change nothing. At most 99 jobs.
     *
     * @return the new execution's number, or 0 when a condition failed (nothing changed)
     */
    int publishChangesetJobs(String campaignId, int executions, int unpublished, List<ChangesetJob> jobs,
                             Boolean draft);

    /**
     * Publishes the rest of a campaign published in part (publishCampaign): its {@code unpublished} count becomes 0
     * and one more execution is counted (whose preparation creates the missing changeset jobs), conditioned on the
     * campaign being on execution {@code executions} and neither closed nor cancelled.
     *
     * @return the new execution's number, or 0 when a condition failed (nothing changed)
     */
    int publishRest(String campaignId, int executions);

    /** Creates the changeset job for a campaign job unless it exists (one per campaign and job). */
    void createChangesetJob(ChangesetJob job);

    Optional<ChangesetJob> changesetJob(String campaignId, String jobId);

    /** Changeset jobs {@code from} (inclusive) to {@code to} (exclusive), by position. */
    List<ChangesetJob> changesetJobs(String campaignId, int from, int to);

    /** Records the commit made for a pending changeset job. @throws JobNotPendingException it is not pending */
    void recordCommit(String campaignId, String jobId, String commitSha);

    /** Records that the campaign's branch holds the job's commit. @throws JobNotPendingException not pending */
    void recordPush(String campaignId, String jobId);

    /** Records the pull request opened for a pending job. @throws JobNotPendingException not pending */
    void recordPullRequest(String campaignId, String jobId, long number, String url);

    /** Counts one more execution's attempt at a job. @throws JobNotPendingException not pending */
    void recordAttempt(String campaignId, String jobId);

    /**
     * Makes the (already observed) changeset the campaign's (created by it) and completes the job, with the
     * campaign's counters, atomically. Returns false (changing nothing) if the job was already terminal.
     */
    boolean completeChangesetJob(String campaignId, String jobId, Changeset changeset);

    /** Records a changeset job's error, once. Returns false if the job was already terminal. */
    boolean failChangesetJob(String campaignId, String jobId, String error);

    /** Marks every still-pending changeset job among the first {@code jobs} errored. */
    void failPendingChangesetJobs(String campaignId, int jobs, String error);

    /**
     * As {@link #failPendingChangesetJobs(String, int, String)}, for the campaign's execution {@code execution} only:
     * a job is failed only while the campaign has no newer execution, however the two interleave.
     */
    void failPendingChangesetJobs(String campaignId, int jobs, String error, int execution);

    /** Resets every ERRORED changeset job to PENDING (and the counters). Returns how many were reset. */
    int resetErroredChangesetJobs(String campaignId);

    /** "repository: error" of the campaign's errored changeset jobs, in job order, at most {@code limit}. */
    List<String> campaignErrors(String campaignId, int limit);

    // ---- the campaign's changesets (membership) ------------------------------------------------------------

    /**
     * Adds a changeset the campaign did not create to it (tracked): the membership, the campaign's tracked count
     * and the changeset's campaign set, atomically. Returns false (changing nothing) when it already belongs.
     */
    boolean addToCampaign(String campaignId, Changeset changeset);

    /**
     * A page of a campaign's changeset IDs, in (repository, number) order.
     *
     * @throws InvalidCursorException {@code after} is not a cursor of this repository
     */
    Page<String> campaignChangesetIds(String campaignId, int first, String after, int totalCount);

    /** Every changeset ID of a campaign. */
    default List<String> allCampaignChangesetIds(String campaignId) {
        List<String> ids = new java.util.ArrayList<>();
        String after = null;
        do {
            Page<String> page = campaignChangesetIds(campaignId, 1000, after, -1);
            ids.addAll(page.nodes());
            after = page.endCursor();
        } while (after != null);
        return ids;
    }

    /** Clears the campaign's cancel mark (retryCampaign, before it resumes the cancelled jobs). */
    void clearCancelled(String campaignId);

    /**
     * Resets every CANCELLED changeset job among the campaign's first {@code jobs} positions to PENDING (and its
     * counter), keeping the steps it reached. Returns how many were reset.
     */
    int resetCancelledChangesetJobs(String campaignId, int jobs);

    /**
     * The pull-request step's claim, right before it asks the code host to open the pull request: true only while
     * the job is PENDING and the campaign is neither cancelled nor closed (one atomic check), so nothing is opened
     * once cancelCampaign has returned.
     */
    boolean claimPullRequest(String campaignId, String jobId, Instant at);

    /** Marks the campaign closed at {@code at}, once (a second close keeps the first time; no campaign: nothing). */
    void closeCampaign(String campaignId, Instant at);

    /**
     * Deletes the campaign, its jobs and memberships; its changesets leave it (they stay: other campaigns may track
     * them). Safe to repeat.
     */
    void deleteCampaign(String campaignId);
}
