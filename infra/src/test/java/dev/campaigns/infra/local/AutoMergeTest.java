package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.GraphQLClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Auto-merge end to end (issue 16): a campaign option that merges each changeset once it is approved and its checks
 * pass, driven by the webhook and sync path. Counted from the code host: the pull request whose approval and green
 * check arrive by webhook is merged with the campaign's method; one whose check fails is not; a campaign whose
 * option is set later merges on the scheduled sync; turned off, nothing merges.
 */
class AutoMergeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String MERGES = "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge";
    private static LocalCampaigns stack;
    private static CampaignsApi api;
    private static GraphQLClient graphql;

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("auto-merge-token")
                .withCodeHost(new LocalCodeHost.Options().users("carol")));
        graphql = new GraphQLClient(stack.graphqlUrl(), "alice");
        api = new CampaignsApi(graphql);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static List<String> campaign(String prefix, int n, Map<String, Object> extra) {
        List<String> c = CampaignFixtures.campaignWithPullRequests(stack, api, prefix, n, extra, TIMEOUT);
        stack.awaitChangesetEvents(TIMEOUT);
        return c;
    }

    @SuppressWarnings("unchecked")
    private static Object autoMerge(String campaign) {
        Map<String, Object> c = (Map<String, Object>) graphql.data("query($id: ID!) { campaign(id: $id) { "
                + "autoMerge { method } } }", Map.of("id", campaign)).get("campaign");
        Map<String, Object> a = (Map<String, Object>) c.get("autoMerge");
        return a == null ? null : a.get("method");
    }

    private static void set(String campaign, String method) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("c", campaign);
        vars.put("a", method == null ? null : Map.of("method", method));
        graphql.data("mutation($c: ID!, $a: AutoMergeInput) { setCampaignAutoMerge(campaign: $c, autoMerge: $a) { "
                + "campaign autoMerge { method } } }", vars);
    }

    private static boolean merged(String repo) {
        return stack.codeHost().pullRequests(repo).get(0).merged();
    }

    @Test
    void anApprovalAndAGreenCheckArrivingByWebhookMergeThePullRequest() {
        List<String> c = campaign("auto", 2, Map.of("autoMerge", Map.of("method", "SQUASH")));
        assertEquals("SQUASH", autoMerge(c.get(0)));
        String green = c.get(1);
        String red = c.get(2);
        long before = stack.codeHost().requestCount(MERGES);

        // approved, no checks yet: not ready
        stack.codeHost().reviewPullRequest(green, 1, "carol", "APPROVED");
        stack.awaitChangesetEvents(TIMEOUT);
        assertFalse(merged(green), "approved without checks is not merged");
        stack.codeHost().setCheck(green, 1, "build", "completed", "success");
        stack.codeHost().reviewPullRequest(red, 1, "carol", "APPROVED");
        stack.codeHost().setCheck(red, 1, "build", "completed", "failure");
        stack.awaitChangesetEvents(TIMEOUT);

        assertTrue(merged(green), "approved and green: merged");
        assertEquals("squash", stack.codeHost().mergeMethod(green, 1));
        assertFalse(merged(red), "checks failed: not merged");
        assertEquals(before + 1, stack.codeHost().requestCount(MERGES), "one merge request in all");
        assertEquals("MERGED", state(c.get(0), green));
    }

    @Test
    void setLaterItMergesOnTheScheduledSyncAndOffItMergesNothing() {
        List<String> c = campaign("later", 2, Map.of());
        assertNull(autoMerge(c.get(0)));
        stack.codeHost().reviewPullRequest(c.get(1), 1, "carol", "APPROVED");
        stack.codeHost().setCheck(c.get(1), 1, "build", "completed", "success");
        stack.awaitChangesetEvents(TIMEOUT);
        assertFalse(merged(c.get(1)), "auto-merge is off");

        set(c.get(0), "MERGE");
        assertEquals("MERGE", autoMerge(c.get(0)));
        stack.runSchedules(); // the scheduled sync re-reads it: ready, and now the campaign merges
        stack.awaitChangesetEvents(TIMEOUT);
        assertTrue(merged(c.get(1)));
        assertEquals("merge", stack.codeHost().mergeMethod(c.get(1), 1));

        set(c.get(0), null);
        assertNull(autoMerge(c.get(0)));
        stack.codeHost().reviewPullRequest(c.get(2), 1, "carol", "APPROVED");
        stack.codeHost().setCheck(c.get(2), 1, "build", "completed", "success");
        stack.awaitChangesetEvents(TIMEOUT);
        assertFalse(merged(c.get(2)), "turned off: not merged");
    }

    @SuppressWarnings("unchecked")
    private static String state(String campaign, String repository) {
        return (String) api.changesets(campaign).stream().filter(n -> repository.equals(n.get("repository")))
                .findFirst().orElseThrow().get("state");
    }
}
