package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.codehost.ManualClock;
import dev.campaigns.infra.codehost.Webhooks;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 end to end: an empty campaign tracking existing pull requests, kept current by signed webhooks through the
 * function URL → SQS (ElasticMQ) → consumer path and by the scheduled sync, with dropped, duplicate and reordered
 * deliveries; closeCampaign closing only what the campaign created; counts over time replayed from the history.
 * The code host runs on a manual clock, so each change happens on a day of its own.
 */
class ChangesetTrackingEndToEndTest {
    private static final String TOKEN = "ghp_trackingToken0123456789";
    private static final String WEBHOOK_SECRET = "tracking-webhook-secret";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String CHANGESET = "id repository externalID state reviewState checkState labels title "
            + "createdByCampaign";
    private static ManualClock clock;
    private static LocalCampaigns stack;
    private static CampaignsApi api;
    private static GraphQLClient graphql;

    @BeforeAll
    static void start() {
        clock = new ManualClock(T0);
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(TOKEN).withWebhookSecret(WEBHOOK_SECRET)
                .withCodeHost(new LocalCodeHost.Options().clock(clock).users("carol", "dave")));
        graphql = new GraphQLClient(stack.graphqlUrl(), "alice");
        api = new CampaignsApi(graphql);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static String existingPullRequest(String repository) {
        stack.codeHost().createRepository(repository, Map.of("README.md", "hello\n"));
        stack.codeHost().commitFiles(repository, "feature", Map.of("README.md", "hello, world\n"), "Greet the world");
        return Integer.toString(stack.codeHost().openPullRequest(repository, "feature", "main", "Greet " + repository)
                .number());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> changeset(String id) {
        return (Map<String, Object>) graphql.data("mutation($id: ID!) { syncChangeset(changeset: $id) { " + CHANGESET
                + " } }", Map.of("id", id)).get("syncChangeset");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> changesetsOf(String campaignId) {
        Map<String, Object> c = (Map<String, Object>) graphql.data("query($id: ID!) { campaign(id: $id) { closedAt "
                + "changesets(first: 100) { totalCount nodes { " + CHANGESET + " } } } }", Map.of("id", campaignId))
                .get("campaign");
        Map<String, Object> connection = (Map<String, Object>) c.get("changesets");
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) connection.get("nodes");
        assertEquals(connection.get("totalCount"), nodes.size());
        Map<String, Map<String, Object>> byRepo = new HashMap<>();
        nodes.forEach(n -> byRepo.put((String) n.get("repository"), n));
        return byRepo;
    }

    private static Map<String, Object> afterEvents(String campaignId, String repository) {
        stack.awaitChangesetEvents(TIMEOUT);
        return changesetsOf(campaignId).get(repository);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anEmptyCampaignTracksExistingPullRequests_keptCurrentByWebhooksAndTheScheduledSync() {
        String r1 = "track/alpha", r2 = "track/beta", r3 = "track/gamma";
        Map<String, String> numbers = new HashMap<>();
        for (String r : List.of(r1, r2, r3)) {
            numbers.put(r, existingPullRequest(r));
        }

        // The webhook endpoint refuses a delivery without the right signature, and queues nothing.
        java.net.http.HttpResponse<String> forged;
        try {
            forged = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(stack.webhookUrl())).header("x-github-event", "pull_request")
                    .header("x-github-delivery", "forged-1").header("x-hub-signature-256", "sha256=" + "0".repeat(64))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"pull_request\":{\"number\":1},"
                            + "\"repository\":{\"full_name\":\"" + r1 + "\"}}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(401, forged.statusCode());
        // Signed with the stack's secret (serve --webhook-secret) but empty: refused as a bad request.
        java.net.http.HttpResponse<String> empty;
        try {
            empty = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(stack.webhookUrl())).header("x-github-event", "pull_request")
                    .header("x-github-delivery", "empty-1").header("x-hub-signature-256",
                            dev.campaigns.service.WebhookSignature.sign(WEBHOOK_SECRET, new byte[0]))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(400, empty.statusCode(), empty.body());

        // A campaign without a plan starts empty.
        Map<String, Object> campaign = (Map<String, Object>) graphql.data("mutation($input: CreateCampaignInput!) {"
                + " createCampaign(input: $input) { id branch plan { id } changesets { totalCount } } }",
                Map.of("input", Map.of("name", "Track greetings"))).get("createCampaign");
        String campaignId = (String) campaign.get("id");
        assertNull(campaign.get("plan"));
        assertEquals(0, ((Map<String, Object>) campaign.get("changesets")).get("totalCount"));

        // A pull request that does not exist is a clear error, and nothing is recorded.
        List<Map<String, Object>> withMissing = new ArrayList<>();
        for (String r : List.of(r1, r2)) {
            withMissing.add(Map.of("repository", r, "externalID", numbers.get(r)));
        }
        withMissing.add(Map.of("repository", r3, "externalID", "99"));
        GraphQLClient.GraphQLErrorException missing = assertThrows(GraphQLClient.GraphQLErrorException.class,
                () -> graphql.data("mutation($input: [ExternalChangesetInput!]!) { createChangesets(input: $input)"
                        + " { id } }", Map.of("input", withMissing)));
        assertTrue(missing.getMessage().contains(r3 + "#99 does not exist"), missing.getMessage());

        List<Map<String, Object>> input = new ArrayList<>();
        for (String r : List.of(r1, r2, r3)) {
            input.add(Map.of("repository", r, "externalID", numbers.get(r)));
        }
        List<Map<String, Object>> created = (List<Map<String, Object>>) graphql.data(
                "mutation($input: [ExternalChangesetInput!]!) { createChangesets(input: $input) { " + CHANGESET + " } }",
                Map.of("input", input)).get("createChangesets");
        assertEquals(3, created.size());
        List<String> ids = created.stream().map(c -> (String) c.get("id")).toList();
        for (Map<String, Object> c : created) {
            assertEquals("OPEN", c.get("state"));
            assertEquals("PENDING", c.get("reviewState"));
            assertNull(c.get("checkState"));
            assertEquals(false, c.get("createdByCampaign"));
        }
        String add = "mutation($c: ID!, $ids: [ID!]!) { addChangesetsToCampaign(campaign: $c, changesets: $ids) {"
                + " id changesets { totalCount } } }";
        graphql.data(add, Map.of("c", campaignId, "ids", ids));
        Map<String, Object> again = (Map<String, Object>) graphql.data(add, Map.of("c", campaignId, "ids", ids))
                .get("addChangesetsToCampaign");
        assertEquals(3, ((Map<String, Object>) again.get("changesets")).get("totalCount"), "adding twice is a no-op");
        assertEquals(3, changesetsOf(campaignId).size());

        // Another user can neither sync nor read a changeset of alice's campaign: "not found", nothing learnt.
        GraphQLClient mallory = new GraphQLClient(stack.graphqlUrl(), "mallory");
        GraphQLClient.GraphQLErrorException refused = assertThrows(GraphQLClient.GraphQLErrorException.class,
                () -> mallory.data("mutation($id: ID!) { syncChangeset(changeset: $id) { id title } }",
                        Map.of("id", ids.get(0))));
        assertTrue(refused.getMessage().contains("changeset " + ids.get(0) + " not found"),
                refused.getMessage());
        assertTrue(!refused.getMessage().contains("Greet"), refused.getMessage());

        // Day 2: merged; day 3: closed; day 4: approved, then a failing check: each arrives through a webhook.
        clock.advance(Duration.ofDays(1));
        stack.codeHost().mergePullRequest(r1, Integer.parseInt(numbers.get(r1)));
        assertEquals("MERGED", afterEvents(campaignId, r1).get("state"));
        clock.advance(Duration.ofDays(1));
        stack.codeHost().closePullRequest(r2, Integer.parseInt(numbers.get(r2)));
        assertEquals("CLOSED", afterEvents(campaignId, r2).get("state"));
        clock.advance(Duration.ofDays(1));
        int n3 = Integer.parseInt(numbers.get(r3));
        stack.codeHost().reviewPullRequest(r3, n3, "carol", "APPROVED");
        assertEquals("APPROVED", afterEvents(campaignId, r3).get("reviewState"));
        clock.advance(Duration.ofHours(1));
        stack.codeHost().setCheck(r3, n3, "ci", "completed", "failure");
        assertEquals("FAILED", afterEvents(campaignId, r3).get("checkState"));

        // Day 5: a change whose webhook is dropped stays unseen until the scheduled sync repairs it.
        clock.advance(Duration.ofDays(1).minusHours(1));
        stack.codeHost().webhooks().mode(Webhooks.Mode.DROP);
        stack.codeHost().reviewPullRequest(r3, n3, "dave", "CHANGES_REQUESTED");
        stack.codeHost().webhooks().mode(Webhooks.Mode.DELIVER);
        assertEquals("APPROVED", afterEvents(campaignId, r3).get("reviewState"), "the webhook was dropped");
        assertTrue(stack.codeHost().webhooks().deliveries().get(stack.codeHost().webhooks().deliveries().size() - 1)
                .dropped());
        Map<String, String> runs = stack.runSchedules();
        assertTrue(runs.get("SyncChangesetsFunction").contains("\"synced\""), runs.toString());
        assertEquals("CHANGES_REQUESTED", changesetsOf(campaignId).get(r3).get("reviewState"));

        // Out of order: the check's completion is delivered before its start; the state is still the latest truth.
        clock.advance(Duration.ofHours(1));
        stack.codeHost().webhooks().mode(Webhooks.Mode.HOLD);
        stack.codeHost().setCheck(r3, n3, "ci", "in_progress", null);
        clock.advance(Duration.ofMinutes(5));
        stack.codeHost().setCheck(r3, n3, "ci", "completed", "success");
        stack.codeHost().webhooks().release(true);
        assertEquals("PASSED", afterEvents(campaignId, r3).get("checkState"));

        // Duplicates: GitHub's redelivery carries the same delivery ID; the second is skipped.
        long reviewsRead = stack.codeHost().requestCount("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews");
        stack.codeHost().webhooks().mode(Webhooks.Mode.DUPLICATE);
        stack.codeHost().labelPullRequest(r3, n3, "urgent");
        stack.codeHost().webhooks().mode(Webhooks.Mode.DELIVER);
        Map<String, Object> labelled = afterEvents(campaignId, r3);
        assertEquals(List.of("urgent"), labelled.get("labels"));
        assertEquals("CHANGES_REQUESTED", labelled.get("reviewState"));
        assertEquals("PASSED", labelled.get("checkState"));
        assertEquals(reviewsRead + 1, stack.codeHost().requestCount("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
                "two deliveries with one ID sync once");

        // A CI that reports through commit statuses (POST /statuses/{sha}) instead of check runs: its `status`
        // delivery names no pull request, so nothing changes until a sync reads GET .../statuses/{sha}.
        long statusReads = stack.codeHost().requestCount("GET /repos/{owner}/{repo}/statuses/{ref}");
        stack.codeHost().setStatus(r3, n3, "ci/legacy", "pending");
        stack.codeHost().webhooks().awaitSent();
        assertEquals("PASSED", afterEvents(campaignId, r3).get("checkState"), "a status delivery triggers no read");
        assertEquals("PENDING", changeset(ids.get(2)).get("checkState"));
        stack.codeHost().setStatus(r3, n3, "ci/legacy", "failure");
        assertEquals("FAILED", changeset(ids.get(2)).get("checkState"));
        stack.codeHost().setStatus(r3, n3, "ci/legacy", "success");
        assertEquals("PASSED", changeset(ids.get(2)).get("checkState"), "the latest status of a context counts");
        assertTrue(stack.codeHost().requestCount("GET /repos/{owner}/{repo}/statuses/{ref}") >= statusReads + 3);

        // The burndown: one point per day, replayed from the recorded history.
        List<Map<String, Object>> counts = (List<Map<String, Object>>) ((Map<String, Object>) graphql.data(
                "query($id: ID!, $from: AWSDateTime, $to: AWSDateTime) { campaign(id: $id) {"
                        + " changesetCountsOverTime(from: $from, to: $to) { date total merged closed open openApproved"
                        + " openChangesRequested openPending } } }",
                Map.of("id", campaignId, "from", "2026-03-01T00:00:00Z", "to", "2026-03-06T00:00:00Z"))
                .get("campaign")).get("changesetCountsOverTime");
        List<String> expected = List.of(
                "2026-03-01T00:00:00Z total=0 merged=0 closed=0 open=0 approved=0 changesRequested=0 pending=0",
                "2026-03-02T00:00:00Z total=3 merged=0 closed=0 open=3 approved=0 changesRequested=0 pending=3",
                "2026-03-03T00:00:00Z total=3 merged=1 closed=0 open=2 approved=0 changesRequested=0 pending=2",
                "2026-03-04T00:00:00Z total=3 merged=1 closed=1 open=1 approved=0 changesRequested=0 pending=1",
                "2026-03-05T00:00:00Z total=3 merged=1 closed=1 open=1 approved=1 changesRequested=0 pending=0",
                "2026-03-06T00:00:00Z total=3 merged=1 closed=1 open=1 approved=0 changesRequested=1 pending=0");
        assertEquals(expected, counts.stream().map(c -> c.get("date") + " total=" + c.get("total") + " merged="
                + c.get("merged") + " closed=" + c.get("closed") + " open=" + c.get("open") + " approved="
                + c.get("openApproved") + " changesRequested=" + c.get("openChangesRequested") + " pending="
                + c.get("openPending")).toList());

        // closeCampaign(closeChangesets: true) closes exactly the open pull requests the campaign created.
        List<Patch> patches = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String repo = "owned/" + SampleCampaign.repository(i).split("/")[1];
            String base = stack.codeHost().createRepository(repo, SampleCampaign.files(i));
            patches.add(new Patch(repo, base, "main", SampleCampaign.patch()));
        }
        String planId = api.createPlan(patches);
        api.awaitPlan(planId, TIMEOUT);
        // The "opened" deliveries of the campaign's own pull requests are held until their changesets exist:
        // they then cost no read (the changeset step read each pull request after opening it).
        stack.codeHost().webhooks().mode(Webhooks.Mode.HOLD);
        long reviewsBeforeOwned = stack.codeHost().requestCount("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews");
        int deliveriesBeforeOwned = stack.codeHost().webhooks().deliveries().size();
        String owned = (String) api.createCampaign(Map.of("name", "Owned", "branch", "campaigns/owned",
                "plan", planId)).get("id");
        assertEquals("COMPLETED", CampaignsApi.status(api.awaitCampaign(owned, TIMEOUT), "changesetCreationStatus")
                .get("state"));
        stack.codeHost().webhooks().release(false);
        stack.awaitChangesetEvents(TIMEOUT);
        List<Webhooks.Delivery> ownDeliveries = stack.codeHost().webhooks().deliveries();
        assertEquals(3, ownDeliveries.subList(deliveriesBeforeOwned, ownDeliveries.size()).stream()
                .filter(d -> d.event().equals("pull_request")
                && d.body().contains("\"action\":\"opened\"")).count(), "one opened delivery per pull request");
        assertEquals(reviewsBeforeOwned + 3, stack.codeHost().requestCount("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
                "the changeset step reads each opened pull request once; its opened delivery reads nothing");
        graphql.data(add, Map.of("c", owned, "ids", List.of(ids.get(2)))); // also tracks r3, open, not its own
        // One of its own pull requests is merged first (the webhook reaches the campaign-created changeset too).
        String landed = patches.get(2).repository();
        stack.codeHost().mergePullRequest(landed, stack.codeHost().pullRequests(landed).get(0).number());
        assertEquals("MERGED", afterEvents(owned, landed).get("state"));
        Map<String, Map<String, Object>> before = changesetsOf(owned);
        assertEquals(4, before.size());
        assertEquals(true, before.get(patches.get(0).repository()).get("createdByCampaign"));
        Map<String, Object> closed = (Map<String, Object>) graphql.data("mutation($c: ID!) { closeCampaign("
                + "campaign: $c, closeChangesets: true) { id closedAt } }", Map.of("c", owned)).get("closeCampaign");
        assertNotNull(closed.get("closedAt"));
        // the pull requests are closed in the background (CloseChangesetsQueue -> CloseChangesetsFunction)
        stack.awaitChangesetEvents(TIMEOUT);
        for (Patch p : patches.subList(0, 2)) {
            List<LocalPullRequest> prs = stack.codeHost().pullRequests(p.repository());
            assertEquals(1, prs.size());
            assertEquals("closed", prs.get(0).state());
            assertEquals(false, prs.get(0).merged());
        }
        assertEquals("open", stack.codeHost().pullRequests(r3).get(0).state(), "a tracked pull request stays open");
        Map<String, Map<String, Object>> after = changesetsOf(owned);
        assertEquals("CLOSED", after.get(patches.get(0).repository()).get("state"));
        assertEquals("CLOSED", after.get(patches.get(1).repository()).get("state"));
        assertEquals("OPEN", after.get(r3).get("state"));
        assertEquals("MERGED", after.get(landed).get("state"), "a merged one is not closed");
        assertEquals(true, stack.codeHost().pullRequests(landed).get(0).merged());

        // deleteCampaign removes the campaign; the changesets stay (the other campaign still tracks r3).
        graphql.data("mutation($c: ID!) { deleteCampaign(campaign: $c) { alwaysNil } }", Map.of("c", campaignId));
        assertNull(graphql.data("query($id: ID!) { campaign(id: $id) { id } }", Map.of("id", campaignId))
                .get("campaign"));
        assertEquals("OPEN", changeset(ids.get(2)).get("state"));
        assertEquals(4, changesetsOf(owned).size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDeliveryThatFailsIsRetriedAlone_andOthersInTheQueueAreNotHeldUp() {
        String failing = "retry/failing", fine = "retry/fine";
        String nFailing = existingPullRequest(failing);
        String nFine = existingPullRequest(fine);
        String campaignId = (String) ((Map<String, Object>) graphql.data("mutation($input: CreateCampaignInput!) {"
                + " createCampaign(input: $input) { id } }", Map.of("input", Map.of("name", "Retries")))
                .get("createCampaign")).get("id");
        List<Map<String, Object>> created = (List<Map<String, Object>>) graphql.data(
                "mutation($input: [ExternalChangesetInput!]!) { createChangesets(input: $input) { id } }",
                Map.of("input", List.of(Map.of("repository", failing, "externalID", nFailing),
                        Map.of("repository", fine, "externalID", nFine)))).get("createChangesets");
        graphql.data("mutation($c: ID!, $ids: [ID!]!) { addChangesetsToCampaign(campaign: $c, changesets: $ids) { id } }",
                Map.of("c", campaignId, "ids", created.stream().map(c -> c.get("id")).toList()));

        // The code host fails three reads of one pull request's reviews: its message fails (reported alone in its
        // batch), becomes visible again, and succeeds on the fourth receive, before the dead-letter limit of five.
        dev.campaigns.infra.codehost.Fault fault = stack.codeHost().faults().add(dev.campaigns.infra.codehost.Fault
                .on("GET", "/api/v3/repos/" + failing + "/pulls/" + nFailing + "/reviews").status(500).times(3));
        clock.advance(Duration.ofHours(1));
        stack.codeHost().mergePullRequest(failing, Integer.parseInt(nFailing));
        stack.codeHost().mergePullRequest(fine, Integer.parseInt(nFine));
        stack.awaitChangesetEvents(TIMEOUT);
        Map<String, Map<String, Object>> after = changesetsOf(campaignId);
        assertEquals("MERGED", after.get(fine).get("state"));
        assertEquals("MERGED", after.get(failing).get("state"));
        assertEquals(3, fault.hits());
        String dlq = stack.sqs().urls().get("ChangesetEventsDeadLetterQueue");
        assertEquals("0", stack.sqs().client().getQueueAttributes(b -> b.queueUrl(dlq)
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings()
                .get("ApproximateNumberOfMessages"));
    }
}
