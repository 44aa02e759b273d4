package dev.campaigns.store;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * DynamoDB Local in this JVM (no server, no port) with tables shaped as template.yaml's {@code CampaignsTable}
 * ({@link #DEFINITION}; {@code TemplateTableDefinitionTest} checks that the template still says so). One instance is
 * shared by the store tests of a run; each test makes its own table.
 */
final class LocalCampaignsTable {
    /** The key attributes and indexes the stores rely on, as template.yaml declares them. */
    static final List<String> DEFINITION = List.of(
            "{AttributeName: PK, KeyType: HASH}", "{AttributeName: SK, KeyType: RANGE}",
            "IndexName: Owner", "{AttributeName: GSI1PK, KeyType: HASH}", "{AttributeName: GSI1SK, KeyType: RANGE}",
            "IndexName: Errors", "{AttributeName: ERRPK, KeyType: HASH}",
            "IndexName: Sync", "{AttributeName: SYNCPK, KeyType: HASH}", "{AttributeName: SYNCSK, KeyType: RANGE}");

    private static AmazonDynamoDBLocal local;

    private LocalCampaignsTable() {
    }

    static synchronized DynamoDbClient client() {
        if (local == null) {
            local = DynamoDBEmbedded.create(true); // true: telemetry off, as the embedded runtime's server runs
        }
        return local.dynamoDbClient();
    }

    /** Creates a fresh table shaped as CampaignsTable and returns its name. */
    static String create() {
        String name = "Campaigns-" + UUID.randomUUID();
        client().createTable(CreateTableRequest.builder().tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(s("PK"), s("SK"), s("GSI1PK"), s("GSI1SK"), s("ERRPK"), s("SYNCPK"), s("SYNCSK"))
                .keySchema(key("PK", KeyType.HASH), key("SK", KeyType.RANGE))
                .globalSecondaryIndexes(
                        index("Owner", ProjectionType.ALL, key("GSI1PK", KeyType.HASH), key("GSI1SK", KeyType.RANGE)),
                        index("Errors", ProjectionType.ALL, key("ERRPK", KeyType.HASH), key("SK", KeyType.RANGE)),
                        index("Sync", ProjectionType.KEYS_ONLY, key("SYNCPK", KeyType.HASH),
                                key("SYNCSK", KeyType.RANGE)))
                .build());
        return name;
    }

    private static AttributeDefinition s(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static GlobalSecondaryIndex index(String name, ProjectionType projection, KeySchemaElement... keys) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(keys)
                .projection(Projection.builder().projectionType(projection).build()).build();
    }
}
