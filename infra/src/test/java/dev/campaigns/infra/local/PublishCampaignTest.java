package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.sfn.ExecutionDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Publish when ready (issue 16 item 2), through the deployed schema and state machine, counted from the code host:
 * a campaign created with {@code publish: false} starts no execution, pushes no branch and opens nothing; its
 * preview is its plan's jobs; publishCampaign opens every pull request once (as drafts when asked), however often it
 * is called; an unpublished campaign can be cancelled (then retry publishes it) or closed (then publish is refused).
 */
class PublishCampaignTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static LocalCampaigns stack;
    private static CampaignsApi api;

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("publish-test-token"));
        api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "alice"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** An unpublished campaign over {@code n} new repositories {@code prefix/...}: its ID, then the repositories. */
    private static List<String> unpublished(String prefix, int n) {
        CampaignFixtures.ExecutedPlan plan = CampaignFixtures.executedPlan(stack, api, prefix, n, TIMEOUT);
        Map<String, Object> created = api.createCampaign(Map.of("name", prefix, "branch", "campaigns/" + prefix,
                "plan", plan.id(), "publish", false));
        List<String> out = new ArrayList<>(List.of((String) created.get("id")));
        out.addAll(plan.repositories());
        return out;
    }

    private static List<String> executionsOf(String campaignId) {
        String machine = stack.stepFunctions().listStateMachines().get(0).stateMachineArn();
        return stack.stepFunctions().listExecutions(machine, null).stream().map(ExecutionDescription::name)
                .filter(name -> name.startsWith("campaign-" + campaignId + "-")).toList();
    }

    private static List<LocalPullRequest> pullRequests(List<String> repositories, String branch) {
        List<LocalPullRequest> out = new ArrayList<>();
        for (String r : repositories) {
            stack.codeHost().pullRequests(r).stream().filter(p -> p.headRef().equals(branch)).forEach(out::add);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    @Test
    void nothingHappensUntilPublishThenEveryPullRequestOpensOnceAsADraft() {
        List<String> c = unpublished("pub", 3);
        String id = c.get(0);
        List<String> repos = c.subList(1, c.size());

        Map<String, Object> preview = api.preview(id, true);
        assertEquals(false, preview.get("published"));
        assertEquals("UNPUBLISHED", CampaignsApi.status(preview, "changesetCreationStatus").get("state"));
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) preview.get("jobs");
        assertEquals(repos, jobs.stream().map(j -> j.get("repository")).toList());
        jobs.forEach(j -> {
            assertTrue(((Map<String, Object>) j.get("diffStat")).values().stream()
                    .anyMatch(v -> ((Number) v).intValue() > 0), j.toString());
            assertEquals(SampleCampaign.patch(), j.get("patch"), "the preview's diff is the plan's patch");
        });
        assertEquals(List.of(), executionsOf(id), "no execution before publishCampaign");
        for (String r : repos) {
            assertTrue(stack.codeHost().branchTip(r, "campaigns/pub").isEmpty(), r + ": no branch pushed");
        }
        assertEquals(List.of(), pullRequests(repos, "campaigns/pub"));

        Map<String, Object> published = api.publishCampaign(id, true);
        assertEquals(true, published.get("published"));
        assertEquals(true, published.get("draft"));
        assertEquals("COMPLETED", CampaignsApi.status(api.awaitCampaign(id, TIMEOUT), "changesetCreationStatus")
                .get("state"));
        List<LocalPullRequest> opened = pullRequests(repos, "campaigns/pub");
        assertEquals(3, opened.size());
        assertTrue(opened.stream().allMatch(LocalPullRequest::draft), "drafts, as publishCampaign(draft: true) said");

        api.publishCampaign(id, false);
        api.publishCampaign(id, null);
        assertEquals(3, pullRequests(repos, "campaigns/pub").size(), "publishing again opens nothing");
        assertEquals(List.of("campaign-" + id + "-1"), executionsOf(id), "one execution");
        assertEquals(3, api.changesets(id).size());
    }

    @Test
    void anUnpublishedCampaignCanBeCancelledAndRetriedOrClosedThenPublishIsRefused() {
        List<String> c = unpublished("pubcancel", 2);
        String id = c.get(0);
        Map<String, Object> cancelled = api.cancelCampaign(id);
        assertEquals("CANCELLED", CampaignsApi.status(cancelled, "changesetCreationStatus").get("state"));
        assertEquals(List.of(), executionsOf(id));
        api.retryCampaign(id);
        assertEquals("COMPLETED", CampaignsApi.status(api.awaitCampaign(id, TIMEOUT), "changesetCreationStatus")
                .get("state"), "a retry of a cancelled unpublished campaign publishes it");
        assertEquals(2, pullRequests(c.subList(1, 3), "campaigns/pubcancel").size());

        List<String> d = unpublished("pubclose", 2);
        Map<String, Object> closed = api.closeCampaign(d.get(0), true);
        assertTrue(closed.get("closedAt") != null, closed.toString());
        RuntimeException refused = assertThrows(RuntimeException.class, () -> api.publishCampaign(d.get(0), null));
        assertTrue(refused.getMessage().contains("was closed at"), refused.getMessage());
        assertEquals(List.of(), executionsOf(d.get(0)));
        assertEquals(List.of(), pullRequests(d.subList(1, 3), "campaigns/pubclose"));
        assertFalse(stack.codeHost().branchTip(d.get(1), "campaigns/pubclose").isPresent());
    }

    /**
     * publishChangesets (issue 16: "publishChangesets for some"), counted from the code host: the named repository's
     * pull request only, no branch pushed to the others; a repeat opens nothing more; a bad name is refused naming it
     * and changes nothing; publishCampaign then publishes the rest, each pull request once.
     */
    @Test
    void publishChangesetsOpensOnlyTheNamedRepositoriesThenPublishCampaignTheRestEachOnce() {
        List<String> c = unpublished("pubsome", 3);
        String id = c.get(0);
        List<String> repos = c.subList(1, c.size());
        String branch = "campaigns/pubsome";

        Map<String, Object> one = api.publishChangesets(id, List.of(repos.get(1)), null);
        assertEquals(true, one.get("published"));
        Map<String, Object> done = api.awaitCampaign(id, TIMEOUT);
        Map<String, Object> status = CampaignsApi.status(done, "changesetCreationStatus");
        assertEquals(List.of("COMPLETED", 1, 0, 2), List.of(status.get("state"), status.get("completedCount"),
                status.get("pendingCount"), status.get("unpublishedCount")), status.toString());
        assertEquals(List.of(repos.get(1)), pullRequests(repos, branch).stream().map(LocalPullRequest::repository)
                .toList(), "exactly the named repository's pull request");
        for (String r : List.of(repos.get(0), repos.get(2))) {
            assertTrue(stack.codeHost().branchTip(r, branch).isEmpty(), r + ": no branch pushed");
        }

        api.publishChangesets(id, List.of(repos.get(1)), null);
        assertEquals(1, pullRequests(repos, branch).size(), "a repeat opens nothing more");
        assertEquals(List.of("campaign-" + id + "-1"), executionsOf(id), "nor starts another execution");

        RuntimeException bad = assertThrows(RuntimeException.class,
                () -> api.publishChangesets(id, List.of(repos.get(0), "acme/not-in-the-plan"), null));
        assertTrue(bad.getMessage().contains("not in the plan of campaign " + id + ": acme/not-in-the-plan"),
                bad.getMessage());
        RuntimeException empty = assertThrows(RuntimeException.class,
                () -> api.publishChangesets(id, List.of(), null));
        assertTrue(empty.getMessage().contains("name at least one repository"), empty.getMessage());
        assertEquals(1, pullRequests(repos, branch).size(), "refused: nothing opened");
        assertTrue(stack.codeHost().branchTip(repos.get(0), branch).isEmpty(), "nor pushed");
        assertEquals(List.of("campaign-" + id + "-1"), executionsOf(id));
        assertEquals(2, CampaignsApi.status(api.campaign(id, 1, null), "changesetCreationStatus")
                .get("unpublishedCount"));

        api.publishCampaign(id, null);
        Map<String, Object> all = CampaignsApi.status(api.awaitCampaign(id, TIMEOUT), "changesetCreationStatus");
        assertEquals(List.of("COMPLETED", 3, 0, 0), List.of(all.get("state"), all.get("completedCount"),
                all.get("pendingCount"), all.get("unpublishedCount")), all.toString());
        List<LocalPullRequest> opened = pullRequests(repos, branch);
        assertEquals(repos, opened.stream().map(LocalPullRequest::repository).toList(),
                "3 pull requests in total, one per repository");
        api.publishCampaign(id, null);
        api.publishChangesets(id, repos, null);
        assertEquals(3, pullRequests(repos, branch).size(), "publishing again opens nothing");
        assertEquals(3, api.changesets(id).size());
        assertEquals(List.of("campaign-" + id + "-1", "campaign-" + id + "-2"), executionsOf(id).stream().sorted()
                .toList());
    }
}
