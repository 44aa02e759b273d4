package dev.campaigns.store;

import static dev.campaigns.store.Attr.b;
import static dev.campaigns.store.Attr.n;
import static dev.campaigns.store.Attr.s;

import dev.campaigns.blob.BlobStore;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A {@link BlobStore} on DynamoDB: the patches of campaign jobs and the git engine's commit bundles.
 *
 * <p>Why DynamoDB rather than S3: blobs are small (a patch is at most a few MiB, a bundle holds only the objects a
 * patch adds), immutable and content-addressed; DynamoDB is already the service's store, gives TTL for cleaning
 * up and conditional writes for idempotency, and keeps one less service to secure and run locally. A blob is cut
 * into chunks of {@value #CHUNK_BYTES} bytes (items are limited to 400 KB), written first, then a manifest item
 * (part 0) that names how many chunks there are, so a reader never sees a half-written blob.
 *
 * <p>Table: partition key {@code key} (S), sort key {@code part} (N); {@code expiresAt} is the TTL attribute.
 */
public final class DynamoBlobStore implements BlobStore {
    static final int CHUNK_BYTES = 350 * 1024;
    private static final long TTL_SECONDS = 30L * 24 * 3600;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoBlobStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void put(String key, byte[] data) {
        if (manifest(key).isPresent()) {
            return;
        }
        long expiresAt = System.currentTimeMillis() / 1000 + TTL_SECONDS;
        int chunks = Math.max(1, (data.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        for (int i = 0; i < chunks; i++) {
            int from = i * CHUNK_BYTES;
            int to = Math.min(data.length, from + CHUNK_BYTES);
            byte[] chunk = java.util.Arrays.copyOfRange(data, from, to);
            dynamo.putItem(PutItemRequest.builder().tableName(table)
                    .item(Map.of("key", s(key), "part", n(i + 1L), "data", b(chunk), "expiresAt", n(expiresAt)))
                    .build());
        }
        Map<String, AttributeValue> manifest = new HashMap<>();
        manifest.put("key", s(key));
        manifest.put("part", n(0));
        manifest.put("chunks", n(chunks));
        manifest.put("size", n(data.length));
        manifest.put("expiresAt", n(expiresAt));
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(manifest)
                    .conditionExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", "key")).build());
        } catch (ConditionalCheckFailedException alreadyThere) {
            // Content-addressed: a concurrent writer stored the same bytes.
        }
    }

    /**
     * Writes the blobs with BatchWriteItem, 25 items a request: every chunk of every blob first, then the manifests,
     * so a reader never sees a manifest before its chunks. A blob written again (same key, so the same bytes) is
     * rewritten identically; unprocessed items are retried with backoff.
     */
    @Override
    public void putAll(Map<String, byte[]> blobs) {
        long expiresAt = System.currentTimeMillis() / 1000 + TTL_SECONDS;
        List<Map<String, AttributeValue>> chunks = new ArrayList<>();
        List<Map<String, AttributeValue>> manifests = new ArrayList<>();
        blobs.forEach((key, data) -> {
            int count = Math.max(1, (data.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
            for (int i = 0; i < count; i++) {
                byte[] chunk = java.util.Arrays.copyOfRange(data, i * CHUNK_BYTES,
                        Math.min(data.length, (i + 1) * CHUNK_BYTES));
                chunks.add(Map.of("key", s(key), "part", n(i + 1L), "data", b(chunk), "expiresAt", n(expiresAt)));
            }
            manifests.add(Map.of("key", s(key), "part", n(0), "chunks", n(count), "size", n(data.length),
                    "expiresAt", n(expiresAt)));
        });
        batchWrite(chunks);
        batchWrite(manifests);
    }

    private void batchWrite(List<Map<String, AttributeValue>> items) {
        for (int i = 0; i < items.size(); i += 25) {
            List<WriteRequest> writes = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(i, Math.min(items.size(), i + 25))) {
                writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(table, writes);
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                BatchWriteItemResponse response = dynamo.batchWriteItem(
                        BatchWriteItemRequest.builder().requestItems(pending).build());
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                if (!pending.isEmpty()) {
                    if (attempt >= 12) {
                        throw new IllegalStateException("DynamoDB left " + pending.get(table).size()
                                + " blob items unprocessed after " + attempt + " attempts");
                    }
                    backoff(attempt);
                }
            }
        }
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(Math.min(1000, 10L << attempt) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        Optional<Map<String, AttributeValue>> manifest = manifest(key);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        int chunks = Attr.integer(manifest.get(), "chunks");
        List<Map<String, AttributeValue>> parts = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#k = :k AND #p BETWEEN :one AND :last")
                    .expressionAttributeNames(Map.of("#k", "key", "#p", "part"))
                    .expressionAttributeValues(Map.of(":k", s(key), ":one", n(1), ":last", n(chunks)))
                    .consistentRead(true).exclusiveStartKey(start).build());
            parts.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        if (parts.size() != chunks) {
            throw new IllegalStateException("blob " + key + " has " + parts.size() + " of " + chunks + " chunks");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Attr.integer(manifest.get(), "size"));
        for (Map<String, AttributeValue> part : parts) {
            out.writeBytes(Attr.bytes(part, "data"));
        }
        return Optional.of(out.toByteArray());
    }

    private Optional<Map<String, AttributeValue>> manifest(String key) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("key", s(key), "part", n(0))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }
}
