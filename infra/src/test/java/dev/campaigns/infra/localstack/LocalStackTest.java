package dev.campaigns.infra.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.git.DiffStat;
import dev.campaigns.handlers.Services;
import dev.campaigns.infra.local.SamTemplate;
import dev.campaigns.infra.local.TemplateTables;
import dev.campaigns.store.CampaignStore;
import dev.campaigns.store.DynamoBlobStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The opt-in LocalStack profile ({@code mvn -Plocalstack verify}): the template's tables, the store and the code
 * host token from Secrets Manager, on LocalStack's DynamoDB and Secrets Manager. Needs a Docker engine; without one
 * JUnit reports this class as skipped ("Docker is not available") and the build stays green.
 */
@Tag("localstack")
@Testcontainers(disabledWithoutDocker = true)
class LocalStackTest {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer("localstack/localstack:3.8")
            .withServices("dynamodb", "secretsmanager");

    private Map<String, String> env(String secretArn) {
        return Map.of("AWS_REGION", LOCALSTACK.getRegion(), "AWS_ACCESS_KEY_ID", LOCALSTACK.getAccessKey(),
                "AWS_SECRET_ACCESS_KEY", LOCALSTACK.getSecretKey(),
                "AWS_ENDPOINT_URL", LOCALSTACK.getEndpoint().toString(),
                "CAMPAIGNS_TABLE", "CampaignsTable", "BLOBS_TABLE", "BlobsTable", "IDEMPOTENCY_TABLE", "IdempotencyTable",
                "CODE_HOST_TOKEN_SECRET_ARN", secretArn, "CODE_HOST_API_URL", "http://127.0.0.1:1/api/v3",
                "CODE_HOST_GIT_URL", "http://127.0.0.1:1");
    }

    @Test
    void theStoreAndTheSecretWorkOnLocalStack() {
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion())).credentialsProvider(credentials).build();
             SecretsManagerClient secrets = SecretsManagerClient.builder().endpointOverride(LOCALSTACK.getEndpoint())
                     .region(Region.of(LOCALSTACK.getRegion())).credentialsProvider(credentials).build()) {
            TemplateTables.create(dynamo, SamTemplate.fromClasspath().tables());
            String arn = secrets.createSecret(b -> b.name("campaigns/token").secretString("ghp_fromSecretsManager"))
                    .arn();

            Services services = new Services(env(arn));
            assertEquals("***", services.codeHost().redact("ghp_fromSecretsManager"));

            CampaignStore store = new CampaignStore(dynamo, "CampaignsTable");
            store.createPlan(new CampaignPlan("p1", "alice", Instant.now(), new JobCounters(0, 0, 0), null));
            assertEquals(1, store.addCampaignJobs("p1", List.of(new dev.campaigns.store.PlanRepository.NewCampaignJob(
                    new CampaignJob("p1", "000000", "o/r", "main", "main", "patch/x", JobState.PENDING, null, null), 1)),
                    10, 100));
            assertTrue(store.completeCampaignJob("p1", "000000", new DiffStat(1, 0, 0)));
            assertFalse(store.completeCampaignJob("p1", "000000", new DiffStat(1, 0, 0)), "a second completion is a no-op");
            assertEquals(new JobCounters(1, 1, 0), store.plan("p1").orElseThrow().counters());

            DynamoBlobStore blobs = new DynamoBlobStore(dynamo, "BlobsTable");
            byte[] big = new byte[900_000];
            new java.util.Random(1).nextBytes(big);
            blobs.put("blob/big", big);
            assertTrue(java.util.Arrays.equals(big, blobs.get("blob/big").orElseThrow()));
        }
    }
}
