package dev.campaigns.store;

import static dev.campaigns.store.Attr.n;
import static dev.campaigns.store.Attr.s;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Runs an operation at most once per idempotency key, and answers repeats with the first answer.
 *
 * <p>This is the one place idempotency records are written. It keeps the record shape and the conditional write of
 * Powertools for AWS Lambda's DynamoDB persistence store (partition key {@code id}; {@code expiration} TTL in epoch
 * seconds; {@code in_progress_expiration} in epoch milliseconds; {@code status} INPROGRESS or COMPLETED;
 * {@code data}; {@code validation}), so that it can be swapped for Powertools' idempotency module once that
 * resolves. Unlike Powertools, a caller that finds the key in progress waits (boundedly) for the first caller's
 * answer instead of failing, so concurrent identical requests all receive the same result.
 */
public final class IdempotencyStore {
    private static final String CONDITION = "attribute_not_exists(#id) OR #expiry < :now OR "
            + "(attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_ms AND #status = :inprogress)";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Duration expiry;
    private final Duration inProgressExpiry;
    private final Duration waitForInProgress;

    public IdempotencyStore(DynamoDbClient dynamo, String table, Clock clock) {
        this(dynamo, table, clock, Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofSeconds(20));
    }

    public IdempotencyStore(DynamoDbClient dynamo, String table, Clock clock, Duration expiry,
                            Duration inProgressExpiry, Duration waitForInProgress) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.expiry = expiry;
        this.inProgressExpiry = inProgressExpiry;
        this.waitForInProgress = waitForInProgress;
    }

    /**
     * Runs {@code operation} unless {@code key} was seen before; returns its result or the first call's result.
     *
     * @param key        the idempotency key (already scoped to the caller)
     * @param validation a digest of the request; a repeat with another digest is refused
     * @throws IdempotencyKeyReusedException the key was used before for a different request
     * @throws IdempotencyInProgressException the first call is still running after the wait
     */
    public String execute(String key, String validation, Supplier<String> operation) {
        long deadline = clock.millis() + waitForInProgress.toMillis();
        while (true) {
            Map<String, AttributeValue> existing = saveInProgress(key, validation);
            if (existing == null) {
                break;
            }
            String recorded = Attr.str(existing, "validation");
            if (recorded != null && !recorded.equals(validation)) {
                throw new IdempotencyKeyReusedException();
            }
            if ("COMPLETED".equals(Attr.str(existing, "status"))) {
                return Attr.str(existing, "data");
            }
            if (clock.millis() > deadline) {
                throw new IdempotencyInProgressException();
            }
            sleep(100);
        }
        String result;
        try {
            result = operation.get();
        } catch (RuntimeException e) {
            dynamo.deleteItem(DeleteItemRequest.builder().tableName(table).key(Map.of("id", s(key))).build());
            throw e;
        }
        Map<String, AttributeValue> done = new HashMap<>();
        done.put("id", s(key));
        done.put("status", s("COMPLETED"));
        done.put("expiration", n(clock.instant().plus(expiry).getEpochSecond()));
        done.put("data", s(result));
        done.put("validation", s(validation));
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(done).build());
        return result;
    }

    /** Writes the INPROGRESS record; returns null when written, else the record that stood in the way. */
    private Map<String, AttributeValue> saveInProgress(String key, String validation) {
        long nowMs = clock.millis();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(key));
        item.put("status", s("INPROGRESS"));
        item.put("expiration", n(nowMs / 1000 + expiry.toSeconds()));
        item.put("in_progress_expiration", n(nowMs + inProgressExpiry.toMillis()));
        item.put("validation", s(validation));
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression(CONDITION)
                    .expressionAttributeNames(Map.of("#id", "id", "#expiry", "expiration",
                            "#in_progress_expiry", "in_progress_expiration", "#status", "status"))
                    .expressionAttributeValues(Map.of(":now", n(nowMs / 1000), ":now_ms", n(nowMs),
                            ":inprogress", s("INPROGRESS")))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return null;
        } catch (ConditionalCheckFailedException e) {
            if (e.hasItem() && !e.item().isEmpty()) {
                return e.item();
            }
            return dynamo.getItem(GetItemRequest.builder().tableName(table).key(Map.of("id", s(key)))
                    .consistentRead(true).build()).item();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdempotencyInProgressException();
        }
    }

    /** The idempotency key was used before with a different request. */
    public static final class IdempotencyKeyReusedException extends RuntimeException {
        public IdempotencyKeyReusedException() {
            super("this idempotencyKey was already used for a different request");
        }
    }

    /** The first request with this idempotency key is still running; try again shortly. */
    public static final class IdempotencyInProgressException extends RuntimeException {
        public IdempotencyInProgressException() {
            super("a request with this idempotencyKey is still in progress; retry shortly");
        }
    }
}
