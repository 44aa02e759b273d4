package dev.campaigns.infra.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.codehost.Fault;
import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.infra.sfn.ExecutionDescription;
import dev.campaigns.infra.sfn.ExecutionStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code cancelCampaign} in the middle of a campaign, counted from the code host (issue 16 item 3): the code host
 * answers each pull-request creation slowly, and the cancel comes once some pull requests exist, while one creation is
 * held in flight on the code host (2 s). The pull requests open when the cancel returns are all there will be: none is
 * opened afterwards, while the stopped execution's running steps finish; every job is COMPLETED or CANCELLED; the
 * status says CANCELLED; the pull request in flight at the cancel becomes a changeset of the campaign (recorded by the
 * close queue's consumer), so every pull request opened is one. {@code retryCampaign} then resumes the cancelled jobs:
 * one pull request per repository, no duplicate. Close of a campaign still processing cancels it first; a close with
 * its changesets right after a cancel closes every pull request, the in-flight one too.
 */
class CancelCampaignTest {
    private static final int REPOSITORIES = 24;
    private static LocalCampaigns stack;
    private static CampaignsApi api;
    private static List<Patch> patches;
    private static String plan;

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_cancel0123456789"));
        api = ReliabilityStack.api(stack, "canceller");
        patches = ReliabilityStack.repositories(stack, "cancel", REPOSITORIES);
        plan = ReliabilityStack.executedPlan(api, patches);
        // Each pull-request creation takes 600 ms on the code host, so the campaign takes several seconds; once a
        // test arms the latch, the next creation signals it and takes 2 s: the cancel lands while it is in flight.
        stack.codeHost().faults().add(Fault.on("POST", "/api/v3/repos/cancel/[^/]+/pulls").before(() -> {
            CountDownLatch latch = armed;
            boolean held = latch != null && latch.getCount() > 0;
            if (held) {
                latch.countDown();
            }
            try {
                Thread.sleep(held ? 2000 : 600);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    private static volatile CountDownLatch armed;

    /** Arms the hold and waits until a pull-request creation is in flight on the code host (held 2 s). */
    private static void awaitCreationInFlight() throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        armed = latch;
        assertTrue(latch.await(90, TimeUnit.SECONDS), "no pull-request creation within 90 s");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void cancelInTheMiddleOpensNothingAfterwards_andRetryResumes() throws Exception {
        String id = (String) api.createCampaign(Map.of("name", "Cancelled mid-way", "branch", "campaigns/cancel-a",
                "plan", plan)).get("id");
        awaitPullRequests("campaigns/cancel-a", 3);
        awaitCreationInFlight();

        int beforeCancel = pullRequests("campaigns/cancel-a");
        long started = System.nanoTime();
        Map<String, Object> cancelled = api.cancelCampaign(id);
        long cancelMillis = (System.nanoTime() - started) / 1_000_000;
        int atReturn = pullRequests("campaigns/cancel-a");
        Map<String, Object> status = CampaignsApi.status(cancelled, "changesetCreationStatus");
        assertEquals("CANCELLED", status.get("state"), status::toString);
        assertNotNull(cancelled.get("cancelledAt"));
        int completed = ((Number) status.get("completedCount")).intValue();
        int cancelledJobs = ((Number) status.get("cancelledCount")).intValue();
        assertEquals(0, ((Number) status.get("pendingCount")).intValue());
        assertEquals(List.of(), status.get("errors"));
        assertEquals(REPOSITORIES, completed + cancelledJobs, status::toString);
        assertTrue(cancelledJobs > 0 && atReturn < REPOSITORIES, "the cancel came too late to be in the middle: "
                + atReturn + " pull requests, " + status);
        assertTrue(atReturn >= 3, "pull requests open before the cancel are kept: " + atReturn);
        assertTrue(atReturn > beforeCancel, "the creation in flight when the cancel was called (held 2 s on the"
                + " code host) was waited for: " + beforeCancel + " before, " + atReturn + " at the return");

        ExecutionDescription execution = stack.stepFunctions().awaitExecution(executionArn(id, 1),
                Duration.ofSeconds(30));
        assertEquals(ExecutionStatus.ABORTED, execution.status());
        // The stopped execution's running steps finish on their own (a Lambda is not interrupted); watch the code
        // host for longer than a pull-request creation takes: nothing is opened.
        for (int i = 0; i < 15; i++) {
            Thread.sleep(200);
            assertEquals(atReturn, pullRequests("campaigns/cancel-a"), "a pull request was opened after the cancel");
        }
        System.out.println("cancel: " + beforeCancel + " pull requests when cancelCampaign was called, " + atReturn
                + " at its return (" + cancelMillis + " ms), " + pullRequests("campaigns/cancel-a")
                + " after the execution ended; jobs: " + completed + " completed, " + cancelledJobs + " cancelled of "
                + REPOSITORIES);
        // The pull request in flight at the cancel is not yet a changeset at its return (its CreateChangeset step
        // never runs: the execution is stopped); the close queue's consumer records it: every pull request opened
        // becomes a changeset of the campaign, none an orphan.
        assertTrue(completed < atReturn, "at the return the held pull request is not a changeset yet: " + completed
                + " completed, " + atReturn + " pull requests");
        Map<String, Object> settled = awaitCompleted(id, atReturn);
        assertEquals(REPOSITORIES - atReturn, ((Number) settled.get("cancelledCount")).intValue(), settled::toString);
        assertEquals("CANCELLED", settled.get("state"));
        Map<String, Integer> states = jobStates(id);
        assertEquals(REPOSITORIES, states.values().stream().mapToInt(Integer::intValue).sum(), states::toString);
        assertEquals(Map.of("COMPLETED", atReturn, "CANCELLED", REPOSITORIES - atReturn),
                states.entrySet().stream().filter(e -> e.getValue() > 0)
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertEquals(atReturn, pullRequests("campaigns/cancel-a"), "recording them opened nothing");
        Map<String, Object> again = api.cancelCampaign(id);
        assertEquals(settled, CampaignsApi.status(again, "changesetCreationStatus"), "a second cancel changes nothing");

        Map<String, Object> retried = api.retryCampaign(id);
        assertEquals(null, retried.get("cancelledAt"), "retry clears the cancel mark");
        Map<String, Object> done = ReliabilityStack.awaitStatus(api, id);
        assertEquals("COMPLETED", done.get("state"), done::toString);
        assertEquals(REPOSITORIES, ((Number) done.get("completedCount")).intValue(), "none left cancelled");
        for (Patch p : patches) {
            assertEquals(1, stack.codeHost().pullRequests(p.repository()).stream()
                    .filter(pr -> pr.headRef().equals("campaigns/cancel-a")).count(), p.repository());
        }
    }

    @Test
    void closeOfACampaignStillProcessingCancelsItFirst() throws Exception {
        String id = (String) api.createCampaign(Map.of("name", "Closed while processing", "branch",
                "campaigns/cancel-b", "plan", plan)).get("id");
        awaitPullRequests("campaigns/cancel-b", 2);
        awaitCreationInFlight();
        Map<String, Object> closed = api.closeCampaign(id, false);
        int atReturn = pullRequests("campaigns/cancel-b");
        assertNotNull(closed.get("closedAt"));
        Map<String, Object> status = CampaignsApi.status(closed, "changesetCreationStatus");
        assertEquals("CANCELLED", status.get("state"), status::toString);
        assertEquals(0, ((Number) status.get("pendingCount")).intValue());
        assertEquals(ExecutionStatus.ABORTED, stack.stepFunctions().awaitExecution(executionArn(id, 1),
                Duration.ofSeconds(30)).status());
        for (int i = 0; i < 15; i++) {
            Thread.sleep(200);
            assertEquals(atReturn, pullRequests("campaigns/cancel-b"), "a pull request was opened after the close");
        }
    }

    /**
     * Cancel with a pull request in flight on the code host, then closeCampaign(closeChangesets: true) at once (before
     * the in-flight pull request is recorded): counted from the code host, every pull request of the campaign's
     * branch ends closed and a changeset of the campaign: no orphan, none left open, none opened after the cancel.
     */
    @Test
    void aPullRequestInFlightAtTheCancelBecomesAChangeset_andTheCloseClosesEveryOne() throws Exception {
        String branch = "campaigns/cancel-c";
        String id = (String) api.createCampaign(Map.of("name", "Cancelled, then closed", "branch", branch,
                "plan", plan)).get("id");
        awaitPullRequests(branch, 2);
        awaitCreationInFlight();
        int beforeCancel = pullRequests(branch);
        Map<String, Object> cancelled = api.cancelCampaign(id);
        int atReturn = pullRequests(branch);
        Map<String, Object> status = CampaignsApi.status(cancelled, "changesetCreationStatus");
        int completedAtReturn = ((Number) status.get("completedCount")).intValue();
        assertTrue(atReturn > beforeCancel && completedAtReturn < atReturn, "no pull request was caught in flight: "
                + beforeCancel + " before, " + atReturn + " at the return, " + status);
        Map<String, Object> closed = api.closeCampaign(id, true);
        assertNotNull(closed.get("closedAt"));

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String left;
        while ((left = notClosedOrNotTheCampaigns(id, branch)) != null) {
            assertTrue(System.nanoTime() < deadline, "60 s after the close: " + left);
            Thread.sleep(200);
        }
        assertEquals(atReturn, pullRequests(branch), "nothing opened after the cancel");
        Map<String, Object> settled = awaitCompleted(id, atReturn);
        assertEquals(REPOSITORIES - atReturn, ((Number) settled.get("cancelledCount")).intValue(), settled::toString);
        System.out.println("cancel then close: " + atReturn + " pull requests at the cancel's return, "
                + completedAtReturn + " of them changesets then; all " + atReturn + " closed changesets of the campaign"
                + " after the close");
    }

    /** Null when every pull request from {@code branch} is closed and a changeset of the campaign; else what is not. */
    private static String notClosedOrNotTheCampaigns(String campaignId, String branch) {
        java.util.Set<String> members = new java.util.HashSet<>();
        for (Map<String, Object> c : api.changesets(campaignId)) {
            members.add(c.get("repository") + "#" + c.get("externalID"));
        }
        List<String> wrong = new java.util.ArrayList<>();
        for (Patch p : patches) {
            for (LocalPullRequest pr : stack.codeHost().pullRequests(p.repository())) {
                if (!pr.headRef().equals(branch)) {
                    continue;
                }
                String name = pr.repository() + "#" + pr.number();
                if (!members.contains(name)) {
                    wrong.add(name + " is not a changeset of the campaign");
                } else if (!pr.state().equals("closed")) {
                    wrong.add(name + " is " + pr.state());
                }
            }
        }
        return wrong.isEmpty() ? null : String.join("; ", wrong);
    }

    private static final String STATUS_QUERY = "query($id: ID!) { campaign(id: $id) { changesetCreationStatus { "
            + CampaignsApi.STATUS + " cancelledCount } } }";

    /** The campaign's status once {@code completed} jobs are COMPLETED (at most 30 s). */
    private static Map<String, Object> awaitCompleted(String campaignId, int completed) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<String, Object> status = CampaignsApi.status(CampaignsApi.status(api.client().data(STATUS_QUERY,
                    Map.of("id", campaignId)), "campaign"), "changesetCreationStatus");
            if (((Number) status.get("completedCount")).intValue() == completed) {
                return status;
            }
            assertTrue(System.nanoTime() < deadline, "not " + completed + " completed after 30 s: " + status);
            Thread.sleep(100);
        }
    }

    private static String executionArn(String campaignId, int execution) {
        return stack.stateMachineArn().replaceFirst(":stateMachine:", ":execution:") + ":campaign-" + campaignId
                + "-" + execution;
    }

    private static int pullRequests(String branch) {
        int n = 0;
        for (Patch p : patches) {
            for (LocalPullRequest pr : stack.codeHost().pullRequests(p.repository())) {
                if (pr.headRef().equals(branch)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static void awaitPullRequests(String branch, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (pullRequests(branch) < n) {
            assertTrue(System.nanoTime() < deadline, "fewer than " + n + " pull requests after 90 s");
            Thread.sleep(50);
        }
    }

    /** The campaign's changeset jobs by state, read from DynamoDB. */
    private static Map<String, Integer> jobStates(String campaignId) {
        Map<String, Integer> states = new HashMap<>();
        var items = stack.dynamo().query(b -> b.tableName("CampaignsTable").consistentRead(true)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :sk)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CAMPAIGN#" + campaignId),
                        ":sk", AttributeValue.fromS("JOB#")))).items();
        for (var item : items) {
            states.merge(item.get("state").s(), 1, Integer::sum);
        }
        return states;
    }
}
