package dev.campaigns.infra.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The actions and resources IAM authorises for a request, per service, as the AWS docs state them. */
class RequestActionsTest {
    private static final String T = "arn:aws:dynamodb:us-east-1:000000000000:table/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RequestActions actions = new RequestActions("us-east-1", "000000000000",
            id -> id.equals("campaigns/token") ? Optional.of("arn:aws:secretsmanager:us-east-1:000000000000:secret:"
                    + "campaigns/token-AbCdEf") : Optional.empty());

    private List<ServiceCall> of(LocalService s, String op, String json) throws Exception {
        JsonNode body = JSON.readTree(json);
        return actions.of(s, op, body);
    }

    @Test
    void aTransactionIsAuthorisedPerItemWithTheItemsOwnAction() throws Exception {
        assertEquals(List.of(new ServiceCall("dynamodb:PutItem", T + "A"),
                        new ServiceCall("dynamodb:UpdateItem", T + "A"),
                        new ServiceCall("dynamodb:ConditionCheckItem", T + "B"),
                        new ServiceCall("dynamodb:DeleteItem", T + "B")),
                of(LocalService.DYNAMODB, "TransactWriteItems", "{\"TransactItems\":["
                        + "{\"Put\":{\"TableName\":\"A\"}},{\"Update\":{\"TableName\":\"A\"}},"
                        + "{\"ConditionCheck\":{\"TableName\":\"B\"}},{\"Delete\":{\"TableName\":\"B\"}},"
                        + "{\"Put\":{\"TableName\":\"A\"}}]}"));
        assertEquals(List.of(new ServiceCall("dynamodb:GetItem", T + "A"), new ServiceCall("dynamodb:GetItem", T + "B")),
                of(LocalService.DYNAMODB, "TransactGetItems", "{\"TransactItems\":[{\"Get\":{\"TableName\":\"A\"}},"
                        + "{\"Get\":{\"TableName\":\"B\"}}]}"));
    }

    @Test
    void batchesNeedTheirActionOnEveryTable() throws Exception {
        assertEquals(List.of(new ServiceCall("dynamodb:BatchGetItem", T + "A"),
                        new ServiceCall("dynamodb:BatchGetItem", T + "B")),
                of(LocalService.DYNAMODB, "BatchGetItem", "{\"RequestItems\":{\"A\":{},\"B\":{}}}"));
        assertEquals(List.of(new ServiceCall("dynamodb:BatchWriteItem", T + "A")),
                of(LocalService.DYNAMODB, "BatchWriteItem", "{\"RequestItems\":{\"A\":[]}}"));
    }

    @Test
    void anIndexIsItsOwnResource() throws Exception {
        assertEquals(List.of(new ServiceCall("dynamodb:Query", T + "A/index/Owner")),
                of(LocalService.DYNAMODB, "Query", "{\"TableName\":\"A\",\"IndexName\":\"Owner\"}"));
        assertEquals(List.of(new ServiceCall("dynamodb:Scan", T + "A")),
                of(LocalService.DYNAMODB, "Scan", "{\"TableName\":\"A\"}"));
        assertEquals(List.of(new ServiceCall("dynamodb:GetItem", T + "A")),
                of(LocalService.DYNAMODB, "GetItem", "{\"TableName\":\"A\"}"));
        assertEquals(List.of(new ServiceCall("dynamodb:ListTables", "*")),
                of(LocalService.DYNAMODB, "ListTables", "{}"));
    }

    @Test
    void sqsBatchesNeedTheSingleActionOnTheQueueOfTheirUrl() throws Exception {
        String q = "arn:aws:sqs:us-east-1:000000000000:Events";
        assertEquals(List.of(new ServiceCall("sqs:SendMessage", q)), of(LocalService.SQS, "SendMessageBatch",
                "{\"QueueUrl\":\"http://127.0.0.1:9324/000000000000/Events\"}"));
        assertEquals(List.of(new ServiceCall("sqs:DeleteMessage", q)), of(LocalService.SQS, "DeleteMessageBatch",
                "{\"QueueUrl\":\"https://sqs.us-east-1.amazonaws.com/000000000000/Events\"}"));
        assertEquals(List.of(new ServiceCall("sqs:ReceiveMessage", q)), of(LocalService.SQS, "ReceiveMessage",
                "{\"QueueUrl\":\"http://127.0.0.1:9324/000000000000/Events\"}"));
    }

    @Test
    void stepFunctionsNamesTheMachineOrTheExecution() throws Exception {
        String sm = "arn:aws:states:us-east-1:000000000000:stateMachine:m";
        assertEquals(List.of(new ServiceCall("states:StartExecution", sm)),
                of(LocalService.STEP_FUNCTIONS, "StartExecution", "{\"stateMachineArn\":\"" + sm + "\",\"name\":\"x\"}"));
        String ex = "arn:aws:states:us-east-1:000000000000:execution:m:x";
        assertEquals(List.of(new ServiceCall("states:DescribeExecution", ex)),
                of(LocalService.STEP_FUNCTIONS, "DescribeExecution", "{\"executionArn\":\"" + ex + "\"}"));
    }

    @Test
    void aSecretIsAuthorisedByItsArnAndNamedAsGiven() throws Exception {
        assertEquals(List.of(new ServiceCall("secretsmanager:GetSecretValue",
                        "arn:aws:secretsmanager:us-east-1:000000000000:secret:campaigns/token-AbCdEf", "campaigns/token")),
                of(LocalService.SECRETS_MANAGER, "GetSecretValue", "{\"SecretId\":\"campaigns/token\"}"));
        assertEquals(List.of(new ServiceCall("secretsmanager:GetSecretValue",
                        "arn:aws:secretsmanager:us-east-1:000000000000:secret:missing", "missing")),
                of(LocalService.SECRETS_MANAGER, "GetSecretValue", "{\"SecretId\":\"missing\"}"));
    }
}
