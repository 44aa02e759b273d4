package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.git.GitEngine;
import dev.campaigns.infra.codehost.Fault;
import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole campaign through the embedded runtime, as a user drives it: GraphQL → resolver Lambdas → the state
 * machine of statemachine.asl.json → commit, push, pull request and changeset Lambdas → the local code host.
 */
class CampaignEndToEndTest {
    private static final String TOKEN = "ghp_endToEndToken0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static LocalCampaigns stack;
    private static CampaignsApi api;

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(TOKEN));
        api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "alice"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static List<Patch> repositories(String prefix, int n) {
        List<Patch> patches = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String repo = prefix + "/" + SampleCampaign.repository(i).split("/")[1];
            String base = stack.codeHost().createRepository(repo, SampleCampaign.files(i));
            patches.add(new Patch(repo, base, "main", SampleCampaign.patch()));
        }
        return patches;
    }

    @Test
    void twentyRepositoriesBecomeTwentyChangesets_andARetryDuplicatesNothing() {
        List<Patch> patches = repositories("e2e", 20);
        String planId = api.createPlan(patches);
        Map<String, Object> plan = api.awaitPlan(planId, TIMEOUT);
        assertEquals(Map.of("state", "COMPLETED", "completedCount", 20, "pendingCount", 0, "errors", List.of(),
                "unpublishedCount", 0),
                CampaignsApi.status(plan, "status"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) plan.get("jobs");
        assertEquals(20, jobs.size());
        var expected = GitEngine.diffStat(SampleCampaign.patch().getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("added", expected.added(), "changed", expected.changed(), "deleted", expected.deleted()),
                jobs.get(0).get("diffStat"));
        assertTrue(expected.added() + expected.changed() > 0 && expected.deleted() + expected.changed() > 0);

        // The code host refuses one repository's pull request (permission) until the cause is gone.
        String refused = patches.get(12).repository();
        Fault refuse = Fault.on("POST", "/api/v3/repos/" + refused + "/pulls").status(403,
                "{\"message\":\"Resource not accessible by integration\"}", Map.of());
        stack.codeHost().faults().add(refuse);

        Map<String, Object> campaign = api.createCampaign(Map.of("name", "Upgrade GitHub Actions",
                "description", "checkout v4, setup-java v4 on Java 17", "branch", "campaigns/upgrade-actions",
                "plan", planId));
        String id = (String) campaign.get("id");
        Map<String, Object> done = api.awaitCampaign(id, TIMEOUT);
        Map<String, Object> status = CampaignsApi.status(done, "changesetCreationStatus");
        assertEquals("ERRORED", status.get("state"));
        assertEquals(19, status.get("completedCount"));
        assertEquals(0, status.get("pendingCount"));
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) status.get("errors");
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith(refused + ": "), errors.get(0));
        assertTrue(errors.get(0).contains("Resource not accessible"), errors.get(0));
        assertEquals(19, openPullRequests(patches));
        Map<String, String> tipsBefore = branchTips(patches, "campaigns/upgrade-actions");
        assertEquals(20, tipsBefore.size(), "every branch was pushed, also the refused one's");

        stack.codeHost().faults().clear();
        api.retryCampaign(id);
        Map<String, Object> retried = api.awaitCampaign(id, TIMEOUT);
        assertEquals(Map.of("state", "COMPLETED", "completedCount", 20, "pendingCount", 0, "errors", List.of(),
                "unpublishedCount", 0),
                CampaignsApi.status(retried, "changesetCreationStatus"));
        assertEquals(20, openPullRequests(patches));
        for (Patch p : patches) {
            List<LocalPullRequest> prs = stack.codeHost().pullRequests(p.repository());
            assertEquals(1, prs.size(), "exactly one pull request in " + p.repository());
            assertEquals("campaigns/upgrade-actions", prs.get(0).headRef());
        }
        assertEquals(tipsBefore, branchTips(patches, "campaigns/upgrade-actions"), "no second commit");

        List<Map<String, Object>> changesets = allChangesets(id);
        assertEquals(20, changesets.size());
        assertEquals(20, changesets.stream().map(c -> c.get("repository")).distinct().count());
        for (Map<String, Object> c : changesets) {
            assertEquals("OPEN", c.get("state"));
            assertEquals(tipsBefore.get((String) c.get("repository")), c.get("headCommit"));
            assertNotNull(c.get("externalURL"));
        }

        // Retrying a completed campaign changes nothing: it starts no execution (so nothing asynchronous can happen
        // after these assertions), answers the campaign as it is, and leaves the pull requests and changesets.
        int executions = stack.stepFunctions().listExecutions(stack.stateMachineArn(), null).size();
        Map<String, Object> again = api.retryCampaign(id);
        assertEquals(Map.of("state", "COMPLETED", "completedCount", 20, "pendingCount", 0, "errors", List.of(),
                "unpublishedCount", 0),
                CampaignsApi.status(again, "changesetCreationStatus"));
        assertEquals(executions, stack.stepFunctions().listExecutions(stack.stateMachineArn(), null).size(),
                "a retry of a completed campaign started an execution");
        assertEquals(20, openPullRequests(patches));
        assertEquals(20, allChangesets(id).size());
    }

    @Test
    void aPatchThatDoesNotApplyIsThatJobsErrorAtPlanTime() {
        List<Patch> patches = new ArrayList<>(repositories("plantime", 3));
        Patch bad = patches.get(1);
        patches.set(1, new Patch(bad.repository(), bad.baseRevision(), "main", SampleCampaign.patchThatDoesNotApply()));
        Map<String, Object> plan = api.awaitPlan(api.createPlan(patches), TIMEOUT);
        Map<String, Object> status = CampaignsApi.status(plan, "status");
        assertEquals("ERRORED", status.get("state"));
        assertEquals(2, status.get("completedCount"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) plan.get("jobs");
        assertEquals("ERRORED", jobs.get(1).get("state"));
        String error = (String) jobs.get(1).get("error");
        assertTrue(error.contains(SampleCampaign.WORKFLOW_PATH), error);
        assertEquals("COMPLETED", jobs.get(0).get("state"));
        assertEquals("COMPLETED", jobs.get(2).get("state"));
    }

    @Test
    void twentyConcurrentCreateCampaignCallsWithOneIdempotencyKeyMakeOneCampaignAndOneExecution() throws Exception {
        List<Patch> patches = repositories("idem", 2);
        String planId = api.createPlan(patches);
        api.awaitPlan(planId, TIMEOUT);
        Map<String, Object> input = Map.of("name", "Concurrent", "branch", "campaigns/concurrent", "plan", planId,
                "idempotencyKey", "the-one-key");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<String>> calls = new ArrayList<>();
            var start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 20; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return (String) api.createCampaign(input).get("id");
                }));
            }
            start.countDown();
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var call : calls) {
                ids.add(call.get());
            }
            assertEquals(1, ids.size(), "one campaign for one idempotency key");
            String id = ids.iterator().next();
            assertEquals("COMPLETED", CampaignsApi.status(api.awaitCampaign(id, TIMEOUT), "changesetCreationStatus")
                    .get("state"));
            long executions = stack.stepFunctions().listExecutions(stack.stateMachineArn(), null).stream()
                    .filter(e -> e.name().contains(id)).count();
            assertEquals(1, executions, "one execution");
            for (Patch p : patches) {
                assertEquals(1, stack.codeHost().pullRequests(p.repository()).size());
            }
        } finally {
            pool.shutdownNow();
        }
        // The same key with another input is refused, naming the key.
        var error = org.junit.jupiter.api.Assertions.assertThrows(GraphQLClient.GraphQLErrorException.class, () ->
                api.createCampaign(Map.of("name", "Other", "branch", "campaigns/other", "plan", planId,
                        "idempotencyKey", "the-one-key")));
        assertTrue(error.getMessage().contains("InvalidInputException"), error.getMessage());
        assertTrue(error.getMessage().contains("the-one-key"), error.getMessage());
    }

    @Test
    void anotherUserCannotSeeOrUseACampaignPlan() {
        String planId = api.createPlan(repositories("owner", 1));
        api.awaitPlan(planId, TIMEOUT);
        CampaignsApi mallory = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "mallory"));
        assertEquals(null, mallory.client().data(CampaignsApi.PLAN, Map.of("id", planId)).get("campaignPlan"));
        var error = org.junit.jupiter.api.Assertions.assertThrows(GraphQLClient.GraphQLErrorException.class, () ->
                mallory.createCampaign(Map.of("name", "Steal", "branch", "x", "plan", planId)));
        assertTrue(error.getMessage().contains("NotFoundException"), error.getMessage());
        assertTrue(error.getMessage().contains("campaign plan " + planId + " not found"), error.getMessage());
    }

    private static int openPullRequests(List<Patch> patches) {
        int open = 0;
        for (Patch p : patches) {
            open += (int) stack.codeHost().pullRequests(p.repository()).stream()
                    .filter(pr -> pr.state().equals("open")).count();
        }
        return open;
    }

    private static Map<String, String> branchTips(List<Patch> patches, String branch) {
        Map<String, String> tips = new HashMap<>();
        for (Patch p : patches) {
            Optional<String> tip = stack.codeHost().branchTip(p.repository(), branch);
            tip.ifPresent(sha -> tips.put(p.repository(), sha));
        }
        return tips;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> allChangesets(String campaignId) {
        List<Map<String, Object>> all = new ArrayList<>();
        String after = null;
        do {
            Map<String, Object> connection = (Map<String, Object>) api.campaign(campaignId, 7, after).get("changesets");
            all.addAll((List<Map<String, Object>>) connection.get("nodes"));
            Map<String, Object> pageInfo = (Map<String, Object>) connection.get("pageInfo");
            after = Boolean.TRUE.equals(pageInfo.get("hasNextPage")) ? (String) pageInfo.get("endCursor") : null;
        } while (after != null);
        return all;
    }
}
