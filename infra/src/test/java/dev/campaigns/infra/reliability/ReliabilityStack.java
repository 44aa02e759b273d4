package dev.campaigns.infra.reliability;

import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.local.LocalCampaigns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The small shared set-up of the reliability tests: a local stack, a user's API, sample repositories. */
final class ReliabilityStack {
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    private ReliabilityStack() {
    }

    static CampaignsApi api(LocalCampaigns stack, String user) {
        return new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), user));
    }

    /** {@code n} sample repositories under {@code owner}, each with the sample patch. */
    static List<Patch> repositories(LocalCampaigns stack, String owner, int n) {
        List<Patch> patches = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String repo = owner + "/" + SampleCampaign.repository(i).split("/")[1];
            String base = stack.codeHost().createRepository(repo, SampleCampaign.files(i));
            patches.add(new Patch(repo, base, "main", SampleCampaign.patch()));
        }
        return patches;
    }

    /** A plan of {@code patches} that has finished executing. */
    static String executedPlan(CampaignsApi api, List<Patch> patches) {
        String planId = api.createPlan(patches);
        api.awaitPlan(planId, TIMEOUT);
        return planId;
    }

    static Map<String, Object> awaitStatus(CampaignsApi api, String campaignId) {
        return CampaignsApi.status(api.awaitCampaign(campaignId, TIMEOUT), "changesetCreationStatus");
    }
}
