package dev.campaigns.service;

import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.Page;
import dev.campaigns.store.CampaignRepository;
import dev.campaigns.store.Idempotency;
import dev.campaigns.store.IdempotencyInProgressException;
import dev.campaigns.store.IdempotencyKeyReusedException;
import dev.campaigns.store.PlanRepository;
import dev.campaigns.util.Digests;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
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
     */
    public Campaign publishCampaign(String owner, String campaignId, Boolean draft) {
        Campaign campaign = campaign(owner, campaignId);
        if (campaign.planId() == null) {
            throw new FailedPreconditionException("campaign " + campaignId
                    + " has no plan: it creates no changesets, so there is nothing to publish");
        }
        if (campaign.closedAt() != null) {
            throw new FailedPreconditionException("campaign " + campaignId + " was closed at " + campaign.closedAt()
                    + ": a closed campaign is not published (it would open pull requests)");
        }
        if (!campaign.published()) {
            store.publishCampaign(campaignId, draft != null ? draft : campaign.draft());
            campaign = campaign(owner, campaignId);
        }
        if (campaign.executions() == 1 && campaign.counters().pending() > 0 && campaign.cancelledAt() == null) {
            // The first execution, started here or by an earlier call that may have lost its answer before starting
            // it: a start by the same name is a no-op while it runs.
            startExecution(campaign, 1);
        }
        return campaign;
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
        if (campaign.counters().pending() > 0) {
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
