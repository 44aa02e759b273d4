package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.SampleCampaign;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Campaigns the end-to-end tests start from, made through the API on a local stack. */
final class CampaignFixtures {
    private CampaignFixtures() {
    }

    /** An executed plan of one patch in each of {@code n} new repositories {@code prefix/...}. */
    record ExecutedPlan(String id, List<String> repositories) {
    }

    static ExecutedPlan executedPlan(LocalCampaigns stack, CampaignsApi api, String prefix, int n, Duration timeout) {
        List<Patch> patches = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String repo = prefix + "/" + SampleCampaign.repository(i).split("/")[1];
            patches.add(new Patch(repo, stack.codeHost().createRepository(repo, SampleCampaign.files(i)), "main",
                    SampleCampaign.patch()));
        }
        String planId = api.createPlan(patches);
        api.awaitPlan(planId, timeout);
        return new ExecutedPlan(planId, patches.stream().map(Patch::repository).toList());
    }

    /**
     * A COMPLETED campaign with one pull request in each of {@code n} new repositories {@code prefix/...} (branch
     * {@code campaigns/prefix}), created with {@code extra} added to its input: its ID, then the repositories.
     */
    static List<String> campaignWithPullRequests(LocalCampaigns stack, CampaignsApi api, String prefix, int n,
                                                 Map<String, Object> extra, Duration timeout) {
        ExecutedPlan plan = executedPlan(stack, api, prefix, n, timeout);
        Map<String, Object> input = new HashMap<>(Map.of("name", prefix, "branch", "campaigns/" + prefix, "plan",
                plan.id()));
        input.putAll(extra);
        String campaign = (String) api.createCampaign(input).get("id");
        assertEquals("COMPLETED", CampaignsApi.status(api.awaitCampaign(campaign, timeout), "changesetCreationStatus")
                .get("state"));
        List<String> out = new ArrayList<>(List.of(campaign));
        out.addAll(plan.repositories());
        return out;
    }
}
