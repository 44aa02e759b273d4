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

    /**
     * The changeset item of {@code repository} in campaign {@code campaignId}, read from DynamoDB (not through the
     * API): the campaign's membership item {@code CHANGESET#<repository>#<number>} leads to the changeset's own item.
     * Null when the campaign has none for the repository.
     */
    static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> changesetItem(
            LocalCampaigns stack, String campaignId, String repository) {
        var s = (java.util.function.Function<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>)
                software.amazon.awssdk.services.dynamodb.model.AttributeValue::fromS;
        var members = stack.dynamo().query(b -> b.tableName("CampaignsTable").consistentRead(true)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :sk)")
                .expressionAttributeValues(Map.of(":pk", s.apply("CAMPAIGN#" + campaignId),
                        ":sk", s.apply("CHANGESET#" + repository + "#")))).items();
        if (members.isEmpty()) {
            return null;
        }
        if (members.size() > 1) {
            throw new AssertionError(repository + " has " + members.size() + " changesets in campaign " + campaignId);
        }
        var item = stack.dynamo().getItem(b -> b.tableName("CampaignsTable").consistentRead(true).key(Map.of(
                "PK", s.apply("CHANGESET#" + members.get(0).get("changesetId").s()), "SK", s.apply("#CHANGESET"))));
        if (!item.hasItem() || item.item().isEmpty()) {
            throw new AssertionError("membership of " + repository + " names a changeset that does not exist");
        }
        return item.item();
    }
}
