package dev.campaigns.infra.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The handler of limits-test-template.yaml's functions. As a direct Lambda resolver (an event with {@code info}) it
 * resolves the test schema's fields; invoked directly, {@code action} says what to do: {@code sleep} (ms),
 * {@code answer} (a text of {@code bytes} bytes), {@code context} (what the Lambda context says), {@code lateWrite}
 * (ignore the interrupt of a timeout, keep working for {@code ms}, then write an item to DynamoDB at
 * {@code endpoint}; what happened is reported in {@link #LATE_WRITES}).
 */
public final class LimitsTestHandler implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Per request ID: the outcome of a lateWrite, "written" or the exception's message. */
    static final Map<String, String> LATE_WRITES = new ConcurrentHashMap<>();
    /** Counted down when a lateWrite has its outcome. */
    static volatile CountDownLatch lateWriteDone = new CountDownLatch(1);

    public LimitsTestHandler() {
        // this handler needs no collaborators
    }

    /** The handler of {@code function}, which limits-test-template.yaml says is this class. */
    static LimitsTestHandler forFunction(SamTemplate.Function function) {
        if (!function.handlerClass().equals(LimitsTestHandler.class.getName())) {
            throw new IllegalStateException(function.logicalId() + "'s handler is " + function.handlerClass());
        }
        return new LimitsTestHandler();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        Object answer;
        if (event.has("rawPath")) {
            // a function URL event: answers the length of the body it got
            String body = event.path("body").asText();
            int length = event.path("isBase64Encoded").asBoolean()
                    ? java.util.Base64.getDecoder().decode(body).length : body.getBytes(StandardCharsets.UTF_8).length;
            answer = Map.of("statusCode", 200, "body", Integer.toString(length));
        } else if (event.has("info")) {
            JsonNode args = event.path("arguments");
            answer = switch (event.path("info").path("fieldName").asText()) {
                case "sleep" -> sleep(args.path("ms").asLong());
                case "answer" -> "x".repeat(args.path("bytes").asInt());
                case "length" -> args.path("text").asText().length();
                default -> throw new IllegalArgumentException("unknown field");
            };
        } else {
            answer = switch (event.path("action").asText()) {
                case "sleep" -> sleep(event.path("ms").asLong());
                case "answer" -> "x".repeat(event.path("bytes").asInt());
                case "context" -> Map.of("remainingMillis", context.getRemainingTimeInMillis(),
                        "memoryMb", context.getMemoryLimitInMB(), "requestId", context.getAwsRequestId());
                case "lateWrite" -> lateWrite(event, context);
                case "length" -> event.path("text").asText().length();
                default -> throw new IllegalArgumentException("unknown action");
            };
        }
        output.write(JSON.writeValueAsString(answer).getBytes(StandardCharsets.UTF_8));
    }

    private static String sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted", e);
        }
        return "slept";
    }

    /** Works on past the timeout whatever the interrupt says, as code that swallows interrupts would. */
    private static String lateWrite(JsonNode event, Context context) {
        long until = System.nanoTime() + event.path("ms").asLong() * 1_000_000L;
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException swallowed) {
                // keeps going
            }
        }
        String outcome;
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(java.net.URI.create(event.path("endpoint").asText()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .build()) {
            dynamo.putItem(b -> b.tableName(event.path("table").asText()).item(Map.of(
                    "PK", AttributeValue.fromS("late"), "SK", AttributeValue.fromS(context.getAwsRequestId()))));
            outcome = "written";
        } catch (RuntimeException e) {
            outcome = e.getMessage();
        }
        LATE_WRITES.put(context.getAwsRequestId(), outcome);
        lateWriteDone.countDown();
        return outcome;
    }
}
