package dev.campaigns.store;

import static dev.campaigns.store.Attr.flag;
import static dev.campaigns.store.Attr.integer;
import static dev.campaigns.store.Attr.n;
import static dev.campaigns.store.Attr.s;
import static dev.campaigns.store.Attr.str;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetOperation;
import dev.campaigns.domain.ChangesetOperationResult;
import dev.campaigns.domain.ChangesetReviewState;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.domain.MergeMethod;
import dev.campaigns.domain.Page;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Items (table {@code Campaigns}): the operation at {@code OPERATION#{id}} / {@code #OPERATION} (its verb and
 * arguments, {@code total} and the counters {@code succeeded}, {@code failed}, {@code skipped}); each changeset's
 * result at {@code OPERATION#{id}} / {@code RESULT#{changesetId}}. Calls: GetItem, PutItem, UpdateItem,
 * BatchWriteItem, Query, TransactWriteItems (Put/Update).
 */
public final class DynamoChangesetOperationStore implements ChangesetOperationStore {
    private static final ObjectMapper JSON = dev.campaigns.util.Json.MAPPER;
    private static final String OPERATION_SK = "#OPERATION";
    private static final String RESULT = "RESULT#";

    private final DynamoTable table;

    public DynamoChangesetOperationStore(DynamoTable table) {
        this.table = table;
    }

    private static String pk(String operationId) {
        return "OPERATION#" + operationId;
    }

    @Override
    public void create(ChangesetOperation op, List<ChangesetOperationResult> pending) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("states", op.filter().states().stream().map(Enum::name).sorted().toList());
        spec.put("reviewStates", op.filter().reviewStates().stream().map(Enum::name).sorted().toList());
        spec.put("checkStates", op.filter().checkStates().stream().map(Enum::name).sorted().toList());
        spec.put("reviewers", op.reviewers());
        spec.put("labels", op.labels());
        Map<String, AttributeValue> item = new HashMap<>(DynamoTable.key(pk(op.id()), OPERATION_SK));
        item.put("campaignId", s(op.campaignId()));
        item.put("owner", s(op.owner()));
        item.put("kind", s(op.kind().name()));
        item.put("spec", s(json(spec)));
        if (op.body() != null) {
            item.put("body", s(op.body()));
        }
        if (op.mergeMethod() != null) {
            item.put("mergeMethod", s(op.mergeMethod().name()));
        }
        item.put("force", AttributeValue.fromBool(op.force()));
        item.put("createdAt", s(op.createdAt().toString()));
        item.put("total", n(op.total()));
        item.put("succeeded", n(0));
        item.put("failed", n(0));
        item.put("skipped", n(0));
        // Results first: the operation is visible only once all of them are there.
        List<WriteRequest> writes = new ArrayList<>();
        for (ChangesetOperationResult r : pending) {
            Map<String, AttributeValue> ri = new HashMap<>(DynamoTable.key(pk(op.id()), RESULT + r.changesetId()));
            ri.put("repository", s(r.repository()));
            ri.put("externalID", s(r.externalID()));
            ri.put("state", s(ChangesetOperationResult.State.PENDING.name()));
            ri.put("updatedAt", s(op.createdAt().toString()));
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(ri).build()).build());
            if (writes.size() == 25) {
                table.batchWrite(writes);
                writes = new ArrayList<>();
            }
        }
        if (!writes.isEmpty()) {
            table.batchWrite(writes);
        }
        try {
            table.client().putItem(b -> b.tableName(table.name()).item(item)
                    .conditionExpression("attribute_not_exists(PK)"));
        } catch (ConditionalCheckFailedException e) {
            // created already (a repeated call): the first one stands
        }
    }

    @Override
    public Optional<ChangesetOperation> operation(String operationId) {
        return table.get(pk(operationId), OPERATION_SK).map(i -> toOperation(operationId, i));
    }

    @Override
    public Optional<ChangesetOperationResult> result(String operationId, String changesetId) {
        return table.get(pk(operationId), RESULT + changesetId).map(i -> toResult(operationId, i));
    }

    @Override
    public Page<ChangesetOperationResult> results(String operationId, int first, String after) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table.name()).consistentRead(true)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :r)")
                .expressionAttributeValues(Map.of(":pk", s(pk(operationId)), ":r", s(RESULT))).limit(first);
        if (after != null) {
            query.exclusiveStartKey(Cursor.decode(after, pk(operationId)));
        }
        QueryResponse page = table.client().query(query.build());
        List<ChangesetOperationResult> nodes = page.items().stream().map(i -> toResult(operationId, i)).toList();
        String next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? Cursor.encode(page.lastEvaluatedKey()) : null;
        return new Page<>(nodes, next, -1);
    }

    @Override
    public boolean start(String operationId, String changesetId, Instant at) {
        try {
            table.client().updateItem(b -> b.tableName(table.name()).key(DynamoTable.key(pk(operationId),
                            RESULT + changesetId))
                    .updateExpression("SET #s = :started, updatedAt = :at")
                    .conditionExpression("#s = :pending")
                    .expressionAttributeNames(Map.of("#s", "state"))
                    .expressionAttributeValues(Map.of(":started", s("STARTED"), ":pending", s("PENDING"),
                            ":at", s(at.toString()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean finish(String operationId, String changesetId, ChangesetOperationResult.State state, String reason,
                          Instant at) {
        if (!state.isFinal()) {
            throw new IllegalArgumentException(state + " is not a final state");
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":final", s(state.name()), ":pending", s("PENDING"),
                ":started", s("STARTED"), ":at", s(at.toString())));
        String set = "SET #s = :final, updatedAt = :at";
        if (reason != null) {
            values.put(":reason", s(reason));
            set += ", reason = :reason";
        }
        String counter = state.name().toLowerCase(java.util.Locale.ROOT);
        DynamoTable.Outcome outcome = table.transact(List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(table.name())
                        .key(DynamoTable.key(pk(operationId), RESULT + changesetId))
                        .updateExpression(set)
                        .conditionExpression("#s IN (:pending, :started)")
                        .expressionAttributeNames(Map.of("#s", "state"))
                        .expressionAttributeValues(values).build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(table.name())
                        .key(DynamoTable.key(pk(operationId), OPERATION_SK))
                        .updateExpression("ADD #c :one")
                        .conditionExpression("attribute_exists(PK)")
                        .expressionAttributeNames(Map.of("#c", counter))
                        .expressionAttributeValues(Map.of(":one", n(1))).build()).build()));
        return outcome == DynamoTable.Outcome.APPLIED;
    }

    private static ChangesetOperation toOperation(String id, Map<String, AttributeValue> i) {
        Map<String, List<String>> spec = parse(str(i, "spec"));
        ChangesetOperation.Filter filter = new ChangesetOperation.Filter(
                names(spec, "states", ChangesetState.class), names(spec, "reviewStates", ChangesetReviewState.class),
                names(spec, "checkStates", ChangesetCheckState.class));
        String method = str(i, "mergeMethod");
        return new ChangesetOperation(id, str(i, "campaignId"), str(i, "owner"),
                ChangesetOperation.Kind.valueOf(str(i, "kind")), filter, str(i, "body"),
                method == null ? null : MergeMethod.valueOf(method), flag(i, "force"), spec.get("reviewers"),
                spec.get("labels"), Instant.parse(str(i, "createdAt")), integer(i, "total"),
                new ChangesetOperation.Counts(integer(i, "succeeded"), integer(i, "failed"), integer(i, "skipped")));
    }

    private static ChangesetOperationResult toResult(String operationId, Map<String, AttributeValue> i) {
        return new ChangesetOperationResult(operationId, str(i, "SK").substring(RESULT.length()), str(i, "repository"),
                str(i, "externalID"), ChangesetOperationResult.State.valueOf(str(i, "state")), str(i, "reason"),
                Instant.parse(str(i, "updatedAt")));
    }

    private static <E extends Enum<E>> Set<E> names(Map<String, List<String>> spec, String key, Class<E> type) {
        return spec.getOrDefault(key, List.of()).stream().map(v -> Enum.valueOf(type, v)).collect(Collectors.toSet());
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, List<String>> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, List<String>>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
