package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.sfn.ExecutionDescription;
import dev.campaigns.infra.sfn.ExecutionStatus;
import dev.campaigns.infra.sfn.HistoryEvent;
import dev.campaigns.infra.sfn.InvocationResult;
import dev.campaigns.infra.sfn.LambdaServiceException;
import dev.campaigns.infra.sfn.LocalStepFunctions;
import dev.campaigns.infra.sfn.SfnConfig;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Lambda's limits in the local runtime, each with AWS's error: request and response payloads (6 MB synchronous,
 * 1 MB asynchronous), each function's Timeout (Lambda's Sandbox.Timedout, as Step Functions then reports and
 * retries it), a timed-out invocation's later work has no visible effect, and the context reports the function's
 * Timeout and MemorySize. Functions of limits-test-template.yaml, handler {@link LimitsTestHandler}.
 */
class LambdaLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static SamTemplate template;
    static LocalLambdas lambdas;

    @BeforeAll
    static void start() {
        template = testTemplate();
        lambdas = new LocalLambdas(template.functions(), f -> LimitsTestHandler.forFunction(f));
    }

    @AfterAll
    static void stop() {
        lambdas.close();
    }

    static SamTemplate testTemplate() {
        InputStream in = SamTemplate.resource("limits-test-template.yaml");
        return SamTemplate.parse(in);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request payload of exactly {@code bytes} UTF-8 bytes: {"action":"length","text":"aaa..."}. */
    static String requestOf(int bytes) {
        String shell = json(Map.of("action", "length", "text", ""));
        return shell.replace("\"text\":\"\"", "\"text\":\"" + "a".repeat(bytes - shell.length()) + "\"");
    }

    @Test
    void theTemplatesTimeoutAndMemorySizeReachTheFunction_ownElseGlobalsElseLambdasDefaults() throws Exception {
        Map<String, SamTemplate.Function> byId = new java.util.HashMap<>();
        template.functions().forEach(f -> byId.put(f.logicalId(), f));
        assertEquals(2, byId.get("QuickFunction").timeoutSeconds());
        assertEquals(512, byId.get("QuickFunction").memorySize());
        assertEquals(3, byId.get("DefaultsFunction").timeoutSeconds(), "Lambda's default Timeout");
        assertEquals(256, byId.get("DefaultsFunction").memorySize(), "the Globals' MemorySize");

        JsonNode quick = JSON.readTree(lambdas.invoke("QuickFunction", "{\"action\":\"context\"}").payloadJson());
        assertEquals(512, quick.path("memoryMb").asInt());
        assertTrue(quick.path("remainingMillis").asInt() > 0 && quick.path("remainingMillis").asInt() <= 2000, quick.toString());
        JsonNode defaults = JSON.readTree(lambdas.invoke("DefaultsFunction", "{\"action\":\"context\"}").payloadJson());
        assertEquals(256, defaults.path("memoryMb").asInt());
        assertTrue(defaults.path("remainingMillis").asInt() > 2000 && defaults.path("remainingMillis").asInt() <= 3000,
                defaults.toString());

        // and the real template's functions run with their own settings
        for (SamTemplate.Function f : SamTemplate.fromClasspath().functions()) {
            assertTrue(f.timeoutSeconds() >= 10 && f.timeoutSeconds() <= 900, f.toString());
            assertEquals(1024, f.memorySize(), f.logicalId());
        }
    }

    @Test
    void aRequestOver6MbIsRefusedWithRequestEntityTooLarge_beforeTheFunctionRuns() {
        InvocationResult atLimit = lambdas.invoke("QuickFunction", requestOf(LambdaLimits.SYNC_REQUEST_BYTES));
        assertFalse(atLimit.isFunctionError(), String.valueOf(atLimit.errorMessage()));
        assertEquals(LambdaLimits.SYNC_REQUEST_BYTES - "{\"action\":\"length\",\"text\":\"\"}".length(),
                Integer.parseInt(atLimit.payloadJson()));

        long before = lambdas.invocationCounts().get("QuickFunction");
        LambdaServiceException e = assertThrows(LambdaServiceException.class,
                () -> lambdas.invoke("QuickFunction", requestOf(LambdaLimits.SYNC_REQUEST_BYTES + 1)));
        assertEquals("Lambda.RequestEntityTooLargeException", e.errorName());
        assertEquals("Request must be smaller than 6291456 bytes for the InvokeFunction operation", e.getMessage());
        assertEquals(before, lambdas.invocationCounts().get("QuickFunction"), "the function did not run");
    }

    @Test
    void aResponseOver6MbIsTheFunctionErrorResponseSizeTooLarge() {
        // "x" * n as JSON is n + 2 bytes
        InvocationResult atLimit = lambdas.invoke("QuickFunction",
                json(Map.of("action", "answer", "bytes", LambdaLimits.SYNC_RESPONSE_BYTES - 2)));
        assertFalse(atLimit.isFunctionError());
        assertEquals(LambdaLimits.SYNC_RESPONSE_BYTES, atLimit.payloadJson().length());

        InvocationResult over = lambdas.invoke("QuickFunction",
                json(Map.of("action", "answer", "bytes", LambdaLimits.SYNC_RESPONSE_BYTES - 1)));
        assertTrue(over.isFunctionError());
        assertEquals("Function.ResponseSizeTooLarge", over.errorType());
        assertEquals("Response payload size exceeded maximum allowed payload size (6291556 bytes).",
                over.errorMessage());
    }

    @Test
    void anAsynchronousRequestOver1MbIsRefused() {
        assertFalse(lambdas.startEvent("QuickFunction", requestOf(LambdaLimits.ASYNC_REQUEST_BYTES)).await()
                .isFunctionError());
        LambdaServiceException e = assertThrows(LambdaServiceException.class,
                () -> lambdas.startEvent("QuickFunction", requestOf(LambdaLimits.ASYNC_REQUEST_BYTES + 1)));
        assertEquals("Lambda.RequestEntityTooLargeException", e.errorName());
        assertEquals("1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)",
                e.getMessage());
    }

    @Test
    void anUnknownFunctionIsResourceNotFound() {
        LambdaServiceException e = assertThrows(LambdaServiceException.class,
                () -> lambdas.invoke("NoSuchFunction", "{}"));
        assertEquals("Lambda.ResourceNotFoundException", e.errorName());
    }

    @Test
    void anInvocationLongerThanTheTimeoutEndsWithSandboxTimedout() {
        InvocationResult r = lambdas.invoke("QuickFunction", "{\"action\":\"sleep\",\"ms\":20000}");
        assertTrue(r.isFunctionError());
        assertEquals("Sandbox.Timedout", r.errorType());
        assertTrue(r.errorMessage().matches("RequestId: [0-9a-f-]{36} Error: Task timed out after 2\\.00 seconds"),
                r.errorMessage());
        // the sandbox is free again for the next invocation
        assertEquals("\"slept\"", lambdas.invoke("QuickFunction", "{\"action\":\"sleep\",\"ms\":1}").payloadJson());
    }

    @Test
    void workATimedOutInvocationDoesAfterItsTimeoutHasNoVisibleEffect() throws Exception {
        try (LocalDynamoDb dynamo = LocalDynamoDb.start(SamTemplate.fromClasspath().tables())) {
            LimitsTestHandler.lateWriteDone = new CountDownLatch(1);
            String event = json(Map.of("action", "lateWrite", "ms", 3000, "table", "CampaignsTable",
                    "endpoint", dynamo.endpoint().toString()));
            LocalLambdas.Invocation invocation = lambdas.start("QuickFunction", event);
            InvocationResult r = invocation.await();
            assertEquals("Sandbox.Timedout", r.errorType());
            assertTrue(LimitsTestHandler.lateWriteDone.await(30, TimeUnit.SECONDS), "the late work ran to its end");
            String outcome = LimitsTestHandler.LATE_WRITES.get(invocation.requestId());
            assertTrue(outcome.contains("execution environment of QuickFunction was stopped"), outcome);
            Map<String, AttributeValue> item = dynamo.client().getItem(b -> b.tableName("CampaignsTable")
                    .key(Map.of("PK", AttributeValue.fromS("late"), "SK", AttributeValue.fromS(invocation.requestId())))
                    .consistentRead(true)).item();
            assertTrue(item == null || item.isEmpty(), "no late write reached DynamoDB");
        }
    }

    @Test
    void stepFunctionsSeesALambdaTimeoutAsSandboxTimedout_whichARetrierNamingItRetries() throws Exception {
        try (LocalStepFunctions sfn = new LocalStepFunctions(lambdas, SfnConfig.defaults().withTimeScale(0.001))) {
            String definition = """
                    {"StartAt": "Slow", "States": {
                      "Slow": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                        "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:QuickFunction:live",
                                       "Payload": {"action": "sleep", "ms": 20000}},
                        "Retry": [{"ErrorEquals": ["Sandbox.Timedout"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}],
                        "End": true},
                      "Caught": {"Type": "Pass", "End": true}}}""";
            String machine = sfn.createStateMachine("timeouts", definition, "arn:aws:iam::000000000000:role/sfn");
            String execution = sfn.startExecution(machine, "e1", "{}");
            ExecutionDescription done = sfn.awaitExecution(execution, Duration.ofSeconds(60));
            assertEquals(ExecutionStatus.SUCCEEDED, done.status());
            List<HistoryEvent> failed = sfn.getExecutionHistory(execution).stream()
                    .filter(e -> e.type().equals("TaskFailed")).toList();
            assertEquals(2, failed.size(), "the first attempt and its retry");
            failed.forEach(e -> assertEquals("Sandbox.Timedout", e.detail("error")));
            JsonNode output = JSON.readTree(done.output());
            assertEquals("Sandbox.Timedout", output.path("error").path("Error").asText());
            assertTrue(output.path("error").path("Cause").asText().contains("Task timed out after 2.00 seconds"));
        }
    }

    @Test
    void everyRetrierOfTheStateMachineThatRetriesLambdaUnknownAlsoRetriesSandboxTimedout() throws Exception {
        JsonNode definition;
        try (InputStream in = SamTemplate.resource("statemachine.asl.json")) {
            definition = JSON.readTree(in);
        }
        List<JsonNode> retriers = definition.findValues("Retry").stream()
                .flatMap(r -> java.util.stream.StreamSupport.stream(r.spliterator(), false)).toList();
        long withUnknown = 0;
        for (JsonNode retrier : retriers) {
            List<String> errors = new java.util.ArrayList<>();
            retrier.path("ErrorEquals").forEach(e -> errors.add(e.asText()));
            if (errors.contains("Lambda.Unknown")) {
                withUnknown++;
                assertTrue(errors.contains("Sandbox.Timedout"), retrier.toString());
            }
        }
        assertEquals(11, withUnknown, "one transient retrier per Task state");
    }
}
