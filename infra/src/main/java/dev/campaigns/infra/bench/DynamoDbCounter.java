package dev.campaigns.infra.bench;

import dev.campaigns.infra.local.LocalLambdas;
import java.util.List;
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
    private static final Tally ALL = new Tally();
    private static final Map<String, Tally> BY_FUNCTION = new ConcurrentHashMap<>();

    /** Requests by operation and capacity units, for the whole JVM or for one function. */
    private static final class Tally {
        final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
        final DoubleAdder readUnits = new DoubleAdder();
        final DoubleAdder writeUnits = new DoubleAdder();

        Snapshot snapshot() {
            Map<String, Long> copy = new TreeMap<>();
            requests.forEach((k, v) -> copy.put(k, v.get()));
            return new Snapshot(copy, readUnits.sum(), writeUnits.sum());
        }
    }

    /** The tallies a request on this thread adds to: the JVM's and, inside a local Lambda, its function's. */
    private static List<Tally> tallies() {
        return LocalLambdas.runningFunction()
                .map(f -> List.of(ALL, BY_FUNCTION.computeIfAbsent(f, k -> new Tally())))
                .orElse(List.of(ALL));
    }

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
        return ALL.snapshot();
    }

    /** What has been counted so far in the requests function {@code logicalId} made (local Lambdas only). */
    public static Snapshot snapshot(String logicalId) {
        return BY_FUNCTION.computeIfAbsent(logicalId, k -> new Tally()).snapshot();
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
        List<Tally> tallies = tallies();
        tallies.forEach(t -> t.requests.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet());
        Object resp = context.response();
        if (resp instanceof GetItemResponse r) {
            add(tallies, r.consumedCapacity(), true);
        } else if (resp instanceof QueryResponse r) {
            add(tallies, r.consumedCapacity(), true);
        } else if (resp instanceof ScanResponse r) {
            add(tallies, r.consumedCapacity(), true);
        } else if (resp instanceof PutItemResponse r) {
            add(tallies, r.consumedCapacity(), false);
        } else if (resp instanceof UpdateItemResponse r) {
            add(tallies, r.consumedCapacity(), false);
        } else if (resp instanceof DeleteItemResponse r) {
            add(tallies, r.consumedCapacity(), false);
        } else if (resp instanceof TransactWriteItemsResponse r) {
            r.consumedCapacity().forEach(c -> add(tallies, c, false));
        } else if (resp instanceof TransactGetItemsResponse r) {
            r.consumedCapacity().forEach(c -> add(tallies, c, true));
        } else if (resp instanceof BatchGetItemResponse r) {
            r.consumedCapacity().forEach(c -> add(tallies, c, true));
        } else if (resp instanceof BatchWriteItemResponse r) {
            r.consumedCapacity().forEach(c -> add(tallies, c, false));
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (!enabled || !(context.request() instanceof DynamoDbRequest)) {
            return;
        }
        // A refused conditional write still consumes write units (at least one); count the request and one unit.
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        boolean write = op != null && (op.startsWith("Put") || op.startsWith("Update") || op.startsWith("Delete")
                || op.startsWith("Transact"));
        for (Tally t : tallies()) {
            t.requests.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
            (write ? t.writeUnits : t.readUnits).add(write ? 1 : 0.5);
        }
    }

    private static void add(List<Tally> tallies, ConsumedCapacity c, boolean read) {
        for (Tally t : tallies) {
            if (c == null || c.capacityUnits() == null) {
                (read ? t.readUnits : t.writeUnits).add(read ? 0.5 : 1);
            } else if (c.readCapacityUnits() != null || c.writeCapacityUnits() != null) {
                t.readUnits.add(c.readCapacityUnits() == null ? 0 : c.readCapacityUnits());
                t.writeUnits.add(c.writeCapacityUnits() == null ? 0 : c.writeCapacityUnits());
            } else {
                (read ? t.readUnits : t.writeUnits).add(c.capacityUnits());
            }
        }
    }
}
