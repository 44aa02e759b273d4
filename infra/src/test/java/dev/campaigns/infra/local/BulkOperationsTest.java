package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.codehost.Fault;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.service.ChangesetOperationRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Bulk operations end to end (issue 16): runChangesetOperation queues the campaign's changesets on
 * ChangesetOperationsQueue and ChangesetOperationsFunction acts on each, recording each changeset's result. Counted
 * from the code host: a bulk merge merges only the changesets whose checks passed (the failing one is SKIPPED with the
 * reason), and a redelivered comment request comments nothing twice, even when the record says the comment was
 * started but not finished (the host is asked).
 */
class BulkOperationsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCampaigns stack;
    private static CampaignsApi api;

    @BeforeAll
    static void start() {
        // Comments are paced with the pull requests, in real time here (only Step Functions time runs faster): a
        // fast limit keeps the waits short; the pacing rules themselves are ChangesetOperationsTest's.
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("bulk-test-token")
                .withParameter("CodeHostContentLimits", "600/min"));
        api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "alice"));
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

    /** The operation's results read through AppSync two at a time (ChangesetOperation.results is paginated). */
    private static Map<String, Map<String, Object>> resultsByRepository(Map<String, Object> operation) {
        List<Map<String, Object>> results = api.changesetOperationResults((String) operation.get("id"), 2);
        assertEquals(((Number) operation.get("totalCount")).intValue(), results.size(), "every result, once");
        return results.stream().collect(Collectors.toMap(r -> (String) r.get("repository"), r -> r));
    }

    @Test
    void aBulkMergeSkipsTheChangesetWhoseChecksFailAndMergesTheOthers() {
        List<String> c = campaignWithPullRequests("merge", 3);
        String failing = c.get(1);
        stack.codeHost().setCheck(failing, 1, "build", "completed", "failure");
        stack.codeHost().setCheck(c.get(2), 1, "build", "completed", "success");
        stack.codeHost().setCheck(c.get(3), 1, "build", "completed", "success");
        stack.awaitChangesetEvents(TIMEOUT); // the checks reach the changesets by webhook

        Map<String, Object> started = api.runChangesetOperation(Map.of("campaign", c.get(0), "operation", "MERGE",
                "mergeMethod", "SQUASH"));
        assertEquals(3, started.get("totalCount"));
        Map<String, Object> done = api.awaitChangesetOperation((String) started.get("id"), TIMEOUT);
        assertEquals("COMPLETED", done.get("state"));
        assertEquals(2, done.get("succeededCount"));
        assertEquals(1, done.get("skippedCount"));
        assertEquals(0, done.get("failedCount"));
        Map<String, Map<String, Object>> results = resultsByRepository(done);
        assertEquals("SKIPPED", results.get(failing).get("state"));
        assertEquals("checks failing", results.get(failing).get("reason"));

        // Counted from the code host: two squash merges, the failing one still open.
        assertEquals("open", stack.codeHost().pullRequests(failing).get(0).state());
        assertEquals(2, stack.codeHost().requestCount("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge"));
        for (String repo : c.subList(2, 4)) {
            assertTrue(stack.codeHost().pullRequests(repo).get(0).merged(), repo + " merged");
            assertEquals("squash", stack.codeHost().mergeMethod(repo, 1));
        }
        assertNull(stack.codeHost().mergeMethod(failing, 1));

        // The changesets were re-read: the merged ones are MERGED in the campaign, and a MERGE filtered to OPEN
        // changesets now applies to the failing one only.
        stack.awaitChangesetEvents(TIMEOUT);
        Map<String, Object> again = api.runChangesetOperation(Map.of("campaign", c.get(0), "operation", "MERGE",
                "filter", Map.of("states", List.of("OPEN"))));
        assertEquals(1, again.get("totalCount"));
        assertEquals("SKIPPED", resultsByRepository(api.awaitChangesetOperation((String) again.get("id"), TIMEOUT))
                .get(failing).get("state"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRedeliveredCommentRequestCommentsNothingTwice() throws Exception {
        List<String> c = campaignWithPullRequests("comment", 2);
        Map<String, Object> started = api.runChangesetOperation(Map.of("campaign", c.get(0), "operation", "COMMENT",
                "body", "This campaign lands on Friday."));
        String id = (String) started.get("id");
        Map<String, Object> done = api.awaitChangesetOperation(id, TIMEOUT);
        assertEquals(2, done.get("succeededCount"));
        for (String repo : c.subList(1, 3)) {
            List<String> comments = stack.codeHost().comments(repo, 1);
            assertEquals(1, comments.size(), repo);
            assertTrue(comments.get(0).startsWith("This campaign lands on Friday."), comments.get(0));
        }
        List<String> changesets = resultsByRepository(done).values().stream().map(r -> (String) r.get("changeset"))
                .sorted().toList();
        long posts = stack.codeHost().requestCount("POST /repos/{owner}/{repo}/issues/{issue_number}/comments");
        assertEquals(2, posts);

        // The same message again (SQS delivers at least once): both results are final, nothing is sent.
        redeliver(id, changesets);
        assertEquals(posts, stack.codeHost().requestCount("POST /repos/{owner}/{repo}/issues/{issue_number}/comments"));

        // A consumer that stopped after commenting but before recording it: the result says STARTED. Delivered
        // again, the host is asked, the comment found, and the result recorded SUCCEEDED without a second comment.
        String table = stack.functionEnvironment("ChangesetOperationsFunction").get("CAMPAIGNS_TABLE");
        stack.dynamo().updateItem(b -> b.tableName(table).key(Map.of("PK", AttributeValue.fromS("OPERATION#" + id),
                        "SK", AttributeValue.fromS("RESULT#" + changesets.get(0))))
                .updateExpression("SET #s = :s").expressionAttributeNames(Map.of("#s", "state"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("STARTED"))));
        long lookups = stack.codeHost().requestCount("GET /repos/{owner}/{repo}/issues/{issue_number}/comments");
        redeliver(id, changesets);
        assertEquals(posts, stack.codeHost().requestCount("POST /repos/{owner}/{repo}/issues/{issue_number}/comments"));
        assertEquals(lookups + 1, stack.codeHost().requestCount(
                "GET /repos/{owner}/{repo}/issues/{issue_number}/comments"), "the ambiguous record was checked");
        for (String repo : c.subList(1, 3)) {
            assertEquals(1, stack.codeHost().comments(repo, 1).size(), repo);
        }
        assertEquals("SUCCEEDED", api.changesetOperationResults(id, 1000).stream()
                .filter(r -> r.get("changeset").equals(changesets.get(0))).findFirst().orElseThrow().get("state"));
        RuntimeException badCursor = assertThrows(RuntimeException.class,
                () -> api.changesetOperationResults(id, 2, "bm90IGEgY3Vyc29y"));
        assertTrue(badCursor.getMessage().contains("invalid pagination cursor"), badCursor.getMessage());
        RuntimeException tooMany = assertThrows(RuntimeException.class,
                () -> api.changesetOperationResults(id, 1001, null));
        assertTrue(tooMany.getMessage().contains("first must be between 1 and 1000"), tooMany.getMessage());
    }

    @Test
    void badInputIsRefusedByNameAndNothingIsQueued() {
        List<String> c = campaignWithPullRequests("refused", 1);
        GraphQLClient.GraphQLErrorException noBody = assertThrows(GraphQLClient.GraphQLErrorException.class,
                () -> api.runChangesetOperation(Map.of("campaign", c.get(0), "operation", "COMMENT")));
        assertTrue(noBody.getMessage().contains("body is required for COMMENT"), noBody.getMessage());
        GraphQLClient.GraphQLErrorException misplaced = assertThrows(GraphQLClient.GraphQLErrorException.class,
                () -> api.runChangesetOperation(Map.of("campaign", c.get(0), "operation", "CLOSE", "labels",
                        List.of("x"))));
        assertTrue(misplaced.getMessage().contains("labels does not apply to CLOSE"), misplaced.getMessage());
        GraphQLClient.GraphQLErrorException others = assertThrows(GraphQLClient.GraphQLErrorException.class,
                () -> new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "mallory")).runChangesetOperation(
                        Map.of("campaign", c.get(0), "operation", "CLOSE")));
        assertTrue(others.getMessage().contains("not found"), others.getMessage());
        stack.awaitChangesetEvents(TIMEOUT);
        assertEquals("open", stack.codeHost().pullRequests(c.get(1)).get(0).state());
    }

    @Test
    void aRateLimitedOperationIsQueuedAgainForLaterAndFinishesWhenDelivered() throws Exception {
        List<String> c = campaignWithPullRequests("limited", 2);
        stack.codeHost().faults().add(Fault.on("POST", "/api/v3/repos/limited/.*/issues/\\d+/labels").times(1)
                .secondaryRateLimit(Duration.ofSeconds(60)));
        Map<String, Object> started = api.runChangesetOperation(Map.of("campaign", c.get(0), "operation",
                "ADD_LABELS", "labels", List.of("later")));
        String id = (String) started.get("id");
        stack.awaitChangesetEvents(TIMEOUT);
        // The first label met the limit: both changesets wait in one message delayed by the host's 60 s, not in
        // the dead-letter queue, and nothing was labelled.
        Map<String, Object> waiting = api.changesetOperation(id);
        assertEquals("PROCESSING", waiting.get("state"));
        assertEquals(2, waiting.get("pendingCount"));
        String url = stack.sqs().urls().get("ChangesetOperationsQueue");
        assertEquals("1", stack.sqs().client().getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings(
                "ApproximateNumberOfMessagesDelayed")).attributesAsStrings().get("ApproximateNumberOfMessagesDelayed"));
        String dlq = stack.sqs().urls().get("ChangesetOperationsDeadLetterQueue");
        assertEquals("0", stack.sqs().client().getQueueAttributes(b -> b.queueUrl(dlq).attributeNamesWithStrings(
                "ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages"));
        for (String repo : c.subList(1, 3)) {
            assertTrue(stack.codeHost().pullRequests(repo).get(0).labels().isEmpty(), repo);
        }
        // Delivered (now, instead of in 60 s): both labelled, the operation complete.
        redeliver(id, resultsByRepository(waiting).values().stream().map(r -> (String) r.get("changeset")).sorted()
                .toList());
        Map<String, Object> done = api.changesetOperation(id);
        assertEquals("COMPLETED", done.get("state"));
        assertEquals(2, done.get("succeededCount"));
        for (String repo : c.subList(1, 3)) {
            assertEquals(List.of("later"), stack.codeHost().pullRequests(repo).get(0).labels(), repo);
        }
    }

    private static void redeliver(String operationId, List<String> changesets) throws Exception {
        var result = stack.lambdas().invoke("ChangesetOperationsFunction", JSON.createObjectNode().set("Records",
                JSON.valueToTree(List.of(Map.of("messageId", "again", "body",
                        new ChangesetOperationRequest(operationId, changesets).toJson())))).toString());
        assertTrue(result.payloadJson().contains("\"batchItemFailures\":[]"), result.payloadJson());
    }
}
