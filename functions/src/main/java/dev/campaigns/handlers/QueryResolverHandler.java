package dev.campaigns.handlers;

import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.OwnerRule;
import dev.campaigns.service.CampaignPlanService;
import dev.campaigns.service.CampaignService;
import dev.campaigns.service.ChangesetService;
import dev.campaigns.service.InvalidInputException;
import dev.campaigns.service.NotFoundException;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Resolves the queries: Query.campaign, Query.campaigns, Query.campaignPlan, and the fields Campaign.changesets,
 * Campaign.plan, CampaignPlan.jobs (paginated) and CampaignJob.patch. A campaign's status is its item's counters (one read),
 * whatever its size.
 */
public final class QueryResolverHandler extends ResolverHandler {
    private final Supplier<CampaignService> campaigns;
    private final Supplier<CampaignPlanService> plans;
    private final Supplier<ChangesetService> changesets;

    public QueryResolverHandler() {
        this(Services.fromEnvironment());
    }

    QueryResolverHandler(Services services) {
        this(services::campaigns, services::plans, services::changesets, services.ownerRule(), services::prime);
    }

    public QueryResolverHandler(Supplier<CampaignService> campaigns, Supplier<CampaignPlanService> plans,
                                Supplier<ChangesetService> changesets, OwnerRule ownerRule, Runnable priming) {
        super(ownerRule, priming);
        this.campaigns = campaigns;
        this.plans = plans;
        this.changesets = changesets;
    }

    @Override
    protected Map<String, Function<AppSyncEvent, Object>> resolvers() {
        return Map.of(
                "Query.campaign", this::campaign,
                "Query.campaigns", this::campaigns,
                "Query.campaignPlan", this::campaignPlan,
                "Campaign.changesets", this::changesets,
                "Campaign.plan", this::plan,
                "CampaignPlan.jobs", this::jobs,
                "CampaignJob.patch", this::patch);
    }

    private Object campaign(AppSyncEvent event) {
        try {
            return view(campaigns.get().campaign(owner(event), event.text("id")));
        } catch (NotFoundException e) {
            return null;
        }
    }

    private Object campaigns(AppSyncEvent event) {
        return Views.connection(campaigns.get().campaigns(owner(event), event.integer("first"),
                event.text("after")), this::view);
    }

    private Object campaignPlan(AppSyncEvent event) {
        try {
            CampaignPlan plan = plans.get().campaignPlan(owner(event), event.text("id"));
            return Views.plan(plan, plans.get().status(plan));
        } catch (NotFoundException e) {
            return null;
        }
    }

    private Object changesets(AppSyncEvent event) {
        Campaign campaign = campaigns.get().campaign(owner(event), event.source().path("id").asText());
        return Views.connection(changesets.get().campaignChangesets(campaign, event.integer("first"),
                event.text("after")), Views::changeset);
    }

    private Object plan(AppSyncEvent event) {
        try {
            CampaignPlan plan = plans.get().campaignPlan(owner(event), event.source().path("planId").asText());
            return Views.plan(plan, plans.get().status(plan));
        } catch (NotFoundException e) {
            return null;
        }
    }

    private Object jobs(AppSyncEvent event) {
        CampaignPlan plan = plans.get().campaignPlan(owner(event), event.source().path("id").asText());
        Integer first = event.integer("first");
        if (first != null && (first < 1 || first > 1000)) {
            throw new InvalidInputException("first must be between 1 and 1000, got " + first);
        }
        Integer offset = event.integer("offset");
        if (offset != null && offset < 0) {
            throw new InvalidInputException("offset must not be negative, got " + offset);
        }
        return plans.get().jobs(plan, first == null ? 1000 : first, offset == null ? 0 : offset).stream().map(Views::job).toList();
    }

    /** The job's ID is "planId/jobId" (Views.job); the plan must be the caller's. */
    private Object patch(AppSyncEvent event) {
        String id = event.source().path("id").asText();
        int slash = id.lastIndexOf('/');
        if (slash <= 0) {
            throw new InvalidInputException("campaign job ID " + id + " is not PLAN/JOB");
        }
        CampaignPlan plan = plans.get().campaignPlan(owner(event), id.substring(0, slash));
        return plans.get().patch(plan, id.substring(slash + 1)).orElse(null);
    }

    private Map<String, Object> view(Campaign campaign) {
        return Views.campaign(campaign, campaigns.get().changesetCreationStatus(campaign));
    }
}
