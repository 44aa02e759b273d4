package dev.campaigns.store;

import static dev.campaigns.store.Attr.n;
import static dev.campaigns.store.Attr.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The one DynamoDB helper: condition failures are an outcome (on DynamoDB Local), conflicts and unprocessed batch
 * items are retried with the injected backoff, which is recorded instead of slept, and given up after its limit.
 * Conflicts and throttled batches cannot be provoked on demand on DynamoDB Local, so those cases use a client that
 * answers with them.
 */
class DynamoTableTest {
    private final List<Duration> slept = new ArrayList<>();
    /** Jitter that always picks the whole bound: the delays are the caps themselves. */
    private final Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofMillis(100), 5, bound -> bound,
            slept::add);

    @Test
    void backoffDoublesUpToItsCapAndStopsAfterItsAttempts() {
        assertEquals(List.of(10L, 20L, 40L, 80L, 100L, 100L),
                List.of(0, 1, 2, 3, 4, 5).stream().map(a -> backoff.delay(a).toMillis()).toList());
        assertTrue(backoff.mayRetry(3));
        assertEquals(false, backoff.mayRetry(4));
        Backoff randomLow = new Backoff(Duration.ofMillis(10), Duration.ofMillis(100), 5, bound -> -7, d -> { });
        assertEquals(Duration.ZERO, randomLow.delay(3), "a jitter below zero waits nothing, never a negative time");
        assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofMillis(10), Duration.ofMillis(5), 3, b -> b, d -> { }));
    }

    @Test
    void aFailedConditionIsAnOutcomeAndWritesNothing() {
        DynamoDbClient client = LocalCampaignsTable.client();
        String name = LocalCampaignsTable.create();
        DynamoTable table = new DynamoTable(client, name, backoff);
        TransactWriteItem create = TransactWriteItem.builder().put(Put.builder().tableName(name)
                .item(item("A", "x", 1)).conditionExpression("attribute_not_exists(PK)").build()).build();
        TransactWriteItem bump = TransactWriteItem.builder().update(Update.builder().tableName(name)
                .key(DynamoTable.key("A", "counter")).updateExpression("ADD n :one")
                .expressionAttributeValues(Map.of(":one", n(1))).build()).build();

        assertEquals(DynamoTable.Outcome.APPLIED, table.transact(List.of(create, bump)));
        assertEquals(DynamoTable.Outcome.CONDITION_FAILED, table.transact(List.of(create, bump)));
        assertEquals("1", table.get("A", "counter").orElseThrow().get("n").n(),
                "the refused transaction's other write was not applied");
        assertTrue(slept.isEmpty(), "a failed condition is not retried");
        TransactionCanceledException why = assertThrows(TransactionCanceledException.class,
                () -> table.transactOrCancel(List.of(create, bump)));
        assertEquals("ConditionalCheckFailed", why.cancellationReasons().get(0).code());
    }

    @Test
    void batchWritesAndReadsGoThroughOnDynamoDbLocal() {
        DynamoDbClient client = LocalCampaignsTable.client();
        String name = LocalCampaignsTable.create();
        DynamoTable table = new DynamoTable(client, name, backoff);
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Map<String, AttributeValue> row = item("B", "k" + i, 1);
            client.putItem(b -> b.tableName(name).item(row));
            keys.add(DynamoTable.key("B", "k" + i));
        }
        assertEquals(30, table.batchGet(keys.subList(0, 30)).size());
        table.batchWrite(keys.subList(0, 25).stream().map(k -> WriteRequest.builder()
                .deleteRequest(DeleteRequest.builder().key(k).build()).build()).toList());
        assertEquals(5, table.batchGet(keys).size());
        List<String> left = new ArrayList<>();
        table.query(software.amazon.awssdk.services.dynamodb.model.QueryRequest.builder()
                .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", s("B")))
                .limit(2).build(), item -> left.add(item.get("SK").s()));
        assertEquals(List.of("k25", "k26", "k27", "k28", "k29"), left, "every page of the query is read");
    }

    @Test
    void conflictsAreRetriedWithTheBackoffUntilOneGoesThrough() {
        AtomicInteger calls = new AtomicInteger();
        DynamoTable table = new DynamoTable(new Answering() {
            @Override
            public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
                if (calls.incrementAndGet() <= 3) {
                    throw cancelled("TransactionConflict");
                }
                return TransactWriteItemsResponse.builder().build();
            }
        }, "T", backoff);
        assertEquals(DynamoTable.Outcome.APPLIED, table.transact(List.of()));
        assertEquals(4, calls.get());
        assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)), slept);
    }

    @Test
    void conflictsBeyondTheBackoffAreThrownNotTakenForAFailedCondition() {
        AtomicInteger calls = new AtomicInteger();
        DynamoTable table = new DynamoTable(new Answering() {
            @Override
            public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
                calls.incrementAndGet();
                throw cancelled("TransactionConflict");
            }
        }, "T", backoff);
        TransactionCanceledException e = assertThrows(TransactionCanceledException.class,
                () -> table.transact(List.of()));
        assertEquals("TransactionConflict", e.cancellationReasons().get(0).code());
        assertEquals(5, calls.get(), "maxAttempts tries");
        assertEquals(4, slept.size(), "a pause between tries, none after the last");
    }

    @Test
    void unprocessedBatchItemsAreSentAgainAfterAPauseAndGivenUpAtTheLimit() {
        List<Integer> sizes = new ArrayList<>();
        WriteRequest one = WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                .key(DynamoTable.key("C", "1")).build()).build();
        WriteRequest two = WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                .key(DynamoTable.key("C", "2")).build()).build();
        DynamoTable table = new DynamoTable(new Answering() {
            @Override
            public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
                List<WriteRequest> sent = request.requestItems().get("T");
                sizes.add(sent.size());
                // throttles the first try's second item, then takes everything
                return BatchWriteItemResponse.builder().unprocessedItems(sizes.size() == 1
                        ? Map.of("T", sent.subList(1, 2)) : Map.of()).build();
            }
        }, "T", backoff);
        table.batchWrite(List.of(one, two));
        assertEquals(List.of(2, 1), sizes, "only the unprocessed item is sent again");
        assertEquals(List.of(Duration.ofMillis(10)), slept);

        slept.clear();
        DynamoTable throttled = new DynamoTable(new Answering() {
            @Override
            public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
                return BatchWriteItemResponse.builder().unprocessedItems(request.requestItems()).build();
            }
        }, "T", backoff);
        DynamoTable.StoreBusyException busy = assertThrows(DynamoTable.StoreBusyException.class,
                () -> throttled.batchWrite(List.of(one)));
        assertTrue(busy.getMessage().contains("after 5 tries"), busy.getMessage());
        assertEquals(4, slept.size());
    }

    private static Map<String, AttributeValue> item(String pk, String sk, long value) {
        Map<String, AttributeValue> item = new HashMap<>(DynamoTable.key(pk, sk));
        item.put("v", n(value));
        return item;
    }

    private static TransactionCanceledException cancelled(String code) {
        return TransactionCanceledException.builder().message("cancelled")
                .cancellationReasons(CancellationReason.builder().code(code).build()).build();
    }

    /** A client that answers only what a test overrides (DynamoDbClient's other calls throw). */
    private abstract static class Answering implements DynamoDbClient {
        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }
}
