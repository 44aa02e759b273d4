package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every Task state of statemachine.asl.json against the function template.yaml gives it: the task's
 * {@code TimeoutSeconds} outlasts the function (so that a {@code States.Timeout} retry never starts while the
 * timed-out invocation may still be running its side effect), and its retriers cover the Lambda service errors
 * Step Functions documents for {@code lambda:invoke}.
 */
class StateMachineTasksTest {
    /**
     * Lambda's init phase (at most 10 s, not counted in the function's {@code Timeout}) and the invoke round trip
     * come on top of the function's own run: a task waits that much longer than its function may run.
     */
    static final int MARGIN_SECONDS = 15;

    /** "Handle Lambda service exceptions" (Step Functions developer guide) and Lambda's throttling error. */
    static final List<String> LAMBDA_SERVICE_ERRORS = List.of("Lambda.ClientExecutionTimeoutException",
            "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException");

    private static JsonNode read(ObjectMapper mapper, String resource) throws Exception {
        try (InputStream in = SamTemplate.resource(resource)) {
            return mapper.readTree(in);
        }
    }

    /** Task state name → its definition, through every Map's ItemProcessor. */
    private static Map<String, JsonNode> tasks(JsonNode states, Map<String, JsonNode> into) {
        states.fields().forEachRemaining(e -> {
            if ("Task".equals(e.getValue().path("Type").asText())) {
                into.put(e.getKey(), e.getValue());
            }
            JsonNode nested = e.getValue().path("ItemProcessor").path("States");
            if (nested.isObject()) {
                tasks(nested, into);
            }
        });
        return into;
    }

    @Test
    void everyTaskWaitsLongerThanItsFunctionMayRun_andRetriesLambdasServiceErrors() throws Exception {
        JsonNode template = read(new ObjectMapper(new YAMLFactory()), "template.yaml");
        JsonNode resources = template.path("Resources");
        int globalTimeout = template.path("Globals").path("Function").path("Timeout").asInt(3);
        JsonNode machine = resources.path(SamTemplate.fromClasspath().stateMachine().logicalId()).path("Properties");
        Map<String, JsonNode> tasks = tasks(read(new ObjectMapper(), machine.path("DefinitionUri").asText())
                .path("States"), new LinkedHashMap<>());
        assertEquals(11, tasks.size(), tasks.keySet()::toString);
        for (Map.Entry<String, JsonNode> e : tasks.entrySet()) {
            String state = e.getKey();
            JsonNode task = e.getValue();
            assertEquals("arn:aws:states:::lambda:invoke", task.path("Resource").asText(), state);
            String placeholder = task.path("Parameters").path("FunctionName").asText()
                    .replaceAll("^\\$\\{(.+)}$", "$1");
            String function = machine.path("DefinitionSubstitutions").path(placeholder).path("Ref").asText()
                    .replace(".Alias", "");
            JsonNode properties = resources.path(function).path("Properties");
            assertFalse(properties.isMissingNode(), state + " calls " + function + ", which template.yaml lacks");
            int lambdaTimeout = properties.path("Timeout").asInt(globalTimeout);
            assertTrue(task.path("TimeoutSeconds").isInt(), state + " has no TimeoutSeconds");
            int taskTimeout = task.path("TimeoutSeconds").asInt();
            assertTrue(taskTimeout >= lambdaTimeout + MARGIN_SECONDS, state + ": TimeoutSeconds " + taskTimeout
                    + " must be at least " + function + "'s Timeout " + lambdaTimeout + " + " + MARGIN_SECONDS + " s");

            Set<String> retried = new TreeSet<>();
            task.path("Retry").forEach(r -> {
                if (r.path("MaxAttempts").asInt(3) > 0) {
                    r.path("ErrorEquals").forEach(n -> retried.add(n.asText()));
                }
            });
            assertTrue(retried.containsAll(LAMBDA_SERVICE_ERRORS), state + " retries " + retried
                    + " but not all of " + LAMBDA_SERVICE_ERRORS);
        }
    }
}
