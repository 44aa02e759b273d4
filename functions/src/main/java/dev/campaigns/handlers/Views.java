package dev.campaigns.handlers;

import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetCounts;
import dev.campaigns.domain.Page;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The GraphQL shapes of the domain's types, field names as in schema.graphql. */
final class Views {
    private Views() {
    }

    static Map<String, Object> plan(CampaignPlan plan, BackgroundProcessStatus status) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", plan.id());
        v.put("createdAt", plan.createdAt().toString());
        v.put("executedAt", plan.executedAt() == null ? null : plan.executedAt().toString());
        v.put("status", status(status));
        return v;
    }

    static Map<String, Object> job(CampaignJob job) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", job.planId() + "/" + job.jobId());
        v.put("repository", job.repository());
        v.put("baseRevision", job.baseRevision());
        v.put("baseRef", job.baseRef());
        v.put("state", job.state().name());
        v.put("diffStat", job.diffStat() == null ? null : Map.of("added", job.diffStat().added(),
                "changed", job.diffStat().changed(), "deleted", job.diffStat().deleted()));
        v.put("error", job.error());
        return v;
    }

    static Map<String, Object> campaign(Campaign campaign, BackgroundProcessStatus status) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", campaign.id());
        v.put("name", campaign.name());
        v.put("description", campaign.description());
        v.put("branch", campaign.branch());
        v.put("draft", campaign.draft());
        v.put("published", campaign.published());
        v.put("planId", campaign.planId());
        v.put("createdAt", campaign.createdAt().toString());
        v.put("closedAt", campaign.closedAt() == null ? null : campaign.closedAt().toString());
        v.put("cancelledAt", campaign.cancelledAt() == null ? null : campaign.cancelledAt().toString());
        v.put("generation", campaign.generation());
        v.put("updatedAt", campaign.updatedAt() == null ? null : campaign.updatedAt().toString());
        v.put("changesetCreationStatus", status(status));
        return v;
    }

    static Map<String, Object> changeset(Changeset c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", c.id());
        v.put("repository", c.repository());
        v.put("externalID", c.externalID());
        v.put("externalURL", c.externalURL());
        v.put("state", c.state().name());
        v.put("reviewState", c.reviewState().name());
        v.put("checkState", c.checkState() == null ? null : c.checkState().name());
        v.put("title", c.title());
        v.put("labels", c.labels());
        v.put("headRef", c.headRef());
        v.put("baseRef", c.baseRef());
        v.put("headCommit", c.headCommit());
        v.put("createdAt", c.createdAt().toString());
        v.put("updatedAt", c.updatedAt().toString());
        v.put("syncedAt", c.syncedAt().toString());
        v.put("ownerCampaignId", c.ownerCampaignId());
        v.put("createdByCampaign", c.ownerCampaignId() != null);
        return v;
    }

    static Map<String, Object> counts(ChangesetCounts c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("date", c.date().toString());
        v.put("total", c.total());
        v.put("merged", c.merged());
        v.put("closed", c.closed());
        v.put("open", c.open());
        v.put("openApproved", c.openApproved());
        v.put("openChangesRequested", c.openChangesRequested());
        v.put("openPending", c.openPending());
        return v;
    }

    static Map<String, Object> status(BackgroundProcessStatus s) {
        return Map.of("state", s.state().name(), "completedCount", s.completedCount(),
                "pendingCount", s.pendingCount(), "errors", s.errors(), "cancelledCount", s.cancelledCount(),
                "unpublishedCount", s.unpublishedCount());
    }

    static <T> Map<String, Object> connection(Page<T> page, Function<T, Map<String, Object>> view) {
        Map<String, Object> v = new LinkedHashMap<>();
        List<Map<String, Object>> nodes = page.nodes().stream().map(view).toList();
        v.put("nodes", nodes);
        Map<String, Object> pageInfo = new LinkedHashMap<>();
        pageInfo.put("hasNextPage", page.hasNextPage());
        pageInfo.put("endCursor", page.endCursor());
        v.put("pageInfo", pageInfo);
        if (page.totalCount() >= 0) {
            v.put("totalCount", page.totalCount());
        }
        return v;
    }
}
