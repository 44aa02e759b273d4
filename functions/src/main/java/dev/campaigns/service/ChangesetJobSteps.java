package dev.campaigns.service;

import dev.campaigns.blob.BlobStore;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.ChangesetJobLifecycle;
import dev.campaigns.domain.JobState;
import dev.campaigns.git.CommitRequest;
import dev.campaigns.git.CommitResult;
import dev.campaigns.git.GitOperations;
import dev.campaigns.git.PushRequest;
import dev.campaigns.store.CampaignRepository;
import dev.campaigns.store.ChangesetRepository;
import dev.campaigns.store.JobIds;
import dev.campaigns.store.PlanRepository;
import dev.campaigns.codehost.PullRequestStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The steps that turn a campaign's changeset jobs into changesets: commit → push → pull request → changeset, each
 * run by its own Lambda from the state machine, plus the recording of failures and the final step.
 *
 * <p>Every step is idempotent, because Step Functions may run it twice: each first reads what the job already
 * records and does only what is missing; the commit is deterministic (same patch, base, message, bot and the
 * campaign's creation time give the same SHA); the push is create-only; the pull request is find-or-create; the
 * changeset is a conditional write in the transaction that completes (and freezes) the job.
 */
public final class ChangesetJobSteps {
    private final CampaignRepository store;
    private final PlanRepository plans;
    private final ChangesetRepository changesets;
    private final Clock clock;
    private final BlobStore blobs;
    private final GitOperations git;
    private final OnDemandCodeHostAccess codeHost;
    private final Limits limits;
    private final ChangesetJobPlanner planner;

    /**
     * @param codeHost the code host access, built (its token read) only by the steps that talk to the code host:
     *                 commit, push, pull request and changeset; preparing a page, recording a failure and finishing
     *                 never read the token
     */
    public ChangesetJobSteps(CampaignRepository store, PlanRepository plans, ChangesetRepository changesets,
                             BlobStore blobs, GitOperations git,
                             OnDemandCodeHostAccess codeHost, Limits limits, Clock clock) {
        this.store = store;
        this.plans = plans;
        this.changesets = changesets;
        this.clock = clock;
        this.blobs = blobs;
        this.git = git;
        this.codeHost = codeHost;
        this.limits = limits;
        this.planner = new ChangesetJobPlanner(store, plans, changesets);
    }

    /**
     * Makes sure every job of the page that makes a changeset has its changeset job in the campaign's current
     * generation (one per campaign, generation and job; what it starts from: {@link ChangesetJobPlanner}), and returns
     * the pending ones: on a retry, only the jobs that failed before.
     */
    public List<ChangesetJob> preparePage(String campaignId, int page) {
        Campaign campaign = campaign(campaignId);
        int from = page * limits.pageSize();
        int to = from + limits.pageSize();
        List<ChangesetJob> existing = store.changesetJobs(campaignId, campaign.generation(), from, to);
        List<CampaignJob> planJobs = plans.campaignJobs(campaign.planId(), from, to);
        // A campaign published in part (publishChangesets) has its published jobs created already; the others are
        // created once publishCampaign publishes the rest (unpublished back to 0).
        if (existing.size() < planJobs.size() && campaign.unpublishedCount() == 0) {
            java.util.Set<String> there = new java.util.HashSet<>();
            existing.forEach(j -> there.add(j.jobId()));
            boolean created = false;
            for (CampaignJob job : planJobs) {
                if (!there.contains(JobIds.changesetJob(campaign.generation(), job.jobId()))
                        && (job.state() == JobState.COMPLETED || campaign.generation() > 1)) {
                    Optional<ChangesetJob> planned = planner.plan(campaign, job);
                    planned.ifPresent(store::createChangesetJob);
                    created |= planned.isPresent();
                }
            }
            if (created) {
                existing = store.changesetJobs(campaignId, campaign.generation(), from, to);
            }
        }
        List<ChangesetJob> pending = new ArrayList<>();
        for (ChangesetJob job : existing) {
            if (job.state() == JobState.PENDING) {
                pending.add(job);
            }
        }
        return pending;
    }

    /** Makes the job's bot commit (or finds it made) and stores it for the push step. */
    public String commit(String campaignId, String jobId) {
        ChangesetJob job = pendingJob(campaignId, jobId);
        if (job == null) {
            return null;
        }
        if (job.commitSha() != null) {
            return job.commitSha();
        }
        Campaign campaign = campaign(campaignId);
        if (campaign.branch().equals(job.baseRef())) {
            throw new InvalidInputException("the campaign's branch " + campaign.branch() + " is the base branch of "
                    + job.repository() + ": a campaign pushes to a branch of its own, never to the base; create the"
                    + " campaign with another branch");
        }
        CampaignJob planJob = plans.campaignJob(campaign.planId(), JobIds.planJobId(jobId)).orElseThrow();
        byte[] patch = blobs.get(planJob.patchKey())
                .orElseThrow(() -> new IllegalStateException("patch " + planJob.patchKey() + " is missing"));
        store.recordAttempt(campaignId, jobId);
        CodeHostAccess access = codeHost.get();
        CommitResult result = git.commit(new CommitRequest(access.cloneUrl(job.repository()),
                access.credentials(job.repository()), planJob.baseRevision(), patch, commitMessage(campaign),
                access.bot(), campaign.commitDate()));
        store.recordCommit(campaignId, jobId, result.commitSha());
        return result.commitSha();
    }

    /**
     * Pushes the job's commit to the campaign's branch: create-only, or in an update with a lease on the campaign's
     * earlier commit; a branch anywhere else is a conflict and nothing is overwritten.
     */
    public void push(String campaignId, String jobId) {
        ChangesetJob job = pendingJob(campaignId, jobId);
        if (job == null || job.pushed()) {
            return;
        }
        ChangesetJobLifecycle.require(job, ChangesetJobLifecycle.Event.PUSH);
        Campaign campaign = campaign(campaignId);
        CodeHostAccess access = codeHost.get();
        // In an update (a later generation) the push moves the branch only from the campaign's earlier commit.
        git.push(new PushRequest(access.cloneUrl(job.repository()), access.credentials(job.repository()),
                campaign.branch(), job.commitSha(), job.expectedOldSha()));
        store.recordPush(campaignId, jobId);
    }

    /**
     * Opens the pull request from the campaign's branch, or finds the one already open; refused (the job errs) once
     * the campaign is closed or cancelled.
     */
    public PullRequest pullRequest(String campaignId, String jobId) {
        ChangesetJob job = pendingJob(campaignId, jobId);
        if (job == null) {
            return null;
        }
        ChangesetJobLifecycle.require(job, ChangesetJobLifecycle.Event.OPEN_PULL_REQUEST);
        Campaign campaign = campaign(campaignId);
        if (campaign.closedAt() != null) {
            // Read (consistently) on every attempt, so no retry of this step, nor a retryCampaign racing
            // closeCampaign, opens a pull request once the campaign is closed.
            throw new FailedPreconditionException("campaign " + campaignId + " was closed at " + campaign.closedAt()
                    + ": no pull request is opened for it");
        }
        if (!store.claimPullRequest(campaignId, jobId, clock.instant())) {
            // The claim is checked against the campaign's cancel (and close) mark in one transaction; cancelCampaign
            // waits for claims taken before its mark, so nothing is opened once it has returned.
            Campaign now = campaign(campaignId);
            if (pendingJob(campaignId, jobId) == null) {
                return null;
            }
            throw new FailedPreconditionException("campaign " + campaignId + (now.closedAt() != null
                    ? " was closed at " + now.closedAt() : " was cancelled at " + now.cancelledAt())
                    + ": no pull request is opened for it");
        }
        PullRequest pr = codeHost.get().codeHost().ensurePullRequest(new PullRequestSpec(job.repository(),
                campaign.branch(), job.baseRef(), campaign.name(), pullRequestBody(campaign), campaign.draft(),
                List.of(), List.of()));
        if (job.pullRequest() != pr.number()) {
            store.recordPullRequest(campaignId, jobId, pr.number(), pr.url());
        }
        return pr;
    }

    /**
     * Records the pull request as a changeset (the campaign owns it: it opened it) with its reviews and checks, and
     * completes (freezes) the job.
     */
    public void changeset(String campaignId, String jobId) {
        ChangesetJob job = pendingJob(campaignId, jobId);
        if (job == null) {
            return;
        }
        ChangesetJobLifecycle.require(job, ChangesetJobLifecycle.Event.RECORD_CHANGESET);
        Instant readAt = clock.instant();
        PullRequestStatus pr = codeHost.get().codeHost().loadPullRequestStatus(job.repository(), job.pullRequest());
        Changeset changeset = changesets.observe(pr, readAt, campaignId);
        store.completeChangesetJob(campaignId, jobId, changeset);
    }

    /**
     * Records the error that ended the job's steps (once; a job already terminal keeps its state). The error was
     * redacted by the step that failed; this step does not read the token.
     */
    public void recordFailure(String campaignId, String jobId, String error) {
        store.failChangesetJob(campaignId, jobId, Errors.forUser(codeHost.redact(error)));
    }

    /**
     * The last step: any job still pending after the execution's Map (which catches every job's failure, so this
     * should not happen) is marked errored, so that the campaign's status always ends.
     *
     * <p>Only the campaign's latest execution may do so: once {@code retryCampaign} has started execution
     * {@code n + 1}, the pending jobs are that execution's, and a late finish step of execution {@code n} (retried
     * after a Lambda death, say) must leave them alone.
     *
     * @param execution the number of the execution this step ends (its input's {@code execution}); null for an
     *                  execution started before executions were numbered in their input
     */
    public void finish(String campaignId, Integer execution) {
        Campaign campaign = campaign(campaignId);
        if (!ChangesetJobLifecycle.mayEnd(campaign.executions(), execution)) {
            return;
        }
        if (campaign.inFlight() > 0) {
            int jobs = plans.plan(campaign.planId()).orElseThrow().counters().total();
            String error = "the execution ended before this job finished";
            if (execution == null) {
                store.failPendingChangesetJobs(campaignId, jobs, error);
            } else {
                store.failPendingChangesetJobs(campaignId, jobs, error, execution);
            }
        }
    }

    private ChangesetJob pendingJob(String campaignId, String jobId) {
        ChangesetJob job = store.changesetJob(campaignId, jobId)
                .orElseThrow(() -> new IllegalStateException("changeset job " + jobId + " of campaign "
                        + campaignId + " does not exist"));
        return job.state() == JobState.PENDING ? job : null;
    }

    private Campaign campaign(String campaignId) {
        return store.campaign(campaignId)
                .orElseThrow(() -> new IllegalStateException("campaign " + campaignId + " does not exist"));
    }

    static String commitMessage(Campaign campaign) {
        return campaign.description().isEmpty() ? campaign.name() + "\n"
                : campaign.name() + "\n\n" + campaign.description() + "\n";
    }

    static String pullRequestBody(Campaign campaign) {
        return (campaign.description().isEmpty() ? "" : campaign.description() + "\n\n")
                + "Created by campaign `" + campaign.name() + "` (" + campaign.id() + ").";
    }
}
