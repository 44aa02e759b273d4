package dev.campaigns.service;

import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.JobState;
import dev.campaigns.domain.RepositoryName;
import dev.campaigns.store.CampaignRepository;
import dev.campaigns.store.ChangesetRepository;
import dev.campaigns.store.PlanRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code updateCampaign} (issue 16): changes a campaign in place from a new plan, and its name and description. An
 * update is a new generation of the campaign's changeset jobs, worked on by the same state machine as the creation
 * (what each repository's job starts from: {@link ChangesetJobPlanner}); the campaign's counters and status are the
 * new generation's, so they show the update's progress. In this order, each step idempotent:
 * <ol>
 *   <li>checks: the caller's campaign, with a plan, not closed, not processing (an update of a campaign still
 *       creating changesets is refused: cancel it, or wait); the new plan finished with a job that applies;</li>
 *   <li>reads the current generation's jobs and the new plan's jobs and matches them by repository: the new
 *       generation's size, and the repositories gone from the plan;</li>
 *   <li>one conditional write starts the next generation (plan, name, description, counters, one more execution);
 *       of two racing updates one applies, and the other is refused unless it asked for the same;</li>
 *   <li>the changesets of repositories gone from the plan are closed in the background (the close queue: the
 *       campaign's own open pull requests only) and stay in the campaign, or with {@code DETACH} leave it open;</li>
 *   <li>the execution of the new generation is started by its name, so a repeat starts nothing twice.</li>
 * </ol>
 * A repeat of an update that was applied (same plan, name and description) returns the campaign and finishes what the
 * first call may not have: the removals and the start. An unpublished campaign is updated the same way and stays
 * unpublished: publishCampaign then opens the new generation's pull requests.
 */
public final class CampaignUpdate {
    /** What happens to the changesets of repositories gone from the plan. */
    public enum Removed { CLOSE, DETACH }

    /** updateCampaign's input: the new plan; a null name or description keeps the campaign's. */
    public record UpdateCampaignInput(String campaign, String plan, String name, String description,
                                      String removedChangesets) {
    }

    private static final int READ_PAGE = 1000;

    private final CampaignRepository store;
    private final PlanRepository plans;
    private final ChangesetRepository changesets;
    private final CampaignService campaigns;
    private final CampaignPlanService planService;
    private final BackgroundProcesses processes;
    private final Supplier<ChangesetCloseQueue> closeQueue;
    private final Clock clock;
    private final Limits limits;

    public CampaignUpdate(CampaignRepository store, PlanRepository plans, ChangesetRepository changesets,
                          CampaignService campaigns, CampaignPlanService planService, BackgroundProcesses processes,
                          Supplier<ChangesetCloseQueue> closeQueue, Clock clock, Limits limits) {
        this.store = store;
        this.plans = plans;
        this.changesets = changesets;
        this.campaigns = campaigns;
        this.planService = planService;
        this.processes = processes;
        this.closeQueue = closeQueue;
        this.clock = clock;
        this.limits = limits;
    }

    public Campaign update(String owner, UpdateCampaignInput input) {
        if (input == null) {
            throw new InvalidInputException("input is required");
        }
        Campaign campaign = campaigns.campaign(owner, input.campaign());
        String planId = Validation.required("plan", input.plan());
        String name = input.name() == null ? campaign.name() : Validation.text("name", input.name(), 255);
        String description = input.description() == null ? campaign.description()
                : Validation.optionalText("description", input.description(), 10_000);
        Removed removed = removed(input.removedChangesets());
        if (campaign.planId() == null) {
            throw new FailedPreconditionException("campaign " + campaign.id() + " has no plan: it tracks existing pull"
                    + " requests only, so there is nothing to update from a plan");
        }
        if (campaign.closedAt() != null) {
            throw new FailedPreconditionException("campaign " + campaign.id() + " was closed at " + campaign.closedAt()
                    + ": a closed campaign is not updated (it would push and open pull requests)");
        }
        if (planId.equals(campaign.planId()) && name.equals(campaign.name())
                && description.equals(campaign.description())) {
            // nothing to change; or a repeat of the update that made this generation, which finishes what the
            // first call may not have
            return campaign.generation() == 1 ? campaign : finish(campaign, removed, goneChangesets(campaign));
        }
        if (campaign.inFlight() > 0 && campaign.published()) {
            throw new FailedPreconditionException("campaign " + campaign.id() + " is still processing ("
                    + campaign.inFlight() + " of " + campaign.counters().total() + " changeset jobs pending):"
                    + " update it once its changeset creation has finished, or cancelCampaign it first");
        }
        if (campaign.published() && campaign.unpublishedCount() > 0) {
            throw new FailedPreconditionException("campaign " + campaign.id() + " is published in part ("
                    + campaign.unpublishedCount() + " of its plan's jobs unpublished): publishCampaign publishes the"
                    + " rest; update it after that");
        }
        CampaignPlan plan = planService.campaignPlan(owner, planId);
        CampaignService.requireApplicable(plan);

        Matching matching = match(campaign, plan, removed);
        boolean applied = store.startGeneration(new CampaignRepository.GenerationStart(campaign.id(),
                campaign.generation(), campaign.executions(), planId, campaign.planId(), name, description,
                clock.instant().truncatedTo(ChronoUnit.SECONDS), matching.total(), matching.stayingWithoutJob()));
        Campaign now = campaigns.campaign(owner, campaign.id());
        if (!applied && !(now.generation() == campaign.generation() + 1 && planId.equals(now.planId())
                && name.equals(now.name()) && description.equals(now.description()))) {
            throw new FailedPreconditionException("campaign " + campaign.id() + " changed while it was being updated"
                    + " (another update, a retry or a close): read it and update again");
        }
        // (the gone changesets as matched before the write; when a racing call with the same update applied it, read
        // again from the two generations' records)
        return finish(now, removed, applied ? matching.gone() : goneChangesets(now));
    }

    /** Closes or detaches the changesets of repositories gone from the plan, then starts the generation's execution. */
    private Campaign finish(Campaign campaign, Removed removed, List<String> gone) {
        if (removed == Removed.DETACH) {
            for (Changeset c : changesets.changesets(gone)) {
                store.detachFromCampaign(campaign.id(), c);
            }
        } else {
            for (int i = 0; i < gone.size(); i += CloseChangesetsRequest.MAX_CHANGESETS) {
                closeQueue.get().send(new CloseChangesetsRequest(campaign.id(),
                        gone.subList(i, Math.min(gone.size(), i + CloseChangesetsRequest.MAX_CHANGESETS))),
                        Duration.ZERO);
            }
        }
        if (campaign.published() && campaign.counters().pending() > 0 && campaign.cancelledAt() == null) {
            processes.start("campaign-" + campaign.id() + "-" + campaign.executions(), Map.of("campaignId",
                    campaign.id(), "execution", campaign.executions(), "pages",
                    CampaignPlanService.pages(planJobs(campaign.planId()), limits.pageSize())));
        }
        return campaigns.campaign(campaign.owner(), campaign.id());
    }

    /**
     * The new generation's size, and how many of the current generation's changesets stay in the campaign (carried
     * into a new job or closed), counted as tracked until a job of the new generation completes them.
     */
    private record Matching(int total, int stayingWithoutJob, List<String> gone) {
    }

    private Matching match(Campaign campaign, CampaignPlan plan, Removed removed) {
        Map<String, ChangesetJob> before = jobsByRepository(campaign, planJobs(campaign.planId()));
        int total = 0;
        int withChangeset = 0; // repositories with the campaign's changeset (recorded, or carried by an update)
        for (ChangesetJob job : before.values()) {
            if (job.changesetId() != null) {
                withChangeset++;
            }
        }
        java.util.Set<String> inPlan = new java.util.HashSet<>();
        for (CampaignJob job : planJobs(plan)) {
            inPlan.add(RepositoryName.identity(job.repository()));
            ChangesetJob earlier = before.get(RepositoryName.identity(job.repository()));
            if (job.state() == JobState.COMPLETED || (earlier != null && earlier.changesetId() != null)) {
                total++;
            }
        }
        List<String> gone = new ArrayList<>();
        for (ChangesetJob job : before.values()) {
            if (job.changesetId() != null && !inPlan.contains(RepositoryName.identity(job.repository()))) {
                gone.add(job.changesetId()); // (a repository whose new patch errored keeps its changeset)
            }
        }
        // The changesets stay members, counted as tracked, until their new job completes (then as completed);
        // detached ones leave the campaign.
        return new Matching(total, withChangeset - (removed == Removed.DETACH ? gone.size() : 0), gone);
    }

    /**
     * The changesets of the previous generation's repositories that have no job in the campaign's current one: the
     * repositories gone from the plan (computed again on a repeat, from the two generations' records).
     */
    private List<String> goneChangesets(Campaign campaign) {
        if (campaign.generation() == 1 || campaign.previousPlanId() == null) {
            return List.of();
        }
        Map<String, CampaignJob> now = new HashMap<>();
        for (CampaignJob job : planJobs(plans.plan(campaign.planId()).orElseThrow())) {
            now.put(RepositoryName.identity(job.repository()), job);
        }
        List<String> gone = new ArrayList<>();
        int jobs = planJobs(campaign.previousPlanId());
        for (int from = 0; from < jobs; from += READ_PAGE) {
            // the generation it replaced, read by ranges (a page of 1,000 jobs a Query)
            for (ChangesetJob earlier : store.changesetJobs(campaign.id(), campaign.generation() - 1, from,
                    Math.min(jobs, from + READ_PAGE))) {
                if (earlier.changesetId() != null && !now.containsKey(RepositoryName.identity(earlier.repository()))) {
                    gone.add(earlier.changesetId()); // (a repository whose new patch errored keeps its changeset)
                }
            }
        }
        return gone;
    }

    /** The current generation's changeset jobs by repository identity. */
    private Map<String, ChangesetJob> jobsByRepository(Campaign campaign, int jobs) {
        Map<String, ChangesetJob> byRepository = new HashMap<>();
        for (int from = 0; from < jobs; from += READ_PAGE) {
            for (ChangesetJob job : store.changesetJobs(campaign.id(), campaign.generation(), from,
                    Math.min(jobs, from + READ_PAGE))) {
                byRepository.put(RepositoryName.identity(job.repository()), job);
            }
        }
        return byRepository;
    }

    private List<CampaignJob> planJobs(CampaignPlan plan) {
        List<CampaignJob> jobs = new ArrayList<>();
        int total = plan.counters().total();
        for (int from = 0; from < total; from += READ_PAGE) {
            jobs.addAll(plans.campaignJobs(plan.id(), from, Math.min(total, from + READ_PAGE)));
        }
        return jobs;
    }

    private int planJobs(String planId) {
        return plans.plan(planId).orElseThrow().counters().total();
    }

    private static Removed removed(String value) {
        if (value == null) {
            return Removed.CLOSE;
        }
        for (Removed r : Removed.values()) {
            if (r.name().equals(value)) {
                return r;
            }
        }
        throw new InvalidInputException("removedChangesets must be CLOSE or DETACH, not " + value);
    }
}
