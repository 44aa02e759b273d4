package dev.campaigns.service;

import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.domain.JobState;
import dev.campaigns.store.CampaignRepository;
import dev.campaigns.store.ChangesetRepository;
import dev.campaigns.store.JobIds;
import dev.campaigns.store.PlanRepository;
import java.util.Optional;

/**
 * What each job of a campaign's plan becomes in the campaign's current generation of changeset jobs: the one home of
 * {@code updateCampaign}'s per-repository decision (issue 16). Used where changeset jobs are created: the execution's
 * page preparation and the cancel (for the jobs the execution never reached).
 *
 * <p>Generation 1 (a campaign as created): every applicable plan job (COMPLETED) becomes a fresh PENDING job.
 *
 * <p>A later generation (after an update) starts each repository from its changeset job of the previous generation,
 * found through the previous plan (the plan's {@code REPO#} index names the repository's job):
 * <ul>
 *   <li><b>new repository</b> (no earlier job): a fresh job, as in generation 1; its push creates the branch;</li>
 *   <li><b>same diff</b> (same patch, base revision and base ref): the earlier commit, push and pull request are
 *       kept, so the commit and push steps send nothing; the pull-request step brings the pull request's title and
 *       body to the campaign's (a no-op when they are unchanged) and the changeset is recorded again;</li>
 *   <li><b>new diff</b>: a new commit on the new plan's base, pushed with a lease on the earlier commit (the branch
 *       moves only if it still points at the campaign's last commit; a foreign commit on top is a branch conflict
 *       that names both, nothing overwritten); the pull request (found by its branch) gets the new title and
 *       body;</li>
 *   <li><b>kept as it is</b>: a changeset merged or closed before the update, or one whose new patch does not apply
 *       (its plan job errored): its commit and pull request stay as they are and it is recorded again;</li>
 *   <li>a repository without an applicable plan job and without an earlier changeset: no job.</li>
 * </ul>
 * Repositories gone from the plan have no job here; {@code updateCampaign} closes or detaches their changesets.
 */
public final class ChangesetJobPlanner {
    private final CampaignRepository store;
    private final PlanRepository plans;
    private final ChangesetRepository changesets;

    public ChangesetJobPlanner(CampaignRepository store, PlanRepository plans, ChangesetRepository changesets) {
        this.store = store;
        this.plans = plans;
        this.changesets = changesets;
    }

    /** The PENDING changeset job {@code planJob} of the campaign's plan becomes, or empty when it becomes none. */
    public Optional<ChangesetJob> plan(Campaign campaign, CampaignJob planJob) {
        String jobId = JobIds.changesetJob(campaign.generation(), planJob.jobId());
        Optional<Earlier> earlier = campaign.generation() == 1 ? Optional.empty() : earlier(campaign, planJob);
        if (planJob.state() != JobState.COMPLETED) {
            // a patch that no longer applies leaves the repository's changeset as it is (the plan's error says why)
            return earlier.filter(e -> e.job().changesetId() != null).map(e -> kept(campaign, jobId, e.job()));
        }
        if (earlier.isEmpty()) {
            return Optional.of(fresh(campaign, jobId, planJob, null, null));
        }
        ChangesetJob before = earlier.get().job();
        if (finished(before)) {
            return Optional.of(kept(campaign, jobId, before));
        }
        if (sameDiff(earlier.get().planJob(), planJob)) {
            return Optional.of(new ChangesetJob(campaign.id(), jobId, planJob.repository(), planJob.baseRef(),
                    JobState.PENDING, before.commitSha(), before.pushed(), before.pullRequest(),
                    before.pullRequestUrl(), before.changesetId(), null, 0, before.expectedOldSha()));
        }
        return Optional.of(fresh(campaign, jobId, planJob,
                before.pushed() ? before.commitSha() : before.expectedOldSha(), before.changesetId()));
    }

    /** The repository's job of the previous generation and the plan job it was made from. */
    private record Earlier(ChangesetJob job, CampaignJob planJob) {
    }

    private Optional<Earlier> earlier(Campaign campaign, CampaignJob planJob) {
        if (campaign.previousPlanId() == null) {
            return Optional.empty();
        }
        return plans.jobIdOf(campaign.previousPlanId(), planJob.repository()).flatMap(previousPlanJobId ->
                store.changesetJob(campaign.id(), JobIds.changesetJob(campaign.generation() - 1, previousPlanJobId))
                        .map(job -> new Earlier(job, plans.campaignJob(campaign.previousPlanId(), previousPlanJobId)
                                .orElse(null))));
    }

    private static boolean sameDiff(CampaignJob before, CampaignJob now) {
        return before != null && before.patchKey().equals(now.patchKey())
                && before.baseRevision().equals(now.baseRevision()) && before.baseRef().equals(now.baseRef());
    }

    /**
     * Whether the earlier job's changeset (the campaign's, recorded or carried) was merged or closed (as last
     * observed): it is not updated.
     */
    private boolean finished(ChangesetJob before) {
        return before.changesetId() != null && changesets.changeset(before.changesetId())
                .map(c -> c.state() == ChangesetState.MERGED || c.state() == ChangesetState.CLOSED).orElse(false);
    }

    /** A job with nothing done yet: pushed with {@code lease} (null: create-only), carrying {@code changesetId}. */
    private static ChangesetJob fresh(Campaign campaign, String jobId, CampaignJob planJob, String lease,
                                      String changesetId) {
        return new ChangesetJob(campaign.id(), jobId, planJob.repository(), planJob.baseRef(), JobState.PENDING, null,
                false, 0, null, changesetId, null, 0, lease);
    }

    private static ChangesetJob kept(Campaign campaign, String jobId, ChangesetJob before) {
        return new ChangesetJob(campaign.id(), jobId, before.repository(), before.baseRef(), JobState.PENDING,
                before.commitSha(), true, before.pullRequest(), before.pullRequestUrl(), before.changesetId(), null, 0,
                null);
    }
}
