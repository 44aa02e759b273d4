package dev.campaigns.service;

import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.domain.Page;
import dev.campaigns.domain.RepositoryName;
import dev.campaigns.store.CampaignRepository;
import dev.campaigns.store.Idempotency;
import dev.campaigns.store.IdempotencyInProgressException;
import dev.campaigns.store.IdempotencyKeyReusedException;
import dev.campaigns.store.JobIds;
import dev.campaigns.store.PlanRepository;
import dev.campaigns.util.Digests;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Campaigns: created from a finished campaign plan, their changesets created in the background, retried, and
 * read back with their changeset-creation status (Sourcegraph's service.go, for campaigns).
 */
public final class CampaignService {
    private final CampaignRepository store;
    private final PlanRepository planStore;
    private final Idempotency idempotency;
    private final CampaignPlanService plans;
    private final BackgroundProcesses processes;
    private final Clock clock;
    private final Limits limits;

    public CampaignService(CampaignRepository store, PlanRepository planStore, Idempotency idempotency,
                           CampaignPlanService plans, BackgroundProcesses processes, Clock clock, Limits limits) {
        this.store = store;
        this.planStore = planStore;
        this.idempotency = idempotency;
        this.plans = plans;
        this.processes = processes;
        this.clock = clock;
        this.limits = limits;
    }

    /** createCampaign's input, as the user gives it. */
    public record CreateCampaignInput(String name, String description, String branch, String plan, Boolean draft,
                                      String idempotencyKey, Boolean publish) {
        public CreateCampaignInput(String name, String description, String branch, String plan, Boolean draft,
                                   String idempotencyKey) {
            this(name, description, branch, plan, draft, idempotencyKey, null);
        }
    }

    /**
     * Creates the campaign and starts the creation of its changesets. With an idempotency key, every call with the
     * same key and input returns the same campaign, also when calls race: the campaign's ID is derived from the
     * caller and the key, its item is written conditionally, and the execution is named after it.
     */
    public Campaign createCampaign(String owner, CreateCampaignInput input) {
        if (input == null) {
            throw new InvalidInputException("input is required");
        }
        String name = Validation.text("name", input.name(), 255);
        String description = Validation.optionalText("description", input.description(), 10_000);
        boolean withPlan = input.plan() != null;
        String branch = withPlan || input.branch() != null ? Validation.campaignBranch("branch", input.branch()) : null;
        String planId = withPlan ? Validation.required("plan", input.plan()) : null;
        boolean draft = Boolean.TRUE.equals(input.draft());
        String key = input.idempotencyKey() == null ? null : Validation.text("idempotencyKey", input.idempotencyKey(), 200);
        boolean publish = !Boolean.FALSE.equals(input.publish());
        if (!publish && !withPlan) {
            throw new InvalidInputException("publish: false needs a plan: a campaign without one creates nothing to"
                    + " publish");
        }
        // (publish: false is part of what the idempotency key stands for; the digest of a published campaign's
        // input is as before, so keys recorded earlier still match)
        String digest = Digests.sha256Hex((String.join("\u0000", name, description, String.valueOf(branch),
                String.valueOf(planId), Boolean.toString(draft)) + (publish ? "" : "\u0000unpublished"))
                .getBytes(StandardCharsets.UTF_8));

        CampaignPlan plan = withPlan ? plans.campaignPlan(owner, planId) : null;
        if (!withPlan) {
            // Without a plan: an empty campaign, to which existing pull requests are added (addChangesetsToCampaign).
            if (key == null) {
                return createEmpty(owner, UUID.randomUUID().toString(), name, description, branch, draft, digest);
            }
            return idempotent(owner, key, digest, id -> createEmpty(owner, id, name, description, branch, draft,
                    digest));
        }
        requireApplicable(plan);
        if (key == null) {
            return create(owner, UUID.randomUUID().toString(), name, description, branch, plan, draft, publish,
                    digest);
        }
        return idempotent(owner, key, digest, id -> create(owner, id, name, description, branch, plan, draft, publish,
                digest));
    }

    /** A plan a campaign can be created (or updated) from: executed, finished, with a job that applies. */
    static void requireApplicable(CampaignPlan plan) {
        String planId = plan.id();
        if (!plan.executed()) {
            throw new FailedPreconditionException("campaign plan " + planId + " has not been executed: call"
                    + " executeCampaignPlan once its patches are added, then poll campaignPlan");
        }
        if (!plan.finishedExecuting()) {
            throw new FailedPreconditionException("campaign plan " + planId + " has not finished executing ("
                    + plan.counters().pending() + " of " + plan.counters().total() + " jobs pending); poll campaignPlan");
        }
        if (plan.counters().completed() == 0) {
            throw new FailedPreconditionException("campaign plan " + planId
                    + " has no job that applies: every job errored");
        }
    }

    private Campaign idempotent(String owner, String key, String digest,
                                java.util.function.Function<String, Campaign> create) {
        String scopedKey = "createCampaign#" + owner + "#" + key;
        String campaignId = UUID.nameUUIDFromBytes(scopedKey.getBytes(StandardCharsets.UTF_8)).toString();
        try {
            String id = idempotency.execute(scopedKey, digest, () -> create.apply(campaignId).id());
            return campaign(owner, id);
        } catch (IdempotencyKeyReusedException e) {
            throw new InvalidInputException("idempotencyKey " + key + " was already used for a different campaign");
        } catch (IdempotencyInProgressException e) {
            throw new FailedPreconditionException(e.getMessage());
        }
    }

    private Campaign create(String owner, String id, String name, String description, String branch,
                            CampaignPlan plan, boolean draft, boolean publish, String digest) {
        Campaign fresh = new Campaign(id, owner, name, description, branch, plan.id(), draft,
                clock.instant().truncatedTo(ChronoUnit.SECONDS), new JobCounters(plan.counters().completed(), 0, 0),
                publish ? 1 : 0);
        Campaign stored = store.createCampaign(fresh, digest);
        if (stored.published()) {
            startExecution(stored, 1);
        }
        return stored;
    }

    /**
     * Starts the changeset creation of a campaign created with {@code publish: false}: its first execution commits,
     * pushes and opens the pull requests, as drafts when {@code draft} is true (null keeps the campaign's setting).
     * Idempotent: the one call whose conditional write counts the first execution sets {@code draft}; every call
     * (also a repeat after a lost answer, or a call racing another) then starts execution 1, which Step Functions
     * starts once by its name. A campaign published already is returned as it is once its first execution has
     * ended. Refused for a closed campaign and for one without a plan.
     *
     * <p>Of a campaign published in part ({@link #publishChangesets}) it publishes the rest: one conditional write
     * sets its unpublished count to 0 and counts a new execution, whose preparation creates the rest's changeset jobs.
     * Refused while the earlier part is still processing, once the campaign was cancelled, and with a {@code draft}
     * other than the one its first publish set.
     */
    public Campaign publishCampaign(String owner, String campaignId, Boolean draft) {
        Campaign campaign = publishable(owner, campaignId);
        if (!campaign.published()) {
            store.publishCampaign(campaignId, draft != null ? draft : campaign.draft());
            campaign = campaign(owner, campaignId);
        }
        for (int attempt = 0; campaign.unpublishedCount() > 0; attempt++) {
            // published in part: the rest
            refuseMore(campaign, draft, attempt);
            if (store.publishRest(campaignId, campaign.executions()) == 0) {
                campaign = publishable(owner, campaignId); // another call moved the campaign meanwhile: look again
                continue;
            }
            campaign = campaign(owner, campaignId);
        }
        resume(campaign);
        return campaign;
    }

    /** At most how many repositories one publishChangesets names (its jobs are written in one transaction). */
    public static final int MAX_PUBLISH_REPOSITORIES = 99;
    private static final int PUBLISH_ATTEMPTS = 5;

    /**
     * Publishes the plan's jobs of {@code repositories} only (issue 16): their changeset jobs are created PENDING and
     * a new execution (named after its number, as every execution of the campaign) commits, pushes and opens their
     * pull requests; the plan's other jobs stay unpublished (nothing committed, pushed or opened for them) until
     * another publishChangesets or publishCampaign (the rest). One atomic write creates the jobs, counts the
     * execution and the jobs still unpublished, conditioned on the execution count read: of calls racing, one
     * publishes and the others look again. A repository published already (by an earlier call, one whose answer was
     * lost, or one racing) is skipped, so nothing opens twice; a call that publishes nothing new only makes sure
     * the campaign's latest execution runs (an earlier call may have died before starting it) and returns the
     * campaign.
     *
     * <p>Refused, changing nothing: an empty list or more than {@value #MAX_PUBLISH_REPOSITORIES} repositories; a
     * name that is not a repository, not in the campaign's plan, or whose plan job errored (all such names listed);
     * another caller's campaign (not found); a campaign without a plan, closed or cancelled; a campaign still
     * processing an earlier publish or retry (publish once it has finished); a {@code draft} other than the one the
     * campaign's first publish set (its pull requests open one way).
     */
    public Campaign publishChangesets(String owner, String campaignId, List<String> repositories, Boolean draft) {
        Map<String, String> named = publishRepositories(repositories);
        Campaign campaign = publishable(owner, campaignId);
        if (campaign.cancelledAt() != null) {
            throw new FailedPreconditionException("campaign " + campaignId + " was cancelled at "
                    + campaign.cancelledAt() + ": retryCampaign resumes it before anything more is published");
        }
        List<CampaignJob> jobs = planJobs(campaign, named);
        for (int attempt = 0; ; attempt++) {
            resume(campaign);
            List<ChangesetJob> fresh = new ArrayList<>();
            for (CampaignJob job : jobs) {
                if (!published(campaign, job)) {
                    // (nothing of an unpublished campaign was ever pushed, in any generation: fresh jobs)
                    fresh.add(new ChangesetJob(campaign.id(), JobIds.changesetJob(campaign.generation(), job.jobId()),
                            job.repository(), job.baseRef(), JobState.PENDING, null, false, 0, null, null, null, 0));
                }
            }
            if (fresh.isEmpty()) {
                return campaign; // each named repository is published already: nothing more
            }
            refuseMore(campaign, draft, attempt);
            int execution = store.publishChangesetJobs(campaignId, campaign.executions(),
                    campaign.unpublishedCount() - fresh.size(), fresh,
                    campaign.published() ? null : draft != null ? draft : campaign.draft());
            if (execution > 0) {
                startExecution(campaign, execution);
                return campaign(owner, campaignId);
            }
            campaign = publishable(owner, campaignId); // another call moved the campaign meanwhile: look again
        }
    }

    /** The named repositories, by identity (a name given twice counts once), each a valid repository name. */
    private static Map<String, String> publishRepositories(List<String> repositories) {
        if (repositories == null || repositories.isEmpty()) {
            throw new InvalidInputException("repositories: name at least one repository to publish (publishCampaign"
                    + " publishes them all)");
        }
        Map<String, String> named = new LinkedHashMap<>();
        List<String> invalid = new ArrayList<>();
        for (String r : repositories) {
            if (!RepositoryName.isValid(r)) {
                invalid.add(String.valueOf(r));
            } else {
                named.putIfAbsent(RepositoryName.identity(r), r);
            }
        }
        if (!invalid.isEmpty()) {
            throw new InvalidInputException("repositories: not a repository name (OWNER/NAME or HOST/OWNER/NAME): "
                    + String.join(", ", invalid));
        }
        if (named.size() > MAX_PUBLISH_REPOSITORIES) {
            throw new InvalidInputException("repositories: at most " + MAX_PUBLISH_REPOSITORIES + " repositories per"
                    + " publishChangesets, not " + named.size() + " (call it again for more, or publishCampaign for all)");
        }
        return named;
    }

    /** The caller's campaign, if it may be published: it has a plan and is neither closed nor cancelled. */
    private Campaign publishable(String owner, String campaignId) {
        Campaign campaign = campaign(owner, campaignId);
        if (campaign.planId() == null) {
            throw new FailedPreconditionException("campaign " + campaignId
                    + " has no plan: it creates no changesets, so there is nothing to publish");
        }
        if (campaign.closedAt() != null) {
            throw new FailedPreconditionException("campaign " + campaignId + " was closed at " + campaign.closedAt()
                    + ": a closed campaign is not published (it would open pull requests)");
        }
        if (campaign.cancelledAt() != null && campaign.unpublishedCount() > 0 && campaign.published()) {
            throw new FailedPreconditionException("campaign " + campaignId + " was cancelled at "
                    + campaign.cancelledAt() + ": retryCampaign resumes it before anything more is published");
        }
        return campaign;
    }

    /** The plan's applicable jobs of the named repositories; every unknown or errored one refused at once. */
    private List<CampaignJob> planJobs(Campaign campaign, Map<String, String> named) {
        List<CampaignJob> jobs = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> errored = new ArrayList<>();
        for (String repository : named.values()) {
            Optional<CampaignJob> job = planStore.jobIdOf(campaign.planId(), repository)
                    .flatMap(id -> planStore.campaignJob(campaign.planId(), id));
            if (job.isEmpty()) {
                unknown.add(repository);
            } else if (job.get().state() != JobState.COMPLETED) {
                errored.add(repository + " (" + job.get().error() + ")");
            } else {
                jobs.add(job.get());
            }
        }
        if (!unknown.isEmpty() || !errored.isEmpty()) {
            List<String> why = new ArrayList<>();
            if (!unknown.isEmpty()) {
                why.add("not in the plan of campaign " + campaign.id() + ": " + String.join(", ", unknown));
            }
            if (!errored.isEmpty()) {
                why.add("its plan job errored, so it has no changeset to publish: " + String.join(", ", errored));
            }
            throw new InvalidInputException("repositories: " + String.join("; ", why) + ". Nothing was published");
        }
        return jobs;
    }

    /** Whether the plan job's changeset job exists (published by an earlier call, or by publishCampaign's rest). */
    private boolean published(Campaign campaign, CampaignJob job) {
        if (!campaign.published()) {
            return false;
        }
        return campaign.unpublishedCount() == 0 || store.changesetJob(campaign.id(),
                JobIds.changesetJob(campaign.generation(), job.jobId())).isPresent();
    }

    /**
     * Before more of a campaign is published: refused while its changeset creation is processing (as retryCampaign),
     * with another draft setting than its first publish's, or after too many lost races.
     */
    private void refuseMore(Campaign campaign, Boolean draft, int attempt) {
        if (campaign.inFlight() > 0) {
            throw new FailedPreconditionException("campaign " + campaign.id() + " is still processing ("
                    + campaign.inFlight() + " jobs pending); publish more once its changeset creation has finished");
        }
        if (campaign.published() && draft != null && draft != campaign.draft()) {
            throw new InvalidInputException("draft: campaign " + campaign.id() + " opens its pull requests "
                    + (campaign.draft() ? "as drafts" : "ready for review") + ", as its first publish set; omit draft"
                    + " or pass " + campaign.draft());
        }
        if (attempt >= PUBLISH_ATTEMPTS) {
            throw new FailedPreconditionException("campaign " + campaign.id() + " changed under " + attempt
                    + " attempts to publish; try again");
        }
    }

    /**
     * Makes sure the campaign's latest execution runs while published jobs are pending: a call that counted it (a
     * publish) may have died before starting it. A start by the same name is a no-op while it runs, and after.
     */
    private void resume(Campaign campaign) {
        if (campaign.published() && campaign.inFlight() > 0 && campaign.cancelledAt() == null) {
            startExecution(campaign, campaign.executions());
        }
    }

    private Campaign createEmpty(String owner, String id, String name, String description, String branch,
                                 boolean draft, String digest) {
        return store.createCampaign(new Campaign(id, owner, name, description, branch, null, draft,
                clock.instant().truncatedTo(ChronoUnit.SECONDS), new JobCounters(0, 0, 0), 0), digest);
    }

    /**
     * Re-runs the campaign's failed changeset jobs only (and, after cancelCampaign, its cancelled ones, each resuming
     * at the step it reached): they are reset to pending and a new execution works on them; completed jobs are
     * frozen and untouched. A campaign with nothing failed is returned as it is; a closed
     * campaign is refused.
     */
    public Campaign retryCampaign(String owner, String campaignId) {
        Campaign campaign = campaign(owner, campaignId);
        if (campaign.closedAt() != null) {
            throw new FailedPreconditionException("campaign " + campaignId + " was closed at " + campaign.closedAt()
                    + ": a closed campaign is not retried (it would open pull requests)");
        }
        if (!campaign.published() && campaign.counters().pending() > 0) {
            throw new FailedPreconditionException("campaign " + campaignId
                    + " is not published: publishCampaign starts its changeset creation");
        }
        if (campaign.inFlight() > 0) {
            throw new FailedPreconditionException("campaign " + campaignId
                    + " is still processing; retry once its changeset creation has finished");
        }
        if (campaign.counters().errored() == 0 && campaign.counters().cancelled() == 0) {
            return campaign;
        }
        // The new execution is counted before its jobs are reset, so that the previous execution's finish step,
        // should it run late, already sees that the pending jobs are no longer its own (ChangesetJobSteps.finish).
        int execution = store.addExecution(campaignId);
        if (campaign.cancelledAt() != null) {
            store.clearCancelled(campaignId); // the new execution's pull-request steps may open pull requests again
        }
        store.resetErroredChangesetJobs(campaignId);
        if (campaign.counters().cancelled() > 0) {
            store.resetCancelledChangesetJobs(campaignId, planJobs(campaign)); // cancelCampaign's jobs resume too
        }
        startExecution(campaign, execution);
        return campaign(owner, campaignId);
    }

    private void startExecution(Campaign campaign, int execution) {
        processes.start("campaign-" + campaign.id() + "-" + execution, Map.of("campaignId", campaign.id(),
                "execution", execution, "pages", CampaignPlanService.pages(planJobs(campaign), limits.pageSize())));
    }

    private int planJobs(Campaign campaign) {
        return planStore.plan(campaign.planId()).orElseThrow().counters().total();
    }

    /** How many jobs the campaign's plan has (its changeset jobs' positions); 0 for a campaign without a plan. */
    public int planJobCount(Campaign campaign) {
        return campaign.planId() == null ? 0 : planJobs(campaign);
    }

    public Campaign campaign(String owner, String campaignId) {
        return store.campaign(Validation.required("id", campaignId)).filter(c -> c.owner().equals(owner))
                .orElseThrow(() -> new NotFoundException("campaign", campaignId));
    }

    public Page<Campaign> campaigns(String owner, Integer first, String after) {
        return store.campaigns(owner, Validation.first(first, 50, 100), after);
    }

    public BackgroundProcessStatus changesetCreationStatus(Campaign campaign) {
        return BackgroundProcessStatus.ofCampaign(campaign,
                campaign.counters().errored() == 0 ? List.of()
                        : store.campaignErrors(campaign.id(), BackgroundProcessStatus.MAX_ERRORS));
    }

}
