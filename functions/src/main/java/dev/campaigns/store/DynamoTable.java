package dev.campaigns.store;

import static dev.campaigns.store.Attr.s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The one place the stores talk to the Campaigns table's mechanics: keyed reads, query paging, transactions whose
 * condition failures come back as a typed outcome, and the retry loops (transaction conflicts, unprocessed batch
 * items), all with one injected {@link Backoff}. The stores keep the data model (keys, items, conditions); this class
 * keeps the loops, so each loop exists once.
 */
public final class DynamoTable {
    static final String PK = "PK";
    static final String SK = "SK";
    private static final String CONDITION_FAILED = "ConditionalCheckFailed";

    private final DynamoDbClient dynamo;
    private final String name;
    private final Backoff backoff;

    public DynamoTable(DynamoDbClient dynamo, String name, Backoff backoff) {
        this.dynamo = dynamo;
        this.name = name;
        this.backoff = backoff;
    }

    public DynamoTable(DynamoDbClient dynamo, String name) {
        this(dynamo, name, Backoff.standard());
    }

    DynamoDbClient client() {
        return dynamo;
    }

    String name() {
        return name;
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }

    /** The item at {@code pk}/{@code sk}, read consistently. */
    Optional<Map<String, AttributeValue>> get(String pk, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(name)
                .key(key(pk, sk)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** What a transaction did. */
    public enum Outcome {
        /** Every write was applied. */
        APPLIED,
        /** A condition failed, so nothing was written (the work was already recorded, or is refused). */
        CONDITION_FAILED
    }

    /**
     * Runs a transaction. A failed condition is an outcome, not an error; a conflict with another transaction on the
     * same items is retried with the backoff, and rethrown once the backoff gives up.
     */
    Outcome transact(List<TransactWriteItem> items) {
        try {
            transactOrCancel(items);
            return Outcome.APPLIED;
        } catch (TransactionCanceledException e) {
            if (!conditionFailed(e)) {
                throw e;
            }
            return Outcome.CONDITION_FAILED;
        }
    }

    /**
     * As {@link #transact}, but a failed condition is thrown as the {@link TransactionCanceledException} (with its
     * cancellation reasons, one per item) for callers that read why.
     */
    void transactOrCancel(List<TransactWriteItem> items) {
        TransactWriteItemsRequest request = TransactWriteItemsRequest.builder().transactItems(items).build();
        for (int attempt = 0; ; attempt++) {
            try {
                dynamo.transactWriteItems(request);
                return;
            } catch (TransactionCanceledException e) {
                if (conditionFailed(e) || !backoff.mayRetry(attempt)) {
                    throw e;
                }
                backoff.pause(attempt);
            }
        }
    }

    static boolean conditionFailed(TransactionCanceledException e) {
        return e.hasCancellationReasons() && e.cancellationReasons().stream().map(CancellationReason::code)
                .anyMatch(CONDITION_FAILED::equals);
    }

    static boolean conditionFailed(CancellationReason reason) {
        return CONDITION_FAILED.equals(reason.code());
    }

    /** Every page of a query, each item given to {@code each}, following LastEvaluatedKey. */
    void query(QueryRequest request, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(request.toBuilder().tableName(name).exclusiveStartKey(start).build());
            page.items().forEach(each);
            start = nextKey(page);
        } while (start != null);
    }

    /** One page of a query. */
    QueryResponse queryPage(QueryRequest request) {
        return dynamo.query(request.toBuilder().tableName(name).build());
    }

    static Map<String, AttributeValue> nextKey(QueryResponse page) {
        return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    }

    /** Reads these keys (at most 100), retrying unprocessed keys with the backoff. */
    List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, KeysAndAttributes> pending = Map.of(name,
                KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        for (int attempt = 0; ; attempt++) {
            BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder()
                    .requestItems(pending).build());
            items.addAll(response.responses().getOrDefault(name, List.of()));
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            if (pending.isEmpty()) {
                return items;
            }
            giveUpOrPause(attempt, "BatchGetItem");
        }
    }

    /** Applies these writes (at most 25), retrying unprocessed items with the backoff. */
    void batchWrite(List<WriteRequest> writes) {
        Map<String, List<WriteRequest>> pending = Map.of(name, writes);
        for (int attempt = 0; ; attempt++) {
            BatchWriteItemResponse response = dynamo.batchWriteItem(BatchWriteItemRequest.builder()
                    .requestItems(pending).build());
            pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            if (pending.isEmpty()) {
                return;
            }
            giveUpOrPause(attempt, "BatchWriteItem");
        }
    }

    private void giveUpOrPause(int attempt, String call) {
        if (!backoff.mayRetry(attempt)) {
            throw new StoreBusyException(call + " left items unprocessed after " + (attempt + 1) + " tries");
        }
        backoff.pause(attempt);
    }

    /** The table kept refusing part of a batch (throttled) after every retry the backoff allows; a transient fault. */
    public static final class StoreBusyException extends RuntimeException {
        StoreBusyException(String message) {
            super(message);
        }
    }
}
