package dev.campaigns.store;

import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The repository contract on the DynamoDB implementations, over DynamoDB Local in this JVM: a table shaped as
 * template.yaml's CampaignsTable and one shaped as its IdempotencyTable (partition key {@code id}), fresh per test.
 */
class DynamoRepositoryContractTest extends RepositoryContract {
    @Override
    protected Repositories fresh() {
        DynamoDbClient client = LocalCampaignsTable.client();
        DynamoTable table = new DynamoTable(client, LocalCampaignsTable.create());
        String idempotency = "Idempotency-" + UUID.randomUUID();
        client.createTable(CreateTableRequest.builder().tableName(idempotency).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()).build());
        CampaignStore campaigns = new CampaignStore(table);
        return new Repositories(campaigns, campaigns, new ChangesetStore(table),
                new DynamoIdempotencyRecords(client, idempotency));
    }
}
