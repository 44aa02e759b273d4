package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.codehost.Fault;
import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.service.CloseChangesetsRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * closeCampaign(closeChangesets: true) closes the campaign's own pull requests in the background: the mutation
 * queues them (CloseChangesetsQueue) and returns; CloseChangesetsFunction closes and records them. When GitHub's
 * rate limit stops it, what is left is queued again for later instead of failing the message.
 */
class CloseChangesetsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static LocalCampaigns stack;
    private static CampaignsApi api;
    private static GraphQLClient graphql;

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("close-test-token"));
        graphql = new GraphQLClient(stack.graphqlUrl(), "alice");
        api = new CampaignsApi(graphql);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static List<String> campaignWithPullRequests(String prefix, int n) {
        return CampaignFixtures.campaignWithPullRequests(stack, api, prefix, n, Map.of(), TIMEOUT);
    }

    @SuppressWarnings("unchecked")
    private static void close(String campaign) {
        Map<String, Object> closed = (Map<String, Object>) graphql.data("mutation($c: ID!) { closeCampaign("
                + "campaign: $c, closeChangesets: true) { id closedAt } }", Map.of("c", campaign)).get("closeCampaign");
        assertNotNull(closed.get("closedAt"));
    }

    private static String state(String repository) {
        List<LocalPullRequest> prs = stack.codeHost().pullRequests(repository);
        assertEquals(1, prs.size());
        return prs.get(0).state();
    }

    @Test
    void theCampaignsPullRequestsAreClosedInTheBackground() {
        List<String> c = campaignWithPullRequests("bg", 3);
        close(c.get(0));
        stack.awaitChangesetEvents(TIMEOUT);
        for (String repo : c.subList(1, c.size())) {
            assertEquals("closed", state(repo));
        }
        // repeating it queues nothing (none is open any more) and closes nothing twice
        long patches = stack.codeHost().requestCount("PATCH /repos/{owner}/{repo}/pulls/{pull_number}");
        close(c.get(0));
        stack.awaitChangesetEvents(TIMEOUT);
        assertEquals(patches, stack.codeHost().requestCount("PATCH /repos/{owner}/{repo}/pulls/{pull_number}"));
    }

    @Test
    void aRateLimitedCloseIsQueuedAgainForLater() {
        List<String> c = campaignWithPullRequests("limited", 3);
        stack.codeHost().faults().add(Fault.on("PATCH", "/api/v3/repos/limited/.*/pulls/\\d+").times(1)
                .secondaryRateLimit(Duration.ofSeconds(60)));
        close(c.get(0));
        stack.awaitChangesetEvents(TIMEOUT);
        // the first close met the limit: all three wait, in one message delayed by 15 minutes, not in the DLQ
        for (String repo : c.subList(1, c.size())) {
            assertEquals("open", state(repo));
        }
        String url = stack.sqs().urls().get("CloseChangesetsQueue");
        Map<String, String> attrs = stack.sqs().client().getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings(
                "ApproximateNumberOfMessagesDelayed")).attributesAsStrings();
        assertEquals("1", attrs.get("ApproximateNumberOfMessagesDelayed"));
        String dlq = stack.sqs().urls().get("CloseChangesetsDeadLetterQueue");
        assertEquals("0", stack.sqs().client().getQueueAttributes(b -> b.queueUrl(dlq).attributeNamesWithStrings(
                "ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages"));

        // SQS delivers it after the delay; its body cannot be read before. Delivered now (the same request: the
        // campaign's three changesets), the rest is closed.
        assertTrue(stack.sqs().client().receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(0)).messages().isEmpty(),
                "the retry is not delivered before its delay");
        var result = stack.lambdas().invoke("CloseChangesetsFunction", new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().set("Records", new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(List.of(
                        Map.of("messageId", "again", "body", new CloseChangesetsRequest(c.get(0), changesetIds(c.get(0))).toJson())))).toString());
        assertTrue(result.payloadJson().contains("\"batchItemFailures\":[]"), result.payloadJson());
        for (String repo : c.subList(1, c.size())) {
            assertEquals("closed", state(repo));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> changesetIds(String campaign) {
        Map<String, Object> data = (Map<String, Object>) graphql.data("query($id: ID!) { campaign(id: $id) { "
                + "changesets(first: 100) { nodes { id } } } }", Map.of("id", campaign)).get("campaign");
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) ((Map<String, Object>) data.get("changesets")).get("nodes");
        return nodes.stream().map(n -> (String) n.get("id")).toList();
    }
}
