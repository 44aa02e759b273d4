package dev.campaigns.store;

import static dev.campaigns.store.Attr.n;
import static dev.campaigns.store.Attr.s;

import dev.campaigns.pacing.PacingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The pacer's state in DynamoDB (table {@code PACING_TABLE}, partition key {@code id}, TTL {@code expiresAt}):
 *
 * <ul>
 *   <li>{@code bucket#HOST#TOKENHASH}: {@code next}, the next free slot in epoch milliseconds. Taken with one
 *       atomic {@code UpdateItem}: {@code SET next = next + :interval IF next >= :now}, returning the old value (the
 *       slot). When the bucket is idle ({@code next < now}) or new, a second conditional update sets
 *       {@code next = now + interval} and the slot is now. No read, no lock, no retry loop under load: concurrent
 *       Lambdas each add to the same number, and DynamoDB serialises the updates of one item.</li>
 *   <li>{@code job#KEY}: {@code slot} in epoch milliseconds, the slot a job reserved (so a retried reservation gets
 *       it back), expiring with TTL.</li>
 * </ul>
 * The token never reaches an item: buckets are named by its hash ({@link dev.campaigns.pacing.PacerKey}).
 */
public final class DynamoPacingStore implements PacingStore {
    private static final int MAX_ROUNDS = 20;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoPacingStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Instant takeSlot(String bucketId, Instant now, Duration interval) {
        Map<String, AttributeValue> key = Map.of("id", s("bucket#" + bucketId));
        long nowMs = now.toEpochMilli();
        long intervalMs = Math.max(0, interval.toMillis());
        for (int round = 0; round < MAX_ROUNDS; round++) {
            try {
                var old = dynamo.updateItem(b -> b.tableName(table).key(key)
                        .updateExpression("SET #next = #next + :interval")
                        .conditionExpression("#next >= :now")
                        .expressionAttributeNames(Map.of("#next", "next"))
                        .expressionAttributeValues(Map.of(":interval", n(intervalMs), ":now", n(nowMs)))
                        .returnValues(ReturnValue.UPDATED_OLD)).attributes();
                return Instant.ofEpochMilli(Long.parseLong(old.get("next").n()));
            } catch (ConditionalCheckFailedException idle) {
                // the bucket is idle or new: the slot is now
            }
            try {
                dynamo.updateItem(b -> b.tableName(table).key(key)
                        .updateExpression("SET #next = :next")
                        .conditionExpression("attribute_not_exists(#next) OR #next < :now")
                        .expressionAttributeNames(Map.of("#next", "next"))
                        .expressionAttributeValues(Map.of(":next", n(nowMs + intervalMs), ":now", n(nowMs))));
                return Instant.ofEpochMilli(nowMs);
            } catch (ConditionalCheckFailedException busy) {
                // another reservation moved the bucket ahead in between: take the next slot after it
            }
        }
        throw new IllegalStateException("could not reserve a slot of " + bucketId + " in " + MAX_ROUNDS + " rounds");
    }

    @Override
    public void delay(String bucketId, Duration delay) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of("id", s("bucket#" + bucketId)))
                    .updateExpression("SET #next = #next + :delay")
                    .conditionExpression("attribute_exists(#next)")
                    .expressionAttributeNames(Map.of("#next", "next"))
                    .expressionAttributeValues(Map.of(":delay", n(delay.toMillis()))));
        } catch (ConditionalCheckFailedException none) {
            // no bucket: nothing to delay
        }
    }

    @Override
    public Optional<Instant> reservation(String jobKey) {
        var item = dynamo.getItem(b -> b.tableName(table).key(Map.of("id", s("job#" + jobKey)))
                .consistentRead(true)).item();
        if (item == null || !item.containsKey("slot")) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochMilli(Long.parseLong(item.get("slot").n())));
    }

    @Override
    public void recordReservation(String jobKey, Instant slot, Instant expiresAt) {
        dynamo.putItem(b -> b.tableName(table).item(Map.of("id", s("job#" + jobKey),
                "slot", n(slot.toEpochMilli()), "expiresAt", n(expiresAt.getEpochSecond()))));
    }
}
