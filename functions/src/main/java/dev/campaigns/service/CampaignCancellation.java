package dev.campaigns.service;

import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.ChangesetJobLifecycle;
import dev.campaigns.domain.JobState;
import dev.campaigns.store.CampaignRepository;
import dev.campaigns.store.JobIds;
import dev.campaigns.store.PlanRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code cancelCampaign} (issue 16): stops a campaign's changeset creation. In this order, each step idempotent, so a
 * repeated or retried cancel finishes what an earlier one started:
 * <ol>
 *   <li>the campaign's latest execution is stopped (StopExecution, with its distributed Map's children): no step
 *       starts afterwards (so no failure-recording step can turn a job ERRORED), while a step already running runs
 *       to its end, its writes conditioned on its job being PENDING;</li>
 *   <li>the campaign is marked cancelled ({@code cancelledAt}): from then on a pull-request step still running
 *       cannot take its claim ({@link CampaignStore#claimPullRequest}), so it opens nothing;</li>
 *   <li>the cancel waits (at most {@link #OPENING_WINDOW}) for the pull-request steps that took their claim before
 *       the mark, so that no pull request is opened after the cancel returns;</li>
 *   <li>every job not finished ends CANCELLED, keeping the steps it reached (commit, push, pull request), and the
 *       plan's jobs the execution never reached are recorded CANCELLED, with the campaign's {@code cancelled}
 *       counter;</li>
 *   <li>the jobs caught in the middle of their pull request (a claim taken, or a pull request recorded but not yet
 *       its changeset) are handed, before they are written CANCELLED, to {@link InFlightPullRequests} through the
 *       close queue: that consumer has the code host token (this resolver reads none), looks their pull request up
 *       by the campaign's branch (never opens one) and makes each found the campaign's changeset, its job
 *       COMPLETED; so no pull request opened around the cancel is left out of the campaign (an orphan).</li>
 * </ol>
 * The status then reads CANCELLED (see {@code BackgroundProcessStatus.of}); {@code retryCampaign} clears the mark and
 * resumes the cancelled jobs where they stopped.
 */
public final class CampaignCancellation {
    /**
     * How long after its claim a pull-request step may still be talking to the code host: the cancel waits that long
     * at most for a claim taken before its mark (within AppSync's 30 s resolver limit).
     */
    public static final Duration OPENING_WINDOW = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(200);
    /**
     * Jobs read per Query page (the claims and the final pass alike). Not the execution's page size (100): with 100 a
     * page of 100 pending jobs took two transactions of at most 99 (bench/mutation-scale.sh: 404 requests at 10,000
     * jobs, about 10 s on AWS; with 1,000 about a third of that), which with the 20 s claim window left no margin
     * within AppSync's 30 s.
     */
    static final int READ_PAGE = 1000;
    /**
     * How long a pull-request step that claimed before the cancel may still be running: CreatePullRequestFunction's
     * timeout (120 s in template.yaml) with a margin. The in-flight jobs' pull requests are looked for until then.
     */
    public static final Duration PULL_REQUEST_STEP_LIMIT = Duration.ofMinutes(3);

    /** Sleeps between the cancel's reads of in-flight claims (injected: tests do not sleep). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final CampaignRepository store;
    private final PlanRepository plans;
    private final ProcessStopper stopper;
    private final Supplier<InFlightPullRequestQueue> inFlight;
    private final Clock clock;
    private final Sleeper sleeper;

    private final ChangesetJobPlanner planner;

    /**
     * @param inFlight supplied on first use: where the jobs caught mid pull request go (the close queue)
     * @param planner  what the plan's jobs become in the campaign's generation (for the jobs the execution never
     *                 reached); null for campaigns that are never updated (generation 1 only: tests, benches)
     */
    public CampaignCancellation(CampaignRepository store, PlanRepository plans, ProcessStopper stopper,
                                Supplier<InFlightPullRequestQueue> inFlight, Clock clock, Sleeper sleeper,
                                ChangesetJobPlanner planner) {
        this.store = store;
        this.plans = plans;
        this.stopper = stopper;
        this.inFlight = inFlight;
        this.clock = clock;
        this.sleeper = sleeper;
        this.planner = planner;
    }

    /** For campaigns that are never updated (generation 1 only: tests, benches). */
    public CampaignCancellation(CampaignRepository store, PlanRepository plans, ProcessStopper stopper,
                                Supplier<InFlightPullRequestQueue> inFlight, Clock clock, Sleeper sleeper) {
        this(store, plans, stopper, inFlight, clock, sleeper, null);
    }

    /**
     * Cancels the campaign's changeset creation (see the class). A campaign with nothing pending is returned as it
     * is (a repeated cancel; a cancel interrupted half way still has pending jobs and is finished by the next call);
     * a campaign without a plan has nothing to cancel.
     *
     * @param campaign the caller's campaign (ownership checked by the caller)
     */
    public Campaign cancel(Campaign campaign) {
        if (campaign.planId() == null) {
            throw new FailedPreconditionException("campaign " + campaign.id()
                    + " has no plan: it creates no changesets, so there is nothing to cancel");
        }
        if (campaign.counters().pending() == 0 || (campaign.published() && campaign.inFlight() == 0)) {
            return campaign; // nothing running (the unpublished jobs of a campaign published in part stay so)
        }
        Instant started = clock.instant();
        stopper.stop(executionName(campaign.id(), campaign.executions()),
                "cancelCampaign at " + started + " by the campaign's owner");
        store.markCancelled(campaign.id(), started);
        int jobs = plans.plan(campaign.planId()).orElseThrow().counters().total();
        awaitClaims(campaign.id(), jobs);
        cancelUnfinished(campaign, jobs, started.plus(PULL_REQUEST_STEP_LIMIT));
        return store.campaign(campaign.id()).orElseThrow();
    }

    /** The name of a campaign's execution number {@code execution} (as CampaignService starts it). */
    static String executionName(String campaignId, int execution) {
        return "campaign-" + campaignId + "-" + execution;
    }

    /**
     * Waits until no pending job holds a claim younger than the window without its pull request recorded. The
     * campaign's jobs are read once (a claim can no longer be taken: the mark is set); then only those in flight are
     * re-read, each with one consistent GetItem, every {@link #POLL}.
     */
    private void awaitClaims(String campaignId, int jobs) {
        Map<String, Instant> inFlight = new HashMap<>(); // job ID -> the end of its claim's window
        Instant now = clock.instant();
        for (int from = 0; from < jobs; from += READ_PAGE) {
            for (CampaignRepository.JobClaim c : store.changesetJobClaims(campaignId, from,
                    Math.min(jobs, from + READ_PAGE))) {
                if (opening(c.job(), c.openingAt(), now)) {
                    inFlight.put(c.job().jobId(), c.openingAt().plus(OPENING_WINDOW));
                }
            }
        }
        while (!inFlight.isEmpty()) {
            try {
                sleeper.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for pull-request steps to finish", e);
            }
            Instant at = clock.instant();
            inFlight.entrySet().removeIf(claim -> !at.isBefore(claim.getValue())
                    || store.changesetJob(campaignId, claim.getKey())
                            .map(job -> job.state() != JobState.PENDING || job.pullRequest() != 0).orElse(true));
        }
    }

    private static boolean opening(ChangesetJob job, Instant openingAt, Instant now) {
        return job.state() == JobState.PENDING && openingAt != null && job.pullRequest() == 0
                && openingAt.plus(OPENING_WINDOW).isAfter(now);
    }

    private void cancelUnfinished(Campaign campaign, int jobs, Instant lookUntil) {
        for (int from = 0; from < jobs; from += READ_PAGE) {
            int to = Math.min(jobs, from + READ_PAGE);
            Set<String> there = new HashSet<>();
            List<ChangesetJob> pending = new ArrayList<>();
            List<String> caught = new ArrayList<>();
            for (CampaignRepository.JobClaim claim : store.changesetJobClaims(campaign.id(), from, to)) {
                ChangesetJob job = claim.job();
                there.add(job.jobId());
                if (job.state() == JobState.PENDING) {
                    ChangesetJobLifecycle.require(job, ChangesetJobLifecycle.Event.CANCEL);
                    pending.add(job);
                    // (an update's job carrying the campaign's earlier changeset cannot leave an orphan: its pull
                    // request is the campaign's already)
                    if ((claim.openingAt() != null || job.pullRequest() != 0) && job.changesetId() == null) {
                        caught.add(job.jobId());
                    }
                }
            }
            // Handed over before they are written CANCELLED: a cancel that dies in between leaves them PENDING, and
            // the next cancel hands them over again (the consumer waits for CANCELLED, and is idempotent).
            for (int i = 0; i < caught.size(); i += InFlightPullRequestsRequest.MAX_JOBS) {
                inFlight.get().send(new InFlightPullRequestsRequest(campaign.id(),
                        caught.subList(i, Math.min(caught.size(), i + InFlightPullRequestsRequest.MAX_JOBS)),
                        lookUntil), Duration.ZERO);
            }
            List<ChangesetJob> missing = new ArrayList<>();
            // Of a campaign published in part, the plan jobs without a changeset job are its unpublished ones: they
            // stay unpublished (the store refuses to create them should publishChangesets race this cancel).
            boolean partly = campaign.published() && campaign.unpublishedCount() > 0;
            List<CampaignJob> planJobs = partly ? List.of() : plans.campaignJobs(campaign.planId(), from, to);
            for (CampaignJob planJob : planJobs) {
                if (there.contains(JobIds.changesetJob(campaign.generation(), planJob.jobId()))) {
                    continue;
                }
                if (planner != null) {
                    // what the execution would have created, CANCELLED: a retry resumes it from there (an update's
                    // job keeps its lease and what it keeps of the earlier generation)
                    planner.plan(campaign, planJob).ifPresent(j -> missing.add(new ChangesetJob(j.campaignId(),
                            j.jobId(), j.repository(), j.baseRef(), JobState.CANCELLED, j.commitSha(), j.pushed(),
                            j.pullRequest(), j.pullRequestUrl(), j.changesetId(), null, 0, j.expectedOldSha())));
                } else if (campaign.generation() > 1) {
                    throw new IllegalStateException("campaign " + campaign.id() + " was updated: its cancel needs the"
                            + " changeset job planner");
                } else if (planJob.state() == JobState.COMPLETED) {
                    missing.add(new ChangesetJob(campaign.id(), planJob.jobId(), planJob.repository(),
                            planJob.baseRef(), JobState.CANCELLED, null, false, 0, null, null, null, 0));
                }
            }
            if (!pending.isEmpty() || !missing.isEmpty()) {
                store.cancelChangesetJobs(campaign.id(), pending, missing);
            }
        }
    }
}
