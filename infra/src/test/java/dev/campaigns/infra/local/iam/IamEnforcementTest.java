package dev.campaigns.infra.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.local.LocalCampaigns;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The embedded stack enforces each role's policies of template.yaml as AWS does, with AWS's errors: a function's
 * call outside its policies is refused with {@code AccessDeniedException} (SQS: {@code AccessDenied}) and IAM's
 * message, and changes nothing; a transaction is refused by the item its role may not write; a bad signature or a
 * foreign key is refused before any policy is read. The state machine's and AppSync's roles invoke only what
 * their policies name.
 */
class IamEnforcementTest {
    private static final String TOKEN = "ghp_iamEnforcement0123456789";
    private static final String ACCOUNT_REGION = "us-east-1:000000000000";
    private static LocalCampaigns stack;

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(TOKEN));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Map<String, String> env(String function) {
        return stack.functionEnvironment(function);
    }

    private static AwsCredentialsProvider credentials(String function) {
        Map<String, String> e = env(function);
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(e.get("AWS_ACCESS_KEY_ID"),
                e.get("AWS_SECRET_ACCESS_KEY"), e.get("AWS_SESSION_TOKEN")));
    }

    private static DynamoDbClient dynamo(String function, AwsCredentialsProvider credentials) {
        return DynamoDbClient.builder().endpointOverride(URI.create(env(function).get("AWS_ENDPOINT_URL_DYNAMODB")))
                .region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private static String session(String function) {
        return stack.iam().principal(function).sessionArn();
    }

    private static void assertDenied(AwsServiceException e, int status, String code, String message) {
        assertEquals(status, e.statusCode(), e::toString);
        assertEquals(code, e.awsErrorDetails().errorCode(), e::toString);
        assertEquals(message, e.awsErrorDetails().errorMessage());
    }

    @Test
    void aWriteOutsideTheQueryResolversReadPolicyIsDeniedAndChangesNothing() {
        Map<String, AttributeValue> key = Map.of("PK", AttributeValue.fromS("IAM#probe"), "SK",
                AttributeValue.fromS("probe"));
        try (DynamoDbClient queries = dynamo("QueryResolverFunction", credentials("QueryResolverFunction"))) {
            AwsServiceException e = assertThrows(AwsServiceException.class,
                    () -> queries.putItem(b -> b.tableName("CampaignsTable").item(key)));
            String table = "arn:aws:dynamodb:" + ACCOUNT_REGION + ":table/CampaignsTable";
            assertDenied(e, 400, "AccessDeniedException", "User: " + session("QueryResolverFunction")
                    + " is not authorized to perform: dynamodb:PutItem on resource: " + table
                    + " because no identity-based policy allows the dynamodb:PutItem action");
            assertTrue(session("QueryResolverFunction").matches("arn:aws:sts::000000000000:assumed-role/"
                    + "campaigns-local-QueryResolverFunctionRole-[A-Z0-9]{12}/QueryResolverFunction"));
            assertFalse(queries.getItem(b -> b.tableName("CampaignsTable").key(key)).hasItem(), "reads are allowed");
            assertFalse(stack.dynamo().getItem(b -> b.tableName("CampaignsTable").key(key)).hasItem());
            queries.query(b -> b.tableName("CampaignsTable").indexName("Owner")
                    .keyConditionExpression("GSI1PK = :o").expressionAttributeValues(Map.of(":o",
                            AttributeValue.fromS("OWNER#nobody"))));
        }
    }

    @Test
    void aTransactionIsRefusedByTheItemItsRoleMayNotWrite() {
        Map<String, AttributeValue> item = Map.of("PK", AttributeValue.fromS("IAM#tx"), "SK", AttributeValue.fromS("tx"));
        try (DynamoDbClient recorder = dynamo("RecordChangesetJobFailureFunction",
                credentials("RecordChangesetJobFailureFunction"))) {
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> recorder.transactWriteItems(b -> b
                    .transactItems(TransactWriteItem.builder().update(u -> u.tableName("CampaignsTable").key(item)
                                    .updateExpression("SET probe = :p")
                                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("x")))).build(),
                            TransactWriteItem.builder().conditionCheck(c -> c.tableName("IdempotencyTable")
                                    .key(Map.of("id", AttributeValue.fromS("x")))
                                    .conditionExpression("attribute_not_exists(id)")).build())));
            assertDenied(e, 400, "AccessDeniedException", "User: " + session("RecordChangesetJobFailureFunction")
                    + " is not authorized to perform: dynamodb:ConditionCheckItem on resource: arn:aws:dynamodb:"
                    + ACCOUNT_REGION + ":table/IdempotencyTable because no identity-based policy allows the "
                    + "dynamodb:ConditionCheckItem action");
        }
        assertFalse(stack.dynamo().getItem(b -> b.tableName("CampaignsTable").key(item)).hasItem(),
                "the transaction's allowed item was not written either");
    }

    @Test
    void onlyTheFunctionsThatTalkToTheCodeHostReadTheToken() {
        String arn = env("CommitChangesetFunction").get("CODE_HOST_TOKEN_SECRET_ARN");
        assertTrue(arn.startsWith("arn:aws:secretsmanager:" + ACCOUNT_REGION + ":secret:campaigns/code-host-token-"),
                arn);
        try (SecretsManagerClient committer = secrets("CommitChangesetFunction")) {
            assertEquals(TOKEN, committer.getSecretValue(b -> b.secretId(arn)).secretString());
            AwsServiceException missing = assertThrows(AwsServiceException.class,
                    () -> committer.getSecretValue(b -> b.secretId("campaigns/another")));
            assertEquals("AccessDeniedException", missing.awsErrorDetails().errorCode(),
                    "IAM decides before the secret is looked up");
        }
        for (String function : new String[] {"QueryResolverFunction", "PrepareChangesetJobPageFunction",
                "RecordChangesetJobFailureFunction", "FinishCampaignFunction"}) {
            try (SecretsManagerClient reader = secrets(function)) {
                AwsServiceException e = assertThrows(AwsServiceException.class,
                        () -> reader.getSecretValue(b -> b.secretId(arn)));
                assertDenied(e, 400, "AccessDeniedException", "User: " + session(function) + " is not authorized to "
                        + "perform: secretsmanager:GetSecretValue on resource: " + arn + " because no identity-based "
                        + "policy allows the secretsmanager:GetSecretValue action");
            }
        }
        assertFalse(env("CommitChangesetFunction").containsKey("CODE_HOST_TOKEN"), "the token is no environment value");
    }

    private static SecretsManagerClient secrets(String function) {
        return client(SecretsManagerClient.builder(), function, "SECRETS_MANAGER");
    }

    /** A client of {@code function}, signed with its role's credentials, at the endpoint its environment names. */
    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder,
                                                                                            String function,
                                                                                            String service) {
        return builder.endpointOverride(URI.create(env(function).get("AWS_ENDPOINT_URL_" + service)))
                .region(Region.US_EAST_1).credentialsProvider(credentials(function))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @Test
    void theWebhookReceiverSendsToItsQueueOnly() {
        try (SqsClient receiver = client(SqsClient.builder(), "WebhookReceiverFunction", "SQS")) {
            String close = stack.sqs().urls().get("CloseChangesetsQueue");
            AwsServiceException e = assertThrows(AwsServiceException.class,
                    () -> receiver.sendMessage(b -> b.queueUrl(close).messageBody("{}")));
            assertDenied(e, 403, "AccessDenied", "User: " + session("WebhookReceiverFunction") + " is not authorized "
                    + "to perform: sqs:sendmessage on resource: arn:aws:sqs:" + ACCOUNT_REGION + ":CloseChangesetsQueue"
                    + " because no identity-based policy allows the sqs:sendmessage action");
        }
    }

    @Test
    void onlyTheResolversStartExecutions() {
        try (SfnClient queries = client(SfnClient.builder(), "QueryResolverFunction", "SFN")) {
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> queries.startExecution(b -> b
                    .stateMachineArn(stack.stateMachineArn()).name("iam-probe").input("{}")));
            assertDenied(e, 400, "AccessDeniedException", "User: " + session("QueryResolverFunction") + " is not "
                    + "authorized to perform: states:StartExecution on resource: " + stack.stateMachineArn()
                    + " because no identity-based policy allows the states:StartExecution action");
        }
        assertTrue(stack.stepFunctions().listExecutions(stack.stateMachineArn(), null).isEmpty());
    }

    @Test
    void theStateMachineAndAppSyncInvokeOnlyTheFunctionsTheirRolesName() {
        String machineRole = stack.iam().principal("CampaignsStateMachine").roleArn();
        String functions = "arn:aws:lambda:" + ACCOUNT_REGION + ":function:";
        assertNull(stack.iam().denialForRole(machineRole, "lambda:InvokeFunction", functions + "CommitChangesetFunction:live"));
        assertNull(stack.iam().denialForRole(machineRole, "states:StartExecution", stack.stateMachineArn()));
        String denied = stack.iam().denialForRole(machineRole, "lambda:InvokeFunction",
                functions + "QueryResolverFunction:live");
        assertNotNull(denied);
        assertTrue(denied.contains("assumed-role/campaigns-local-CampaignsStateMachineRole-"), denied);
        assertNull(stack.iam().denial("AppSyncInvokeRole", "lambda:InvokeFunction",
                functions + "CampaignResolverFunction:live"));
        assertEquals("User: " + stack.iam().principal("AppSyncInvokeRole").sessionArn() + " is not authorized to "
                        + "perform: lambda:InvokeFunction on resource: " + functions + "CommitChangesetFunction:live "
                        + "because no identity-based policy allows the lambda:InvokeFunction action",
                stack.iam().denial("AppSyncInvokeRole", "lambda:InvokeFunction",
                        functions + "CommitChangesetFunction:live"));
        assertTrue(stack.iam().principal("AppSyncInvokeRole").sessionArn().endsWith("/APPSYNC_ASSUME_ROLE"));
    }

    @Test
    void aBadSignatureOrAForeignKeyIsRefusedBeforeAnyPolicy() {
        Map<String, String> e = env("QueryResolverFunction");
        try (DynamoDbClient wrongSecret = dynamo("QueryResolverFunction", StaticCredentialsProvider.create(
                AwsSessionCredentials.create(e.get("AWS_ACCESS_KEY_ID"), "not-the-secret", e.get("AWS_SESSION_TOKEN"))))) {
            AwsServiceException ex = assertThrows(AwsServiceException.class,
                    () -> wrongSecret.getItem(b -> b.tableName("CampaignsTable").key(Map.of("PK",
                            AttributeValue.fromS("x"), "SK", AttributeValue.fromS("y")))));
            assertEquals("InvalidSignatureException", ex.awsErrorDetails().errorCode());
            assertTrue(ex.awsErrorDetails().errorMessage().startsWith("The request signature we calculated does not "
                    + "match the signature you provided."), ex.awsErrorDetails().errorMessage());
        }
        try (DynamoDbClient stranger = dynamo("QueryResolverFunction", StaticCredentialsProvider.create(
                AwsSessionCredentials.create("ASIASTRANGER00000000", "secret", "token")))) {
            AwsServiceException ex = assertThrows(AwsServiceException.class,
                    () -> stranger.listTables());
            assertEquals("UnrecognizedClientException", ex.awsErrorDetails().errorCode());
            assertEquals("The security token included in the request is invalid.", ex.awsErrorDetails().errorMessage());
        }
    }
}
