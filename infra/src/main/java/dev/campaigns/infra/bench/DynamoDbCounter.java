package dev.campaigns.infra.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Counts DynamoDB requests and the read and write capacity units they consume, for benchmarks of the local runtime
 * (never deployed: it lives in campaigns-infra). Registered for every SDK client of the JVM through
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}, it does nothing until {@link #enable()}:
 * then it asks each request for {@code ReturnConsumedCapacity=TOTAL} (DynamoDB Local reports it as DynamoDB does)
 * and adds up the answers, so the functions run unchanged.
 */
public final class DynamoDbCounter implements ExecutionInterceptor {
    private static volatile boolean enabled;
    private static final Map<String, AtomicLong> REQUESTS = new ConcurrentHashMap<>();
    private static final DoubleAdder READ_UNITS = new DoubleAdder();
    private static final DoubleAdder WRITE_UNITS = new DoubleAdder();

    /** Starts counting (for the whole JVM). */
    public static void enable() {
        enabled = true;
    }

    /** What has been counted so far. */
    public record Snapshot(Map<String, Long> requests, double readUnits, double writeUnits) {
        public long totalRequests() {
            return requests.values().stream().mapToLong(Long::longValue).sum();
        }

        /** This snapshot minus an earlier one. */
        public Snapshot minus(Snapshot earlier) {
            Map<String, Long> diff = new TreeMap<>();
            requests.forEach((k, v) -> {
                long d = v - earlier.requests.getOrDefault(k, 0L);
                if (d != 0) {
                    diff.put(k, d);
                }
            });
            return new Snapshot(diff, readUnits - earlier.readUnits, writeUnits - earlier.writeUnits);
        }
    }

    public static Snapshot snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        REQUESTS.forEach((k, v) -> copy.put(k, v.get()));
        return new Snapshot(copy, READ_UNITS.sum(), WRITE_UNITS.sum());
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (!enabled) {
            return context.request();
        }
        SdkRequest r = context.request();
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        if (r instanceof GetItemRequest g) {
            return g.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof PutItemRequest p) {
            return p.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof UpdateItemRequest u) {
            return u.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof DeleteItemRequest d) {
            return d.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof QueryRequest q) {
            return q.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof ScanRequest s) {
            return s.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof TransactWriteItemsRequest t) {
            return t.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof TransactGetItemsRequest t) {
            return t.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof BatchGetItemRequest b) {
            return b.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof BatchWriteItemRequest b) {
            return b.toBuilder().returnConsumedCapacity(total).build();
        }
        return r;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!enabled || !(context.request() instanceof DynamoDbRequest)) {
            return;
        }
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        REQUESTS.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
        Object resp = context.response();
        if (resp instanceof GetItemResponse r) {
            add(r.consumedCapacity(), true);
        } else if (resp instanceof QueryResponse r) {
            add(r.consumedCapacity(), true);
        } else if (resp instanceof ScanResponse r) {
            add(r.consumedCapacity(), true);
        } else if (resp instanceof PutItemResponse r) {
            add(r.consumedCapacity(), false);
        } else if (resp instanceof UpdateItemResponse r) {
            add(r.consumedCapacity(), false);
        } else if (resp instanceof DeleteItemResponse r) {
            add(r.consumedCapacity(), false);
        } else if (resp instanceof TransactWriteItemsResponse r) {
            r.consumedCapacity().forEach(c -> add(c, false));
        } else if (resp instanceof TransactGetItemsResponse r) {
            r.consumedCapacity().forEach(c -> add(c, true));
        } else if (resp instanceof BatchGetItemResponse r) {
            r.consumedCapacity().forEach(c -> add(c, true));
        } else if (resp instanceof BatchWriteItemResponse r) {
            r.consumedCapacity().forEach(c -> add(c, false));
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (!enabled || !(context.request() instanceof DynamoDbRequest)) {
            return;
        }
        // A refused conditional write still consumes write units (at least one); count the request and one unit.
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        REQUESTS.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
        if (op != null && (op.startsWith("Put") || op.startsWith("Update") || op.startsWith("Delete")
                || op.startsWith("Transact"))) {
            WRITE_UNITS.add(1);
        } else {
            READ_UNITS.add(0.5);
        }
    }

    private static void add(ConsumedCapacity c, boolean read) {
        if (c == null || c.capacityUnits() == null) {
            (read ? READ_UNITS : WRITE_UNITS).add(read ? 0.5 : 1);
            return;
        }
        if (c.readCapacityUnits() != null || c.writeCapacityUnits() != null) {
            READ_UNITS.add(c.readCapacityUnits() == null ? 0 : c.readCapacityUnits());
            WRITE_UNITS.add(c.writeCapacityUnits() == null ? 0 : c.writeCapacityUnits());
        } else {
            (read ? READ_UNITS : WRITE_UNITS).add(c.capacityUnits());
        }
    }
}
