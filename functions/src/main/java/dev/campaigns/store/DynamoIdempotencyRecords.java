package dev.campaigns.store;

import static dev.campaigns.store.Attr.n;
import static dev.campaigns.store.Attr.s;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Idempotency records in DynamoDB, shaped as Powertools for AWS Lambda's persistence store writes them: partition
 * key {@code id}; {@code expiration} TTL in epoch seconds; {@code in_progress_expiration} in epoch milliseconds;
 * {@code status} INPROGRESS or COMPLETED; {@code data}; {@code validation}. This is the one place they are written.
 */
public final class DynamoIdempotencyRecords implements IdempotencyRecords {
    private static final String CONDITION = "attribute_not_exists(#id) OR #expiry < :now OR "
            + "(attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_ms AND #status = :inprogress)";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoIdempotencyRecords(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public IdempotencyRecord putInProgress(IdempotencyRecord record, long nowMillis) {
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item(record))
                    .conditionExpression(CONDITION)
                    .expressionAttributeNames(Map.of("#id", "id", "#expiry", "expiration",
                            "#in_progress_expiry", "in_progress_expiration", "#status", "status"))
                    .expressionAttributeValues(Map.of(":now", n(nowMillis / 1000), ":now_ms", n(nowMillis),
                            ":inprogress", s(IdempotencyRecord.Status.INPROGRESS.name())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return null;
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.hasItem() && !e.item().isEmpty() ? e.item()
                    : dynamo.getItem(GetItemRequest.builder().tableName(table).key(Map.of("id", s(record.key())))
                    .consistentRead(true).build()).item();
            if (old == null || old.isEmpty()) {
                // deleted between the write and the read (its operation failed): look again after a pause
                return new IdempotencyRecord(record.key(), IdempotencyRecord.Status.INPROGRESS, null, null, 0, 0);
            }
            return record(old);
        }
    }

    @Override
    public void putCompleted(IdempotencyRecord record) {
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(item(record)).build());
    }

    @Override
    public void delete(String key) {
        dynamo.deleteItem(DeleteItemRequest.builder().tableName(table).key(Map.of("id", s(key))).build());
    }

    private static Map<String, AttributeValue> item(IdempotencyRecord record) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(record.key()));
        item.put("status", s(record.status().name()));
        item.put("expiration", n(record.expirationSeconds()));
        if (record.status() == IdempotencyRecord.Status.INPROGRESS) {
            item.put("in_progress_expiration", n(record.inProgressExpirationMillis()));
        }
        if (record.data() != null) {
            item.put("data", s(record.data()));
        }
        item.put("validation", s(record.validation()));
        return item;
    }

    private static IdempotencyRecord record(Map<String, AttributeValue> item) {
        return new IdempotencyRecord(Attr.str(item, "id"),
                IdempotencyRecord.Status.valueOf(Attr.str(item, "status")), Attr.str(item, "validation"),
                Attr.str(item, "data"), Attr.num(item, "expiration"), Attr.num(item, "in_progress_expiration"));
    }
}
