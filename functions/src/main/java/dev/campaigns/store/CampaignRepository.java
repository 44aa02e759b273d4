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

    /**
     * As {@link #changesetJobs(String, int, int)}, of the campaign's {@code generation} rather than its current one
     * (updateCampaign reads the generation it replaced).
     */
    List<ChangesetJob> changesetJobs(String campaignId, int generation, int from, int to);

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

    /**
     * An update's start of the campaign's next generation (see {@link #startGeneration}).
     *
     * @param fromGeneration the generation the update was decided on
     * @param fromExecutions the campaign's executions when it was decided (0: unpublished, and it stays so)
     * @param total          the new generation's changeset jobs
     * @param trackedDelta   the current generation's changesets that stay in the campaign: counted as tracked until
     *                       a job of the new generation that carries one completes (it then counts as completed)
     */
    record GenerationStart(String campaignId, int fromGeneration, int fromExecutions, String planId,
                           String previousPlanId, String name, String description, Instant at, int total,
                           int trackedDelta) {
    }

    /**
     * Starts the campaign's next generation of changeset jobs: the new plan, name and description, counters of
     * {@code total} pending jobs, the cancel mark cleared, {@code tracked} grown by {@code trackedDelta}, and one more
     * execution for a published campaign; only while the campaign is at {@code fromGeneration} with
     * {@code fromExecutions} executions and not closed. True when this call applied it (of racing updates, one).
     */
    boolean startGeneration(GenerationStart update);

    /** Takes a changeset out of the campaign (its membership and the changeset's campaign); safe to repeat. */
    void detachFromCampaign(String campaignId, Changeset changeset);

    /** Marks the campaign closed at {@code at}, once (a second close keeps the first time; no campaign: nothing). */
    void closeCampaign(String campaignId, Instant at);

    // ---- cancelCampaign (issue 16) ---------------------------------------------------------------------------

    /**
     * Marks the campaign cancelled at {@code at}, unless it is already (the first mark stays). From then on no
     * pull-request step can claim a job ({@link #claimPullRequest}). Returns the campaign as stored after.
     */
    Campaign markCancelled(String campaignId, Instant at);

    /** A changeset job as cancelCampaign reads it: its record and, if its pull-request step claimed it, when. */
    record JobClaim(ChangesetJob job, Instant openingAt) {
    }

    /** Changeset jobs {@code from} (inclusive) to {@code to} (exclusive) with their pull-request claims. */
    List<JobClaim> changesetJobClaims(String campaignId, int from, int to);

    /**
     * Ends the given jobs CANCELLED with the campaign's {@code cancelled} counter: {@code pending} are existing
     * PENDING jobs (each written only if still PENDING, keeping its steps), {@code missing} plan jobs the execution
     * never reached (each created CANCELLED unless it exists by now). Returns how many jobs this call cancelled.
     */
    int cancelChangesetJobs(String campaignId, List<ChangesetJob> pending, List<ChangesetJob> missing);

    /**
     * A CANCELLED job whose pull request was opened around the cancel becomes a changeset of the campaign after all:
     * as {@link #completeChangesetJob}, but from CANCELLED (the campaign's {@code cancelled} counter down, its
     * {@code completed} up), atomically. False (changing nothing) when the job is not CANCELLED (a retry resumed it,
     * or this was done already) or the changeset is the campaign's already.
     */
    boolean completeCancelledChangesetJob(String campaignId, String jobId, Changeset changeset);

    /**
     * closeCampaign(closeChangesets: true): marks the campaign closed (as {@link #closeCampaign}) and records, in the
     * same write, that its own pull requests are to be closed, so that one recorded as its changeset afterwards (a
     * cancel's in-flight pull request) is closed by whoever records it ({@link #closingChangesets}).
     */
    void closeCampaignAndChangesets(String campaignId, Instant at);

    /** Whether the campaign was closed with its changesets ({@link #closeCampaignAndChangesets}); a consistent read. */
    boolean closingChangesets(String campaignId);

    /**
     * Deletes the campaign, its jobs and memberships; its changesets leave it (they stay: other campaigns may track
     * them). Safe to repeat.
     */
    void deleteCampaign(String campaignId);
}
