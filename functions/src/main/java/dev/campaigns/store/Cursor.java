package dev.campaigns.store;

import static dev.campaigns.store.Attr.s;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Pagination cursors of the DynamoDB stores: a query's last evaluated key, opaque to clients. */
final class Cursor {
    private Cursor() {
    }

    static String encode(Map<String, AttributeValue> key) {
        StringBuilder text = new StringBuilder();
        key.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                text.append(e.getKey()).append('\u0000').append(e.getValue().s()).append('\u0000'));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, AttributeValue> decode(String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException();
        }
        String[] parts = text.split("\u0000", -1);
        if (parts.length < 3 || parts.length % 2 != 1) {
            throw new InvalidCursorException();
        }
        Map<String, AttributeValue> key = new HashMap<>();
        for (int i = 0; i + 1 < parts.length; i += 2) {
            key.put(parts[i], s(parts[i + 1]));
        }
        return key;
    }

    /** {@link #decode}, refusing a cursor of another partition (another list's cursor is not this list's). */
    static Map<String, AttributeValue> decode(String cursor, String partitionKey) {
        Map<String, AttributeValue> key = decode(cursor);
        AttributeValue pk = key.get("PK");
        if (pk == null || !partitionKey.equals(pk.s()) || !key.containsKey("SK") || key.size() != 2) {
            throw new InvalidCursorException();
        }
        return key;
    }
}
