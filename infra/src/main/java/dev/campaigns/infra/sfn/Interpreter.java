package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the states of one execution, following the States Language: input/output processing in the order
 * InputPath, Parameters, (task), ResultSelector, ResultPath, OutputPath; Retry then Catch; and every state type.
 * One interpreter serves one execution; Parallel branches and Map iterations run on their own threads and share
 * the execution's history.
 */
final class Interpreter {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final long DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999L;

    private final LocalStepFunctions engine;
    private final Execution exec;
    private final SfnConfig config;
    private final Intrinsics intrinsics;

    Interpreter(LocalStepFunctions engine, Execution exec) {
        this.engine = engine;
        this.exec = exec;
        this.config = engine.config();
        this.intrinsics = new Intrinsics(config::random);
    }

    private record Step(JsonNode output, String next) {
    }

    /** Runs a state machine (or branch, or item processor) from its StartAt to an end. */
    JsonNode run(JsonNode machine, JsonNode input, Execution.Cursor cursor) throws StateFailure {
        JsonNode states = machine.get("States");
        String name = machine.get("StartAt").asText();
        JsonNode data = input;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new Execution.Terminated();
            }
            JsonNode st = states.get(name);
            String type = st.get("Type").asText();
            exec.transitions.incrementAndGet();
            Instant entered = config.timeSource().now();
            checkSize(name, data, "input");
            exec.add(cursor, type + "StateEntered", "stateEnteredEventDetails", enteredDetails(name, data));
            Step step = state(name, type, st, data, entered, cursor);
            checkSize(name, step.output(), "output");
            if (!type.equals("Fail")) {
                ObjectNode d = F.objectNode();
                d.put("name", name);
                d.put("output", JsonPaths.compact(step.output()));
                d.putObject("outputDetails").put("truncated", false);
                exec.add(cursor, type + "StateExited", "stateExitedEventDetails", d);
            }
            if (step.next() == null) {
                return step.output();
            }
            name = step.next();
            data = step.output();
        }
    }

    private static ObjectNode enteredDetails(String name, JsonNode data) {
        ObjectNode d = F.objectNode();
        d.put("name", name);
        d.put("input", JsonPaths.compact(data));
        d.putObject("inputDetails").put("truncated", false);
        return d;
    }

    private void checkSize(String state, JsonNode payload, String what) throws StateFailure {
        int size = JsonPaths.utf8Size(payload);
        exec.observePayload(size);
        if (size > config.maxPayloadBytes()) {
            throw new StateFailure("States.DataLimitExceeded", "The state/task '" + state + "' " + what
                    + " has a size (" + size + " bytes) exceeding the maximum number of bytes service limit ("
                    + config.maxPayloadBytes() + ").");
        }
    }

    private Step state(String name, String type, JsonNode st, JsonNode raw, Instant entered,
                       Execution.Cursor cursor) throws StateFailure {
        switch (type) {
            case "Pass": {
                JsonNode eff = inputPath(st, raw);
                if (st.has("Parameters")) {
                    eff = template(st.get("Parameters"), eff, context(name, entered, 0, null), "Parameters");
                }
                JsonNode result = st.has("Result") ? st.get("Result") : eff;
                return new Step(outputPath(st, resultPath(st, raw, result)), next(st));
            }
            case "Succeed":
                return new Step(outputPath(st, inputPath(st, raw)), null);
            case "Fail":
                throw fail(name, st, raw, entered);
            case "Choice":
                return choice(name, st, raw, entered);
            case "Wait":
                return waitState(name, st, raw, entered);
            case "Task":
            case "Parallel":
            case "Map":
                return withErrorHandling(name, type, st, raw, entered, cursor);
            default:
                throw StateFailure.runtime("Unknown state type " + type);
        }
    }

    private static String next(JsonNode st) {
        return st.path("End").asBoolean(false) ? null : st.path("Next").asText(null);
    }

    // ---- input and output processing --------------------------------------------------------------------------

    private JsonNode inputPath(JsonNode st, JsonNode raw) throws StateFailure {
        return selectPath(st, "InputPath", raw, "state input");
    }

    private JsonNode outputPath(JsonNode st, JsonNode out) throws StateFailure {
        return selectPath(st, "OutputPath", out, "state output");
    }

    /** InputPath and OutputPath: absent keeps the node, null gives {}, a path selects from it. */
    private JsonNode selectPath(JsonNode st, String field, JsonNode node, String what) throws StateFailure {
        if (!st.has(field)) {
            return node;
        }
        if (st.get(field).isNull()) {
            return F.objectNode();
        }
        String p = st.get(field).asText();
        try {
            return JsonPaths.read(p, node, null);
        } catch (JsonPaths.PathFailure f) {
            throw StateFailure.runtime("An error occurred while executing the state: Invalid path '" + p
                    + "' : No results for path in the " + what + " (" + field + ")");
        }
    }

    private JsonNode resultPath(JsonNode st, JsonNode raw, JsonNode result) throws StateFailure {
        if (!st.has("ResultPath")) {
            return result;
        }
        if (st.get("ResultPath").isNull()) {
            return raw;
        }
        return placeResult(st.get("ResultPath").asText(), raw, result);
    }

    private static JsonNode placeResult(String path, JsonNode raw, JsonNode result) throws StateFailure {
        try {
            return JsonPaths.setAtPath(raw, path, result);
        } catch (JsonPaths.PathFailure f) {
            throw new StateFailure("States.ResultPathMatchFailure", f.getMessage());
        }
    }

    private JsonNode template(JsonNode tpl, JsonNode data, JsonNode ctx, String field) throws StateFailure {
        try {
            return JsonPaths.applyTemplate(tpl, data, ctx, intrinsics);
        } catch (JsonPaths.TemplateFailure f) {
            if (f.runtime) {
                throw StateFailure.runtime(f.getMessage());
            }
            throw new StateFailure("States.ParameterPathFailure", f.getMessage() + " (" + field + ")");
        }
    }

    private JsonNode context(String stateName, Instant entered, int retryCount, String taskToken) {
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

    // ---- Fail, Choice, Wait -----------------------------------------------------------------------------------

    private StateFailure fail(String name, JsonNode st, JsonNode raw, Instant entered) throws StateFailure {
        String error = failField(name, st, raw, entered, "Error");
        String cause = failField(name, st, raw, entered, "Cause");
        return new StateFailure(error == null ? "" : error, cause == null ? "" : cause);
    }

    private String failField(String name, JsonNode st, JsonNode raw, Instant entered, String field)
            throws StateFailure {
        if (st.has(field)) {
            return st.get(field).asText();
        }
        if (!st.has(field + "Path")) {
            return null;
        }
        String expr = st.get(field + "Path").asText();
        JsonNode v;
        try {
            v = expr.startsWith("States.") ? intrinsics.evaluate(expr, raw, context(name, entered, 0, null))
                    : JsonPaths.read(expr, raw, context(name, entered, 0, null));
        } catch (JsonPaths.PathFailure | Intrinsics.IntrinsicFailure f) {
            throw StateFailure.runtime("The " + field + "Path '" + expr + "' could not be evaluated: "
                    + f.getMessage());
        }
        if (!v.isTextual()) {
            throw StateFailure.runtime("The " + field + "Path '" + expr + "' did not select a string");
        }
        return v.asText();
    }

    private Step choice(String name, JsonNode st, JsonNode raw, Instant entered) throws StateFailure {
        JsonNode eff = inputPath(st, raw);
        JsonNode ctx = context(name, entered, 0, null);
        for (JsonNode rule : st.get("Choices")) {
            if (ChoiceRules.evaluate(rule, eff, ctx)) {
                return new Step(outputPath(st, eff), rule.get("Next").asText());
            }
        }
        if (st.has("Default")) {
            return new Step(outputPath(st, eff), st.get("Default").asText());
        }
        throw new StateFailure("States.NoChoiceMatched", "No Matches!");
    }

    private Step waitState(String name, JsonNode st, JsonNode raw, Instant entered) throws StateFailure {
        JsonNode eff = inputPath(st, raw);
        Duration d;
        if (st.has("Seconds")) {
            d = Duration.ofSeconds(st.get("Seconds").asLong());
        } else if (st.has("SecondsPath")) {
            JsonNode v = readOrRuntime(st.get("SecondsPath").asText(), eff, name, entered);
            if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
                throw StateFailure.runtime("The SecondsPath '" + st.get("SecondsPath").asText()
                        + "' did not select a non-negative integer");
            }
            d = Duration.ofSeconds(v.asLong());
        } else {
            JsonNode ts = st.has("Timestamp") ? st.get("Timestamp")
                    : readOrRuntime(st.get("TimestampPath").asText(), eff, name, entered);
            Instant until = ChoiceRules.timestamp(ts);
            if (until == null) {
                throw StateFailure.runtime("The Timestamp '" + ts + "' is not an RFC 3339 timestamp");
            }
            d = Duration.between(config.timeSource().now(), until);
        }
        sleep(d);
        return new Step(outputPath(st, eff), next(st));
    }

    private JsonNode readOrRuntime(String path, JsonNode data, String name, Instant entered) throws StateFailure {
        try {
            return JsonPaths.read(path, data, context(name, entered, 0, null));
        } catch (JsonPaths.PathFailure f) {
            throw StateFailure.runtime(f.getMessage());
        }
    }

    private void sleep(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return;
        }
        try {
            config.timeSource().sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Execution.Terminated();
        }
    }

    // ---- Retry and Catch --------------------------------------------------------------------------------------

    static boolean matches(JsonNode errorEquals, StateFailure f) {
        if (f.error.equals("States.Runtime")) {
            return false;
        }
        for (JsonNode n : errorEquals) {
            String e = n.asText();
            if (e.equals(f.error)) {
                return true;
            }
            if (e.equals("States.ALL") && !f.error.equals("States.DataLimitExceeded")) {
                return true;
            }
            if (e.equals("States.TaskFailed") && !f.error.equals("States.Timeout")
                    && !f.error.equals("States.DataLimitExceeded") && !f.error.startsWith("States.")) {
                return true;
            }
            if (e.equals("States.HeartbeatTimeout") && f.heartbeat) {
                return true;
            }
        }
        return false;
    }

    private Step withErrorHandling(String name, String type, JsonNode st, JsonNode raw, Instant entered,
                                   Execution.Cursor cursor) throws StateFailure {
        JsonNode retriers = st.path("Retry");
        int[] attempts = new int[retriers.size()];
        int retryCount = 0;
        while (true) {
            try {
                JsonNode out;
                switch (type) {
                    case "Task":
                        out = task(name, st, raw, entered, retryCount, cursor);
                        break;
                    case "Parallel":
                        out = parallel(name, st, raw, entered, cursor);
                        break;
                    default:
                        out = map(name, st, raw, entered, cursor);
                        break;
                }
                return new Step(out, next(st));
            } catch (StateFailure f) {
                int r = -1;
                for (int i = 0; i < retriers.size(); i++) {
                    if (matches(retriers.get(i).path("ErrorEquals"), f)) {
                        r = i;
                        break;
                    }
                }
                if (r >= 0 && attempts[r] < retriers.get(r).path("MaxAttempts").asInt(3)) {
                    sleep(retryDelay(retriers.get(r), attempts[r]));
                    attempts[r]++;
                    retryCount++;
                    exec.transitions.incrementAndGet();
                    continue;
                }
                for (JsonNode c : st.path("Catch")) {
                    if (matches(c.path("ErrorEquals"), f)) {
                        ObjectNode err = F.objectNode();
                        err.put("Error", f.error);
                        err.put("Cause", f.cause);
                        JsonNode out;
                        if (!c.has("ResultPath")) {
                            out = err;
                        } else if (c.get("ResultPath").isNull()) {
                            out = raw;
                        } else {
                            out = placeResult(c.get("ResultPath").asText(), raw, err);
                        }
                        return new Step(out, c.get("Next").asText());
                    }
                }
                throw f;
            }
        }
    }

    /** The virtual delay before retry number {@code attempt + 1} of a retrier. */
    Duration retryDelay(JsonNode retrier, int attempt) {
        double interval = retrier.path("IntervalSeconds").asDouble(1);
        double backoff = retrier.path("BackoffRate").asDouble(2.0);
        double delay = interval * Math.pow(backoff, attempt);
        if (retrier.has("MaxDelaySeconds")) {
            delay = Math.min(delay, retrier.get("MaxDelaySeconds").asDouble());
        }
        if ("FULL".equals(retrier.path("JitterStrategy").asText("NONE"))) {
            synchronized (config.random()) {
                delay = config.random().nextDouble() * delay;
            }
        }
        return Duration.ofNanos((long) (delay * 1e9));
    }

    // ---- Task -------------------------------------------------------------------------------------------------

    private JsonNode task(String name, JsonNode st, JsonNode raw, Instant entered, int retryCount,
                          Execution.Cursor cursor) throws StateFailure {
        String resource = st.get("Resource").asText();
        boolean waitForToken = resource.equals(DefinitionValidator.LAMBDA_INVOKE_WAIT);
        TaskTokens.Waiter waiter = waitForToken ? new TaskTokens.Waiter() : null;
        String token = waitForToken ? engine.tokens().issue(waiter) : null;
        try {
            JsonNode eff = inputPath(st, raw);
            if (st.has("Parameters")) {
                eff = template(st.get("Parameters"), eff, context(name, entered, retryCount, token), "Parameters");
            }
            checkSize(name, eff, "input");
            long timeout = seconds(st, "TimeoutSeconds", eff, DEFAULT_TASK_TIMEOUT_SECONDS, name, entered);
            long heartbeat = seconds(st, "HeartbeatSeconds", eff, 0, name, entered);
            JsonNode result = resource.startsWith("arn:aws:states:::")
                    ? lambdaInvoke(name, resource, eff, timeout, heartbeat, waiter, cursor)
                    : lambdaFunction(resource, eff, timeout, cursor);
            if (st.has("ResultSelector")) {
                result = template(st.get("ResultSelector"), result, context(name, entered, retryCount, null),
                        "ResultSelector");
            }
            return outputPath(st, resultPath(st, raw, result));
        } finally {
            engine.tokens().close(token);
        }
    }

    private long seconds(JsonNode st, String field, JsonNode eff, long dflt, String name, Instant entered)
            throws StateFailure {
        if (st.has(field)) {
            return st.get(field).asLong();
        }
        if (st.has(field + "Path")) {
            JsonNode v = readOrRuntime(st.get(field + "Path").asText(), eff, name, entered);
            if (!v.isIntegralNumber() || v.asLong() <= 0) {
                throw StateFailure.runtime(field + "Path did not select a positive integer");
            }
            return v.asLong();
        }
        return dflt;
    }

    private JsonNode lambdaInvoke(String name, String resource, JsonNode params, long timeout, long heartbeat,
                                  TaskTokens.Waiter waiter, Execution.Cursor cursor) throws StateFailure {
        String res = resource.substring("arn:aws:states:::lambda:".length());
        ObjectNode sched = F.objectNode();
        sched.put("resourceType", "lambda");
        sched.put("resource", res);
        sched.put("region", config.region());
        sched.put("parameters", JsonPaths.compact(params));
        if (timeout != DEFAULT_TASK_TIMEOUT_SECONDS) {
            sched.put("timeoutInSeconds", timeout);
        }
        if (heartbeat > 0) {
            sched.put("heartbeatInSeconds", heartbeat);
        }
        exec.add(cursor, "TaskScheduled", "taskScheduledEventDetails", sched);
        exec.add(cursor, "TaskStarted", "taskStartedEventDetails", resourceDetails(res));
        if (!params.isObject() || !params.path("FunctionName").isTextual()) {
            return taskFailed(cursor, res, "States.Runtime",
                    "The Parameters of a lambda:invoke task must contain a FunctionName string");
        }
        String fn = params.get("FunctionName").asText();
        JsonNode payload = params.has("Payload") ? params.get("Payload") : F.objectNode();
        long started = System.nanoTime();
        long timeoutNanos = config.timeSource().realNanos(Duration.ofSeconds(timeout));
        InvocationResult r;
        try {
            r = invoke(fn, payload, timeoutNanos);
        } catch (StateFailure f) {
            if (f.error.equals("States.Timeout")) {
                ObjectNode d = resourceDetails(res);
                d.put("error", f.error);
                d.put("cause", f.cause);
                exec.add(cursor, "TaskTimedOut", "taskTimedOutEventDetails", d);
                throw f;
            }
            return taskFailed(cursor, res, f.error, f.cause);
        }
        if (r.isFunctionError()) {
            return taskFailed(cursor, res, r.errorType(), functionErrorCause(r));
        }
        JsonNode response = parsePayload(r.payloadJson());
        ObjectNode wrapped = wrapLambdaResponse(response);
        if (waiter == null) {
            checkTaskResult(name, wrapped, cursor, res);
            ObjectNode d = resourceDetails(res);
            d.put("output", JsonPaths.compact(wrapped));
            d.putObject("outputDetails").put("truncated", false);
            exec.add(cursor, "TaskSucceeded", "taskSucceededEventDetails", d);
            return wrapped;
        }
        ObjectNode sub = resourceDetails(res);
        sub.put("output", JsonPaths.compact(wrapped));
        sub.putObject("outputDetails").put("truncated", false);
        exec.add(cursor, "TaskSubmitted", "taskSubmittedEventDetails", sub);
        JsonNode out;
        try {
            long remaining = timeoutNanos - (System.nanoTime() - started);
            out = waiter.await(Math.max(0, remaining),
                    heartbeat > 0 ? config.timeSource().realNanos(Duration.ofSeconds(heartbeat)) : 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Execution.Terminated();
        } catch (StateFailure f) {
            if (f.error.equals("States.Timeout")) {
                ObjectNode d = resourceDetails(res);
                d.put("error", f.error);
                d.put("cause", f.cause);
                exec.add(cursor, "TaskTimedOut", "taskTimedOutEventDetails", d);
                throw f;
            }
            return taskFailed(cursor, res, f.error, f.cause);
        }
        checkTaskResult(name, out, cursor, res);
        ObjectNode d = resourceDetails(res);
        d.put("output", JsonPaths.compact(out));
        d.putObject("outputDetails").put("truncated", false);
        exec.add(cursor, "TaskSucceeded", "taskSucceededEventDetails", d);
        return out;
    }

    private void checkTaskResult(String name, JsonNode result, Execution.Cursor cursor, String res)
            throws StateFailure {
        try {
            checkSize(name, result, "result");
        } catch (StateFailure f) {
            taskFailed(cursor, res, f.error, f.cause);
        }
    }

    private JsonNode lambdaFunction(String arn, JsonNode input, long timeout, Execution.Cursor cursor)
            throws StateFailure {
        ObjectNode sched = F.objectNode();
        sched.put("resource", arn);
        sched.put("input", JsonPaths.compact(input));
        sched.putObject("inputDetails").put("truncated", false);
        if (timeout != DEFAULT_TASK_TIMEOUT_SECONDS) {
            sched.put("timeoutInSeconds", timeout);
        }
        exec.add(cursor, "LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", sched);
        exec.add(cursor, "LambdaFunctionStarted", null, null);
        InvocationResult r;
        try {
            r = invoke(arn, input, config.timeSource().realNanos(Duration.ofSeconds(timeout)));
        } catch (StateFailure f) {
            ObjectNode d = F.objectNode();
            d.put("error", f.error);
            d.put("cause", f.cause);
            exec.add(cursor, f.error.equals("States.Timeout") ? "LambdaFunctionTimedOut" : "LambdaFunctionFailed",
                    f.error.equals("States.Timeout") ? "lambdaFunctionTimedOutEventDetails"
                            : "lambdaFunctionFailedEventDetails", d);
            throw f;
        }
        if (r.isFunctionError()) {
            ObjectNode d = F.objectNode();
            d.put("error", r.errorType());
            d.put("cause", functionErrorCause(r));
            exec.add(cursor, "LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", d);
            throw new StateFailure(r.errorType(), functionErrorCause(r));
        }
        JsonNode out = parsePayload(r.payloadJson());
        int size = JsonPaths.utf8Size(out);
        exec.observePayload(size);
        if (size > config.maxPayloadBytes()) {
            String cause = "The Lambda function result has a size (" + size + " bytes) exceeding the maximum "
                    + "number of bytes service limit (" + config.maxPayloadBytes() + ").";
            ObjectNode d = F.objectNode();
            d.put("error", "States.DataLimitExceeded");
            d.put("cause", cause);
            exec.add(cursor, "LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", d);
            throw new StateFailure("States.DataLimitExceeded", cause);
        }
        ObjectNode d = F.objectNode();
        d.put("output", JsonPaths.compact(out));
        d.putObject("outputDetails").put("truncated", false);
        exec.add(cursor, "LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails", d);
        return out;
    }

    /**
     * Runs the invoker on the engine's Lambda pool, bounded by the task timeout (real nanoseconds), if the state
     * machine's role may invoke the function; AWS's refusal is the task's {@code Lambda.AWSLambdaException}.
     *
     * @param function the function as the definition names it (name, partial or full ARN, maybe qualified)
     */
    private InvocationResult invoke(String function, JsonNode payload, long timeoutNanos) throws StateFailure {
        String denied = engine.authorizer().denial(exec.stateMachine.roleArn(), "lambda:InvokeFunction",
                functionArn(function));
        if (denied != null) {
            throw new StateFailure("Lambda.AWSLambdaException", refusal(denied, "AWSLambda", 403));
        }
        String fn = LambdaInvoker.functionNameOf(function);
        String payloadText = JsonPaths.compact(payload);
        Future<InvocationResult> f = engine.lambdaPool().submit(() -> engine.invoker().invoke(fn, payloadText));
        try {
            return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new StateFailure("States.Timeout", "The Lambda function '" + fn
                    + "' did not complete within the task's TimeoutSeconds");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new Execution.Terminated();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof LambdaServiceException s) {
                throw new StateFailure(s.errorName(), String.valueOf(s.getMessage()));
            }
            throw new StateFailure("Lambda.SdkClientException", "Unable to invoke the function '" + fn + "': "
                    + c.getClass().getName() + (c.getMessage() == null ? "" : ": " + c.getMessage()));
        }
    }

    /** An AWS service's refusal as the engine reports it in a failure's cause (the SDK's exception text). */
    private static String refusal(String denial, String service, int status) {
        return denial + " (Service: " + service + "; Status Code: " + status + "; Error Code: AccessDeniedException; "
                + "Request ID: " + UUID.randomUUID() + "; Proxy: null)";
    }

    /** The ARN Lambda authorises for a function named by name, partial ARN or ARN (its qualifier kept). */
    private String functionArn(String function) {
        if (function.startsWith("arn:")) {
            return function;
        }
        int at = function.indexOf(":function:");
        String nameAndQualifier = at >= 0 ? function.substring(at + ":function:".length()) : function;
        return "arn:aws:lambda:" + config.region() + ":" + config.accountId() + ":function:" + nameAndQualifier;
    }

        private StateFailure failTask(Execution.Cursor cursor, String res, String error, String cause) {
        ObjectNode d = resourceDetails(res);
        d.put("error", error);
        d.put("cause", cause);
        exec.add(cursor, "TaskFailed", "taskFailedEventDetails", d);
        return new StateFailure(error, cause);
    }

    private JsonNode taskFailed(Execution.Cursor cursor, String res, String error, String cause)
            throws StateFailure {
        throw failTask(cursor, res, error, cause);
    }

    private static ObjectNode resourceDetails(String res) {
        ObjectNode d = F.objectNode();
        d.put("resourceType", "lambda");
        d.put("resource", res);
        return d;
    }

    static String functionErrorCause(InvocationResult r) {
        ObjectNode c = F.objectNode();
        c.put("errorMessage", r.errorMessage());
        c.put("errorType", r.errorType());
        ArrayNode trace = c.putArray("stackTrace");
        r.stackTrace().forEach(trace::add);
        return JsonPaths.compact(c);
    }

    private static JsonNode parsePayload(String text) {
        try {
            JsonNode n = JsonPaths.MAPPER.readTree(text);
            return n == null ? F.nullNode() : n;
        } catch (Exception e) {
            return F.textNode(text);
        }
    }

    /** The response of the lambda:invoke integration: the Invoke API's response, as Step Functions returns it. */
    private ObjectNode wrapLambdaResponse(JsonNode payload) {
        String requestId = UUID.randomUUID().toString();
        ObjectNode w = F.objectNode();
        w.put("ExecutedVersion", "$LATEST");
        w.set("Payload", payload);
        ObjectNode http = w.putObject("SdkHttpMetadata");
        ObjectNode all = http.putObject("AllHttpHeaders");
        ObjectNode headers = http.putObject("HttpHeaders");
        String len = Integer.toString(JsonPaths.utf8Size(payload));
        String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.ofInstant(config.timeSource().now(), java.time.ZoneOffset.UTC));
        String[][] hs = {{"X-Amz-Executed-Version", "$LATEST"}, {"x-amzn-Remapped-Content-Length", "0"},
                {"Connection", "keep-alive"}, {"x-amzn-RequestId", requestId}, {"Content-Length", len},
                {"Date", date}, {"X-Amzn-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000)
                + "-" + requestId.replace("-", "").substring(0, 24) + ";Sampled=0"},
                {"Content-Type", "application/json"}};
        for (String[] h : hs) {
            all.putArray(h[0]).add(h[1]);
            headers.put(h[0], h[1]);
        }
        http.put("HttpStatusCode", 200);
        w.putObject("SdkResponseMetadata").put("RequestId", requestId);
        w.put("StatusCode", 200);
        return w;
    }

    // ---- Parallel ---------------------------------------------------------------------------------------------

    private JsonNode parallel(String name, JsonNode st, JsonNode raw, Instant entered, Execution.Cursor cursor)
            throws StateFailure {
        JsonNode eff = inputPath(st, raw);
        if (st.has("Parameters")) {
            eff = template(st.get("Parameters"), eff, context(name, entered, 0, null), "Parameters");
        }
        JsonNode branches = st.get("Branches");
        long startedId = exec.add(cursor, "ParallelStateStarted", null, null);
        JsonNode input = eff;
        List<Callable> work = new ArrayList<>();
        for (JsonNode b : branches) {
            work.add(() -> run(b, input, new Execution.Cursor(startedId)));
        }
        JsonNode[] results;
        try {
            results = runAll(work, work.size(), null, null);
        } catch (StateFailure f) {
            exec.add(cursor, "ParallelStateFailed", null, null);
            throw f;
        }
        exec.add(cursor, "ParallelStateSucceeded", null, null);
        ArrayNode out = F.arrayNode();
        for (JsonNode r : results) {
            out.add(r);
        }
        return finishAggregate(name, st, raw, out, entered);
    }

    private JsonNode finishAggregate(String name, JsonNode st, JsonNode raw, JsonNode result, Instant entered)
            throws StateFailure {
        if (st.has("ResultSelector")) {
            result = template(st.get("ResultSelector"), result, context(name, entered, 0, null), "ResultSelector");
        }
        return outputPath(st, resultPath(st, raw, result));
    }

    @FunctionalInterface
    private interface Callable {
        JsonNode call() throws StateFailure;
    }

    /** Per-item hooks of {@link #runAll}: called on the worker thread around each item. */
    private interface ItemEvents {
        void started(int index);

        void succeeded(int index);

        void failed(int index);
    }

    /**
     * Runs work items on {@code concurrency} threads. The first failure stops the others (interrupting them) and
     * is rethrown, unless {@code tolerate} accepts it, in which case the item's result is its error object.
     */
    private JsonNode[] runAll(List<Callable> work, int concurrency, ItemEvents events, Tolerance tolerate)
            throws StateFailure {
        JsonNode[] results = new JsonNode[work.size()];
        if (work.isEmpty()) {
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(concurrency, work.size())),
                engine.threadFactory("sfn-branch"));
        CompletionService<Integer> cs = new ExecutorCompletionService<>(pool);
        try {
            for (int i = 0; i < work.size(); i++) {
                int idx = i;
                cs.submit(() -> {
                    if (events != null) {
                        events.started(idx);
                    }
                    try {
                        results[idx] = work.get(idx).call();
                    } catch (StateFailure f) {
                        if (events != null) {
                            events.failed(idx);
                        }
                        if (tolerate != null && tolerate.accept(f)) {
                            ObjectNode err = F.objectNode();
                            err.put("Error", f.error);
                            err.put("Cause", f.cause);
                            results[idx] = err;
                            return idx;
                        }
                        throw f;
                    }
                    if (events != null) {
                        events.succeeded(idx);
                    }
                    return idx;
                });
            }
            for (int i = 0; i < work.size(); i++) {
                Future<Integer> done = cs.take();
                try {
                    done.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof StateFailure f) {
                        throw f;
                    }
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(c);
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Execution.Terminated();
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Decides whether a failed distributed-Map item is tolerated. */
    private interface Tolerance {
        boolean accept(StateFailure f);
    }

    // ---- Map --------------------------------------------------------------------------------------------------

    private JsonNode map(String name, JsonNode st, JsonNode raw, Instant entered, Execution.Cursor cursor)
            throws StateFailure {
        JsonNode eff = inputPath(st, raw);
        String itemsPath = st.path("ItemsPath").asText("$");
        JsonNode items;
        try {
            items = JsonPaths.read(itemsPath, eff, context(name, entered, 0, null));
        } catch (JsonPaths.PathFailure f) {
            throw StateFailure.runtime("Invalid path '" + itemsPath + "' : The ItemsPath field references an "
                    + "invalid value");
        }
        if (!items.isArray()) {
            throw StateFailure.runtime("Item input to Map state must be a JSON array, but was " + items.getNodeType());
        }
        JsonNode selector = st.has("ItemSelector") ? st.get("ItemSelector") : st.get("Parameters");
        List<JsonNode> inputs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (selector == null) {
                inputs.add(items.get(i));
            } else {
                ObjectNode ctx = (ObjectNode) context(name, entered, 0, null);
                ObjectNode item = ctx.putObject("Map").putObject("Item");
                item.put("Index", i);
                item.set("Value", items.get(i));
                inputs.add(template(selector, eff, ctx, "ItemSelector"));
            }
        }
        JsonNode processor = st.has("ItemProcessor") ? st.get("ItemProcessor") : st.get("Iterator");
        int maxConcurrency = (int) concurrency(st, eff, name, entered);
        boolean distributed = "DISTRIBUTED".equals(processor.path("ProcessorConfig").path("Mode").asText());
        JsonNode result = distributed
                ? distributedMap(name, st, eff, inputs, processor, maxConcurrency, cursor)
                : inlineMap(name, inputs, processor, maxConcurrency, cursor);
        return finishAggregate(name, st, raw, result, entered);
    }

    private long concurrency(JsonNode st, JsonNode eff, String name, Instant entered) throws StateFailure {
        if (st.has("MaxConcurrencyPath")) {
            JsonNode v = readOrRuntime(st.get("MaxConcurrencyPath").asText(), eff, name, entered);
            if (!v.isIntegralNumber() || v.asLong() < 0) {
                throw StateFailure.runtime("MaxConcurrencyPath did not select a non-negative integer");
            }
            return v.asLong();
        }
        return st.path("MaxConcurrency").asLong(0);
    }

    private JsonNode inlineMap(String name, List<JsonNode> inputs, JsonNode processor, int maxConcurrency,
                               Execution.Cursor cursor) throws StateFailure {
        ObjectNode started = F.objectNode();
        started.put("length", inputs.size());
        long startedId = exec.add(cursor, "MapStateStarted", "mapStateStartedEventDetails", started);
        Execution.Cursor[] cursors = new Execution.Cursor[inputs.size()];
        List<Callable> work = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int idx = i;
            cursors[i] = new Execution.Cursor(startedId);
            work.add(() -> run(processor, inputs.get(idx), cursors[idx]));
        }
        ItemEvents events = new ItemEvents() {
            @Override
            public void started(int index) {
                exec.add(cursors[index], "MapIterationStarted", "mapIterationStartedEventDetails",
                        iteration(name, index));
            }

            @Override
            public void succeeded(int index) {
                exec.add(cursors[index], "MapIterationSucceeded", "mapIterationSucceededEventDetails",
                        iteration(name, index));
            }

            @Override
            public void failed(int index) {
                exec.add(cursors[index], "MapIterationFailed", "mapIterationFailedEventDetails",
                        iteration(name, index));
            }
        };
        int threads = maxConcurrency == 0 ? config.maxInlineMapConcurrency()
                : Math.min(maxConcurrency, config.maxInlineMapConcurrency());
        JsonNode[] results;
        try {
            results = runAll(work, threads, events, null);
        } catch (StateFailure f) {
            exec.add(cursor, "MapStateFailed", null, null);
            throw f;
        }
        exec.add(cursor, "MapStateSucceeded", null, null);
        ArrayNode out = F.arrayNode();
        for (JsonNode r : results) {
            out.add(r);
        }
        return out;
    }

    private static ObjectNode iteration(String name, int index) {
        ObjectNode d = F.objectNode();
        d.put("name", name);
        d.put("index", index);
        return d;
    }

    private JsonNode distributedMap(String name, JsonNode st, JsonNode eff, List<JsonNode> inputs,
                                    JsonNode processor, int maxConcurrency, Execution.Cursor cursor)
            throws StateFailure {
        List<JsonNode> childInputs = batch(name, st, eff, inputs);
        String label = st.has("Label") ? st.get("Label").asText() : name.replaceAll("[^A-Za-z0-9_-]", "");
        String id = UUID.randomUUID().toString();
        String smName = exec.stateMachine.name();
        String mapRunArn = "arn:aws:states:" + config.region() + ":" + config.accountId() + ":mapRun:" + smName
                + "/" + label + ":" + id;
        ObjectNode started = F.objectNode();
        started.put("mapRunArn", mapRunArn);
        exec.add(cursor, "MapRunStarted", "mapRunStartedEventDetails", started);

        String root = exec.stateMachine.arn().replaceFirst("/[^:]*$", "");
        String denied = engine.authorizer().denial(exec.stateMachine.roleArn(), "states:StartExecution", root);
        if (denied != null) {
            String cause = refusal(denied, "AWSStepFunctions", 400);
            ObjectNode d = F.objectNode();
            d.put("error", "States.Runtime");
            d.put("cause", cause);
            exec.add(cursor, "MapRunFailed", "mapRunFailedEventDetails", d);
            throw new StateFailure("States.Runtime", cause);
        }
        StateMachine child = engine.childStateMachine(exec.stateMachine, label, processor);
        boolean countSet = st.has("ToleratedFailureCount") || st.has("ToleratedFailureCountPath");
        boolean pctSet = st.has("ToleratedFailurePercentage") || st.has("ToleratedFailurePercentagePath");
        double count = countSet ? number(st, "ToleratedFailureCount", eff) : 0;
        double pct = pctSet ? number(st, "ToleratedFailurePercentage", eff) : 0;
        AtomicInteger failures = new AtomicInteger();
        int total = childInputs.size();
        Tolerance tolerance = f -> {
            int failed = failures.incrementAndGet();
            boolean exceeded = (countSet && failed > count) || (pctSet && failed * 100.0 / total > pct)
                    || (!countSet && !pctSet);
            return !exceeded;
        };
        List<Callable> work = new ArrayList<>();
        for (JsonNode in : childInputs) {
            work.add(() -> engine.runChild(child, in, mapRunArn, id));
        }
        int threads = maxConcurrency == 0 ? config.maxChildConcurrency()
                : Math.min(maxConcurrency, config.maxChildConcurrency());
        JsonNode[] results;
        try {
            results = runAll(work, threads, null, tolerance);
        } catch (StateFailure f) {
            String cause = "The specified tolerated failure threshold was exceeded (failed items: "
                    + failures.get() + " of " + total + "); last failure: " + f.error;
            ObjectNode d = F.objectNode();
            d.put("error", "States.ExceedToleratedFailureThreshold");
            d.put("cause", cause);
            exec.add(cursor, "MapRunFailed", "mapRunFailedEventDetails", d);
            throw new StateFailure("States.ExceedToleratedFailureThreshold", cause);
        }
        exec.add(cursor, "MapRunSucceeded", null, null);
        ArrayNode out = F.arrayNode();
        for (JsonNode r : results) {
            out.add(r);
        }
        return out;
    }

    private double number(JsonNode st, String field, JsonNode eff) throws StateFailure {
        if (st.has(field)) {
            return st.get(field).asDouble();
        }
        try {
            return JsonPaths.read(st.get(field + "Path").asText(), eff, null).asDouble();
        } catch (JsonPaths.PathFailure f) {
            throw StateFailure.runtime(f.getMessage());
        }
    }

    private List<JsonNode> batch(String name, JsonNode st, JsonNode eff, List<JsonNode> inputs)
            throws StateFailure {
        JsonNode batcher = st.get("ItemBatcher");
        if (batcher == null) {
            return inputs;
        }
        long maxItems = batcher.has("MaxItemsPerBatch") ? batcher.get("MaxItemsPerBatch").asLong()
                : batcher.has("MaxItemsPerBatchPath")
                ? readOrRuntime(batcher.get("MaxItemsPerBatchPath").asText(), eff, name, Instant.now()).asLong()
                : Long.MAX_VALUE;
        long maxBytes = batcher.has("MaxInputBytesPerBatch") ? batcher.get("MaxInputBytesPerBatch").asLong()
                : 262_144;
        JsonNode batchInput = batcher.has("BatchInput")
                ? template(batcher.get("BatchInput"), eff, context(name, Instant.now(), 0, null), "BatchInput")
                : null;
        List<JsonNode> out = new ArrayList<>();
        ArrayNode current = null;
        long bytes = 0;
        for (JsonNode item : inputs) {
            int size = JsonPaths.utf8Size(item);
            if (current == null || current.size() >= maxItems || (bytes + size > maxBytes && current.size() > 0)) {
                ObjectNode b = F.objectNode();
                current = b.putArray("Items");
                if (batchInput != null) {
                    b.set("BatchInput", batchInput);
                }
                out.add(b);
                bytes = 0;
            }
            current.add(item);
            bytes += size;
        }
        return out;
    }
}
