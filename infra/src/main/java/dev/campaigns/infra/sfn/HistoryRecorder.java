package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes an execution's history events with AWS's type and details names, so that the executors say what
 * happened ({@code taskScheduled}, {@code mapIterationStarted}, ...) and never how an event is shaped. Each method
 * appends after its line of control's {@code cursor} and moves it; one recorder per execution, thread-safe (the
 * {@link Execution} serialises appends).
 */
final class HistoryRecorder {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Execution exec;

    HistoryRecorder(Execution exec) {
        this.exec = exec;
    }

    // ---- executions and states --------------------------------------------------------------------------------

    void executionStarted(Execution.Cursor cursor, String input, String roleArn) {
        ObjectNode d = F.objectNode();
        d.put("input", input);
        d.putObject("inputDetails").put("truncated", false);
        d.put("roleArn", roleArn);
        exec.add(cursor, "ExecutionStarted", "executionStartedEventDetails", d);
    }

    void stateEntered(Execution.Cursor cursor, String type, String name, JsonNode input) {
        ObjectNode d = F.objectNode();
        d.put("name", name);
        d.put("input", JsonPaths.compact(input));
        d.putObject("inputDetails").put("truncated", false);
        exec.add(cursor, type + "StateEntered", "stateEnteredEventDetails", d);
    }

    void stateExited(Execution.Cursor cursor, String type, String name, JsonNode output) {
        ObjectNode d = F.objectNode();
        d.put("name", name);
        d.put("output", JsonPaths.compact(output));
        d.putObject("outputDetails").put("truncated", false);
        exec.add(cursor, type + "StateExited", "stateExitedEventDetails", d);
    }

    // ---- service integrations (lambda:invoke) -----------------------------------------------------------------

    void taskScheduled(Execution.Cursor cursor, String resource, String region, JsonNode parameters,
                       Long timeoutSeconds, Long heartbeatSeconds) {
        ObjectNode d = F.objectNode();
        d.put("resourceType", "lambda");
        d.put("resource", resource);
        d.put("region", region);
        d.put("parameters", JsonPaths.compact(parameters));
        if (timeoutSeconds != null) {
            d.put("timeoutInSeconds", timeoutSeconds);
        }
        if (heartbeatSeconds != null) {
            d.put("heartbeatInSeconds", heartbeatSeconds);
        }
        exec.add(cursor, "TaskScheduled", "taskScheduledEventDetails", d);
    }

    void taskStarted(Execution.Cursor cursor, String resource) {
        exec.add(cursor, "TaskStarted", "taskStartedEventDetails", resource(resource));
    }

    void taskSubmitted(Execution.Cursor cursor, String resource, JsonNode output) {
        exec.add(cursor, "TaskSubmitted", "taskSubmittedEventDetails", withOutput(resource(resource), output));
    }

    void taskSucceeded(Execution.Cursor cursor, String resource, JsonNode output) {
        exec.add(cursor, "TaskSucceeded", "taskSucceededEventDetails", withOutput(resource(resource), output));
    }

    void taskFailed(Execution.Cursor cursor, String resource, String error, String cause) {
        exec.add(cursor, "TaskFailed", "taskFailedEventDetails", withError(resource(resource), error, cause));
    }

    void taskTimedOut(Execution.Cursor cursor, String resource, String error, String cause) {
        exec.add(cursor, "TaskTimedOut", "taskTimedOutEventDetails", withError(resource(resource), error, cause));
    }

    // ---- Lambda function ARNs as resources --------------------------------------------------------------------

    void lambdaFunctionScheduled(Execution.Cursor cursor, String arn, JsonNode input, Long timeoutSeconds) {
        ObjectNode d = F.objectNode();
        d.put("resource", arn);
        d.put("input", JsonPaths.compact(input));
        d.putObject("inputDetails").put("truncated", false);
        if (timeoutSeconds != null) {
            d.put("timeoutInSeconds", timeoutSeconds);
        }
        exec.add(cursor, "LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", d);
    }

    void lambdaFunctionStarted(Execution.Cursor cursor) {
        exec.add(cursor, "LambdaFunctionStarted", null, null);
    }

    void lambdaFunctionSucceeded(Execution.Cursor cursor, JsonNode output) {
        exec.add(cursor, "LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails",
                withOutput(F.objectNode(), output));
    }

    void lambdaFunctionFailed(Execution.Cursor cursor, String error, String cause) {
        exec.add(cursor, "LambdaFunctionFailed", "lambdaFunctionFailedEventDetails",
                withError(F.objectNode(), error, cause));
    }

    void lambdaFunctionTimedOut(Execution.Cursor cursor, String error, String cause) {
        exec.add(cursor, "LambdaFunctionTimedOut", "lambdaFunctionTimedOutEventDetails",
                withError(F.objectNode(), error, cause));
    }

    // ---- Parallel and Map -------------------------------------------------------------------------------------

    /** @return the event's id, which each branch's first event follows */
    long parallelStateStarted(Execution.Cursor cursor) {
        return exec.add(cursor, "ParallelStateStarted", null, null);
    }

    void parallelStateSucceeded(Execution.Cursor cursor) {
        exec.add(cursor, "ParallelStateSucceeded", null, null);
    }

    void parallelStateFailed(Execution.Cursor cursor) {
        exec.add(cursor, "ParallelStateFailed", null, null);
    }

    /** @return the event's id, which each iteration's first event follows */
    long mapStateStarted(Execution.Cursor cursor, int length) {
        ObjectNode d = F.objectNode();
        d.put("length", length);
        return exec.add(cursor, "MapStateStarted", "mapStateStartedEventDetails", d);
    }

    void mapIterationStarted(Execution.Cursor cursor, String name, int index) {
        exec.add(cursor, "MapIterationStarted", "mapIterationStartedEventDetails", iteration(name, index));
    }

    void mapIterationSucceeded(Execution.Cursor cursor, String name, int index) {
        exec.add(cursor, "MapIterationSucceeded", "mapIterationSucceededEventDetails", iteration(name, index));
    }

    void mapIterationFailed(Execution.Cursor cursor, String name, int index) {
        exec.add(cursor, "MapIterationFailed", "mapIterationFailedEventDetails", iteration(name, index));
    }

    void mapStateSucceeded(Execution.Cursor cursor) {
        exec.add(cursor, "MapStateSucceeded", null, null);
    }

    void mapStateFailed(Execution.Cursor cursor) {
        exec.add(cursor, "MapStateFailed", null, null);
    }

    void mapRunStarted(Execution.Cursor cursor, String mapRunArn) {
        ObjectNode d = F.objectNode();
        d.put("mapRunArn", mapRunArn);
        exec.add(cursor, "MapRunStarted", "mapRunStartedEventDetails", d);
    }

    void mapRunSucceeded(Execution.Cursor cursor) {
        exec.add(cursor, "MapRunSucceeded", null, null);
    }

    void mapRunFailed(Execution.Cursor cursor, String error, String cause) {
        exec.add(cursor, "MapRunFailed", "mapRunFailedEventDetails", withError(F.objectNode(), error, cause));
    }

    // ---- details ----------------------------------------------------------------------------------------------

    private static ObjectNode resource(String resource) {
        ObjectNode d = F.objectNode();
        d.put("resourceType", "lambda");
        d.put("resource", resource);
        return d;
    }

    private static ObjectNode withOutput(ObjectNode d, JsonNode output) {
        d.put("output", JsonPaths.compact(output));
        d.putObject("outputDetails").put("truncated", false);
        return d;
    }

    private static ObjectNode withError(ObjectNode d, String error, String cause) {
        d.put("error", error);
        d.put("cause", cause);
        return d;
    }

    private static ObjectNode iteration(String name, int index) {
        ObjectNode d = F.objectNode();
        d.put("name", name);
        d.put("index", index);
        return d;
    }
}
