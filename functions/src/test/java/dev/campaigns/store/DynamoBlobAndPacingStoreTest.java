package dev.campaigns.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The blob and pacing adapters on DynamoDB Local, with tables shaped as template.yaml's BlobsTable (key S, part N)
 * and PacingTable (id S): blobs larger than one chunk, batches of more than one request, a blob missing a chunk; the
 * pacer's slots, delays and reservations.
 */
class DynamoBlobAndPacingStoreTest {
    private final DynamoDbClient client = LocalCampaignsTable.client();

    private String table(String hash, String range) {
        String name = "T-" + UUID.randomUUID();
        var create = software.amazon.awssdk.services.dynamodb.model.CreateTableRequest.builder().tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST);
        if (range == null) {
            create.attributeDefinitions(def(hash, ScalarAttributeType.S)).keySchema(key(hash, KeyType.HASH));
        } else {
            create.attributeDefinitions(def(hash, ScalarAttributeType.S), def(range, ScalarAttributeType.N))
                    .keySchema(key(hash, KeyType.HASH), key(range, KeyType.RANGE));
        }
        client.createTable(create.build());
        return name;
    }

    private static AttributeDefinition def(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void blobsLargerThanOneChunkAreCutAndReadBackWhole() {
        String table = table("key", "part");
        DynamoBlobStore blobs = new DynamoBlobStore(client, table);
        byte[] big = bytes(DynamoBlobStore.CHUNK_BYTES * 2 + 1234, 1);
        blobs.put("big", big);
        blobs.put("big", bytes(10, 2)); // content-addressed: a key once written is kept
        assertArrayEquals(big, blobs.get("big").orElseThrow());
        blobs.put("empty", new byte[0]);
        assertArrayEquals(new byte[0], blobs.get("empty").orElseThrow());
        assertTrue(blobs.get("missing").isEmpty());

        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            many.put("small-" + i, bytes(100 + i, i));
        }
        many.put("large", bytes(DynamoBlobStore.CHUNK_BYTES + 1, 99));
        blobs.putAll(many);
        many.forEach((k, v) -> assertArrayEquals(v, blobs.get(k).orElseThrow(), k));

        client.deleteItem(b -> b.tableName(table).key(Map.of("key", AttributeValue.fromS("big"),
                "part", AttributeValue.fromN("2"))));
        IllegalStateException torn = assertThrows(IllegalStateException.class, () -> blobs.get("big"));
        assertTrue(torn.getMessage().contains("2 of 3 chunks"), torn.getMessage());
    }

    @Test
    void theBucketHandsOutSlotsOneIntervalApartAndKeepsReservations() {
        DynamoPacingStore pacing = new DynamoPacingStore(client, table("id", null));
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Duration interval = Duration.ofSeconds(3);
        assertEquals(now, pacing.takeSlot("b", now, interval), "a new bucket: now");
        assertEquals(now.plusSeconds(3), pacing.takeSlot("b", now, interval));
        assertEquals(now.plusSeconds(6), pacing.takeSlot("b", now.plusSeconds(1), interval));
        pacing.delay("b", Duration.ofSeconds(10));
        assertEquals(now.plusSeconds(19), pacing.takeSlot("b", now.plusSeconds(2), interval), "delayed");
        Instant later = now.plusSeconds(600);
        assertEquals(later, pacing.takeSlot("b", later, interval), "an idle bucket: now again");
        pacing.delay("none", Duration.ofSeconds(1));
        assertEquals(now, pacing.takeSlot("none", now, interval), "delaying no bucket made none");

        assertTrue(pacing.reservation("job").isEmpty());
        pacing.recordReservation("job", now.plusSeconds(5), now.plusSeconds(3600));
        assertEquals(now.plusSeconds(5), pacing.reservation("job").orElseThrow());
    }
}
