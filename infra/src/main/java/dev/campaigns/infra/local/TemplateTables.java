package dev.campaigns.infra.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;

/**
 * Creates the DynamoDB tables of {@code template.yaml} from their CloudFormation properties (keys, indexes, TTL)
 * in any DynamoDB endpoint: DynamoDB Local by default, LocalStack in the opt-in profile. Each table is named after
 * its logical ID.
 */
public final class TemplateTables {
    private TemplateTables() {
    }

    public static void create(DynamoDbClient client, List<SamTemplate.Table> tables) {
        for (SamTemplate.Table table : tables) {
            create(client, table);
        }
    }

    private static void create(DynamoDbClient client, SamTemplate.Table table) {
        JsonNode p = table.properties();
        List<AttributeDefinition> attributes = new ArrayList<>();
        p.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        p.path("GlobalSecondaryIndexes").forEach(i -> indexes.add(GlobalSecondaryIndex.builder()
                .indexName(i.path("IndexName").asText()).keySchema(keys(i.path("KeySchema")))
                .projection(Projection.builder().projectionType(i.path("Projection").path("ProjectionType").asText()).build())
                .build()));
        CreateTableRequest.Builder request = CreateTableRequest.builder().tableName(table.logicalId())
                .attributeDefinitions(attributes).keySchema(keys(p.path("KeySchema")))
                .billingMode(BillingMode.fromValue(p.path("BillingMode").asText("PAY_PER_REQUEST")));
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        client.createTable(request.build());
        JsonNode ttl = p.path("TimeToLiveSpecification");
        if (ttl.path("Enabled").asBoolean(false)) {
            client.updateTimeToLive(b -> b.tableName(table.logicalId()).timeToLiveSpecification(t -> t
                    .attributeName(ttl.path("AttributeName").asText()).enabled(true)));
        }
    }

    private static List<KeySchemaElement> keys(JsonNode schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(KeySchemaElement.builder().attributeName(k.path("AttributeName").asText())
                .keyType(k.path("KeyType").asText()).build()));
        return keys;
    }

}
