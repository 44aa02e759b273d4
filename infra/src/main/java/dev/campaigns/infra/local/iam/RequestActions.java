package dev.campaigns.infra.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The IAM actions and resources a request needs, as the AWS service authorises it (its operation and its JSON body):
 * <ul>
 *   <li>DynamoDB: the operation's action on the table ARN; {@code Query} and {@code Scan} of an index on the index's
 *       ARN ({@code table/T/index/I}); {@code BatchGetItem}/{@code BatchWriteItem} once per table they name;
 *       {@code TransactWriteItems} per item with the item's own action ({@code PutItem}, {@code UpdateItem},
 *       {@code DeleteItem}, {@code ConditionCheckItem}) on its table and {@code TransactGetItems} per item with
 *       {@code GetItem} (there is no IAM action for a transaction itself);</li>
 *   <li>SQS: the queue's ARN from {@code QueueUrl}; batch operations need the single action
 *       ({@code SendMessageBatch} needs {@code sqs:SendMessage});</li>
 *   <li>Step Functions: the state machine's ARN ({@code StartExecution}, ...) or the execution's
 *       ({@code DescribeExecution}, {@code StopExecution}, ...);</li>
 *   <li>Secrets Manager: the secret's ARN, found by name or ARN as the service finds it; the refusal names the secret
 *       as the caller gave it.</li>
 * </ul>
 */
public final class RequestActions {
    private final String region;
    private final String account;
    private final Function<String, Optional<String>> secretArn;

    /**
     * @param secretArn the ARN of the secret a {@code SecretId} (name, ARN or partial ARN) names, if it exists
     */
    public RequestActions(String region, String account, Function<String, Optional<String>> secretArn) {
        this.region = region;
        this.account = account;
        this.secretArn = secretArn;
    }

    /** What {@code operation} (without its target prefix) with {@code body} asks of {@code service}. */
    public List<ServiceCall> of(LocalService service, String operation, JsonNode body) {
        return switch (service) {
            case DYNAMODB -> dynamoDb(operation, body);
            case SQS -> sqs(operation, body);
            case STEP_FUNCTIONS -> stepFunctions(operation, body);
            case SECRETS_MANAGER -> secretsManager(operation, body);
        };
    }

    private List<ServiceCall> dynamoDb(String op, JsonNode body) {
        String action = "dynamodb:" + op;
        switch (op) {
            case "TransactWriteItems": {
                Set<ServiceCall> calls = new LinkedHashSet<>();
                for (JsonNode item : body.path("TransactItems")) {
                    for (Map.Entry<String, String> kind : Map.of("Put", "PutItem", "Update", "UpdateItem", "Delete",
                            "DeleteItem", "ConditionCheck", "ConditionCheckItem").entrySet()) {
                        if (item.has(kind.getKey())) {
                            calls.add(new ServiceCall("dynamodb:" + kind.getValue(),
                                    table(item.get(kind.getKey()).path("TableName").asText())));
                        }
                    }
                }
                return List.copyOf(calls);
            }
            case "TransactGetItems": {
                Set<ServiceCall> calls = new LinkedHashSet<>();
                for (JsonNode item : body.path("TransactItems")) {
                    calls.add(new ServiceCall("dynamodb:GetItem", table(item.path("Get").path("TableName").asText())));
                }
                return List.copyOf(calls);
            }
            case "BatchGetItem":
            case "BatchWriteItem": {
                List<ServiceCall> calls = new ArrayList<>();
                body.path("RequestItems").fieldNames().forEachRemaining(t -> calls.add(new ServiceCall(action, table(t))));
                return calls;
            }
            case "ListTables":
            case "DescribeLimits":
            case "DescribeEndpoints":
                return List.of(new ServiceCall(action, "*"));
            case "Query":
            case "Scan": {
                String table = table(body.path("TableName").asText());
                String index = body.path("IndexName").asText("");
                return List.of(new ServiceCall(action, index.isEmpty() ? table : table + "/index/" + index));
            }
            default:
                return List.of(new ServiceCall(action, body.has("TableName")
                        ? table(body.path("TableName").asText()) : "*"));
        }
    }

    private String table(String name) {
        return name.startsWith("arn:") ? name : "arn:aws:dynamodb:" + region + ":" + account + ":table/" + name;
    }

    private List<ServiceCall> sqs(String op, JsonNode body) {
        String action = "sqs:" + switch (op) {
            case "SendMessageBatch" -> "SendMessage";
            case "DeleteMessageBatch" -> "DeleteMessage";
            case "ChangeMessageVisibilityBatch" -> "ChangeMessageVisibility";
            default -> op;
        };
        if (op.equals("ListQueues")) {
            return List.of(new ServiceCall(action, "*"));
        }
        if (op.equals("GetQueueUrl") || op.equals("CreateQueue")) {
            String owner = body.path("QueueOwnerAWSAccountId").asText(account);
            return List.of(new ServiceCall(action, "arn:aws:sqs:" + region + ":" + owner + ":"
                    + body.path("QueueName").asText()));
        }
        return List.of(new ServiceCall(action, queueArn(body.path("QueueUrl").asText())));
    }

    /** {@code http://host/ACCOUNT/NAME} → {@code arn:aws:sqs:REGION:ACCOUNT:NAME}. */
    String queueArn(String queueUrl) {
        String path = queueUrl.replaceFirst("^[a-zA-Z]+://[^/]*", "");
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        if (parts.length < 2) {
            return "arn:aws:sqs:" + region + ":" + account + ":" + (parts.length == 1 ? parts[0] : "");
        }
        return "arn:aws:sqs:" + region + ":" + parts[parts.length - 2] + ":" + parts[parts.length - 1];
    }

    private List<ServiceCall> stepFunctions(String op, JsonNode body) {
        String action = "states:" + op;
        for (String field : List.of("executionArn", "stateMachineArn", "mapRunArn", "activityArn")) {
            if (body.hasNonNull(field)) {
                return List.of(new ServiceCall(action, body.get(field).asText()));
            }
        }
        if (op.equals("CreateStateMachine") && body.hasNonNull("name")) {
            return List.of(new ServiceCall(action, "arn:aws:states:" + region + ":" + account + ":stateMachine:"
                    + body.get("name").asText()));
        }
        return List.of(new ServiceCall(action, "*"));
    }

    private List<ServiceCall> secretsManager(String op, JsonNode body) {
        String action = "secretsmanager:" + op;
        if (!body.hasNonNull("SecretId")) {
            return List.of(new ServiceCall(action, "*"));
        }
        String id = body.get("SecretId").asText();
        String arn = secretArn.apply(id).orElse(id.startsWith("arn:") ? id
                : "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + id);
        return List.of(new ServiceCall(action, arn, id));
    }
}
