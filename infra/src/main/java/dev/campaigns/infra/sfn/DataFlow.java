package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * A state's input and output processing, in the States Language's order: InputPath, Parameters (a payload
 * template, with the context object under {@code $$}), the state's work, ResultSelector, ResultPath, OutputPath;
 * and the payload quota on what flows between states. One per execution.
 */
final class DataFlow {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Execution exec;
    private final Intrinsics intrinsics;
    private final int maxPayloadBytes;

    DataFlow(Execution exec, Intrinsics intrinsics, int maxPayloadBytes) {
        this.exec = exec;
        this.intrinsics = intrinsics;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    Intrinsics intrinsics() {
        return intrinsics;
    }

    /** InputPath: {@code null} gives {@code {}}, a path selects from the raw input. */
    JsonNode input(State.Paths paths, JsonNode raw) throws StateFailure {
        return select(paths.inputPath(), "InputPath", raw, "state input");
    }

    /** OutputPath: {@code null} gives {@code {}}, a path selects from the state's output. */
    JsonNode output(State.Paths paths, JsonNode out) throws StateFailure {
        return select(paths.outputPath(), "OutputPath", out, "state output");
    }

    private static JsonNode select(String path, String field, JsonNode node, String what) throws StateFailure {
        if (path == null) {
            return F.objectNode();
        }
        if (path.equals("$")) {
            return node;
        }
        try {
            return JsonPaths.read(path, node, null);
        } catch (JsonPaths.PathFailure f) {
            throw StateFailure.runtime("An error occurred while executing the state: Invalid path '" + path
                    + "' : No results for path in the " + what + " (" + field + ")");
        }
    }

    /** ResultPath: {@code null} keeps the raw input, a reference path places the result in a copy of it. */
    static JsonNode placeResult(String resultPath, JsonNode raw, JsonNode result) throws StateFailure {
        if (resultPath == null) {
            return raw;
        }
        try {
            return JsonPaths.setAtPath(raw, resultPath, result);
        } catch (JsonPaths.PathFailure f) {
            throw new StateFailure("States.ResultPathMatchFailure", f.getMessage());
        }
    }

    /** ResultSelector (when set) on the result, then ResultPath into the raw input, then OutputPath. */
    JsonNode finish(State.Paths paths, JsonNode resultSelector, JsonNode raw, JsonNode result, JsonNode context)
            throws StateFailure {
        JsonNode selected = resultSelector == null ? result
                : template(resultSelector, result, context, "ResultSelector");
        return output(paths, placeResult(paths.resultPath(), raw, selected));
    }

    /** A payload template (Parameters, ItemSelector, ResultSelector, BatchInput) evaluated against data. */
    JsonNode template(JsonNode tpl, JsonNode data, JsonNode context, String field) throws StateFailure {
        try {
            return JsonPaths.applyTemplate(tpl, data, context, intrinsics);
        } catch (JsonPaths.TemplateFailure f) {
            if (f.runtime) {
                throw StateFailure.runtime(f.getMessage());
            }
            throw new StateFailure("States.ParameterPathFailure", f.getMessage() + " (" + field + ")");
        }
    }

    /** Reads a path that must select something (SecondsPath, MaxConcurrencyPath, ...): else States.Runtime. */
    static JsonNode read(String path, JsonNode data, JsonNode context) throws StateFailure {
        try {
            return JsonPaths.read(path, data, context);
        } catch (JsonPaths.PathFailure f) {
            throw StateFailure.runtime(f.getMessage());
        }
    }

    /** The context object ({@code $$}) of a state. */
    JsonNode context(String stateName, Instant entered, int retryCount, String taskToken) {
        ObjectNode c = F.objectNode();
        ObjectNode e = c.putObject("Execution");
        e.put("Id", exec.arn);
        e.set("Input", exec.input);
        e.put("Name", exec.name);
        e.put("RoleArn", exec.stateMachine.roleArn());
        e.put("StartTime", exec.startDate.toString());
        e.put("RedriveCount", 0);
        ObjectNode s = c.putObject("State");
        s.put("EnteredTime", entered.toString());
        s.put("Name", stateName);
        s.put("RetryCount", retryCount);
        ObjectNode m = c.putObject("StateMachine");
        m.put("Id", exec.stateMachine.arn());
        m.put("Name", exec.stateMachine.name());
        if (taskToken != null) {
            c.putObject("Task").put("Token", taskToken);
        }
        return c;
    }

    /** The payload quota: {@code States.DataLimitExceeded} over the limit; the size is recorded for the figures. */
    void checkSize(String state, JsonNode payload, String what) throws StateFailure {
        int size = JsonPaths.utf8Size(payload);
        exec.observePayload(size);
        if (size > maxPayloadBytes) {
            throw new StateFailure("States.DataLimitExceeded", "The state/task '" + state + "' " + what
                    + " has a size (" + size + " bytes) exceeding the maximum number of bytes service limit ("
                    + maxPayloadBytes + ").");
        }
    }

    int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Records a payload's size for the figures without enforcing the quota. */
    void observe(int size) {
        exec.observePayload(size);
    }
}
