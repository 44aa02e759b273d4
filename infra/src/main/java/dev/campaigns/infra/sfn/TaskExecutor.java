package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;

/**
 * Task: InputPath and Parameters (with {@code $$.Task.Token} for a callback), the Lambda call with its history
 * events, then ResultSelector, ResultPath and OutputPath. One attempt: {@link StateRunner} wraps it in Retry
 * and Catch. Timeouts are virtual seconds, waited for in {@link TimeSource#realNanos real time}.
 */
final class TaskExecutor implements StateExecutor<State.Task> {

    /** AWS's TaskTimeout when none is set (a year and more), and not shown in TaskScheduled. */
    private static final long DEFAULT_TIMEOUT_SECONDS = 99_999_999L;
    private static final String INTEGRATION_PREFIX = "arn:aws:states:::lambda:";

    private final DataFlow data;
    private final HistoryRecorder history;
    private final LambdaCalls lambda;
    private final TaskTokens tokens;
    private final SfnConfig config;
    private final Execution exec;
    private final String roleArn;

    /** @param exec the execution, whose role each Lambda call is made as and which must be running to invoke */
    TaskExecutor(DataFlow data, HistoryRecorder history, LambdaCalls lambda, TaskTokens tokens, SfnConfig config,
                 Execution exec) {
        this.exec = exec;
        this.roleArn = exec.stateMachine.roleArn();
        this.data = data;
        this.history = history;
        this.lambda = lambda;
        this.tokens = tokens;
        this.config = config;
    }

    @Override
    public Step execute(State.Task st, Input in) throws StateFailure {
        boolean callback = st.integration() == State.Integration.LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN;
        TaskTokens.Waiter waiter = callback ? new TaskTokens.Waiter() : null;
        String token = callback ? tokens.issue(waiter) : null;
        try {
            JsonNode eff = data.input(st.paths(), in.raw());
            if (st.parameters() != null) {
                eff = data.template(st.parameters(), eff,
                        data.context(st.name(), in.entered(), in.retryCount(), token), "Parameters");
            }
            data.checkSize(st.name(), eff, "input");
            JsonNode ctx = data.context(st.name(), in.entered(), in.retryCount(), null);
            long timeout = seconds(st.timeoutSeconds(), "TimeoutSeconds", eff, DEFAULT_TIMEOUT_SECONDS, ctx);
            long heartbeat = seconds(st.heartbeatSeconds(), "HeartbeatSeconds", eff, 0, ctx);
            JsonNode result = st.integration() == State.Integration.LAMBDA_FUNCTION
                    ? lambdaFunction(st, eff, timeout, in.cursor())
                    : lambdaInvoke(st, eff, timeout, heartbeat, waiter, in.cursor());
            return new Step(data.finish(st.paths(), st.resultSelector(), in.raw(), result, ctx), st.next());
        } finally {
            tokens.close(token);
        }
    }

    private static long seconds(State.ValueOrPath v, String field, JsonNode eff, long dflt, JsonNode ctx)
            throws StateFailure {
        if (v.value() != null) {
            return v.value().asLong();
        }
        if (v.path() != null) {
            JsonNode n = DataFlow.read(v.path(), eff, ctx);
            if (!n.isIntegralNumber() || n.asLong() <= 0) {
                throw StateFailure.runtime(field + "Path did not select a positive integer");
            }
            return n.asLong();
        }
        return dflt;
    }

    private long realNanos(long seconds) {
        return config.timeSource().realNanos(Duration.ofSeconds(seconds));
    }

    /** {@code arn:aws:states:::lambda:invoke} and its {@code .waitForTaskToken} form. */
    private JsonNode lambdaInvoke(State.Task st, JsonNode params, long timeout, long heartbeat,
                                  TaskTokens.Waiter waiter, Execution.Cursor cursor) throws StateFailure {
        String res = st.resource().substring(INTEGRATION_PREFIX.length());
        history.taskScheduled(cursor, res, config.region(), params,
                timeout != DEFAULT_TIMEOUT_SECONDS ? timeout : null, heartbeat > 0 ? heartbeat : null);
        history.taskStarted(cursor, res);
        if (!params.isObject() || !params.path("FunctionName").isTextual()) {
            throw taskFailed(cursor, res, "States.Runtime",
                    "The Parameters of a lambda:invoke task must contain a FunctionName string");
        }
        String fn = params.get("FunctionName").asText();
        JsonNode payload = params.has("Payload") ? params.get("Payload") : JsonNodeFactory.instance.objectNode();
        long started = System.nanoTime();
        long timeoutNanos = realNanos(timeout);
        InvocationResult r;
        try {
            r = lambda.invoke(exec, roleArn, fn, payload, timeoutNanos);
        } catch (StateFailure f) {
            throw failed(cursor, res, f);
        }
        if (r.isFunctionError()) {
            throw taskFailed(cursor, res, r.errorType(), LambdaCalls.functionErrorCause(r));
        }
        JsonNode wrapped = lambda.wrapInvokeResponse(LambdaCalls.parsePayload(r.payloadJson()));
        if (waiter == null) {
            return succeeded(st.name(), wrapped, cursor, res);
        }
        history.taskSubmitted(cursor, res, wrapped);
        JsonNode out;
        try {
            long remaining = timeoutNanos - (System.nanoTime() - started);
            out = waiter.await(Math.max(0, remaining), heartbeat > 0 ? realNanos(heartbeat) : 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Execution.Terminated();
        } catch (StateFailure f) {
            throw failed(cursor, res, f);
        }
        return succeeded(st.name(), out, cursor, res);
    }

    /** TaskTimedOut for States.Timeout, TaskFailed for anything else; the failure to throw. */
    private StateFailure failed(Execution.Cursor cursor, String res, StateFailure f) {
        if (f.error.equals("States.Timeout")) {
            history.taskTimedOut(cursor, res, f.error, f.cause);
            return f;
        }
        return taskFailed(cursor, res, f.error, f.cause);
    }

    private StateFailure taskFailed(Execution.Cursor cursor, String res, String error, String cause) {
        history.taskFailed(cursor, res, error, cause);
        return new StateFailure(error, cause);
    }

    /** The result quota (TaskFailed with States.DataLimitExceeded), then TaskSucceeded. */
    private JsonNode succeeded(String state, JsonNode result, Execution.Cursor cursor, String res)
            throws StateFailure {
        try {
            data.checkSize(state, result, "result");
        } catch (StateFailure f) {
            throw taskFailed(cursor, res, f.error, f.cause);
        }
        history.taskSucceeded(cursor, res, result);
        return result;
    }

    /** A Lambda function ARN as the resource: the function's response is the result. */
    private JsonNode lambdaFunction(State.Task st, JsonNode input, long timeout, Execution.Cursor cursor)
            throws StateFailure {
        String arn = st.resource();
        history.lambdaFunctionScheduled(cursor, arn, input, timeout != DEFAULT_TIMEOUT_SECONDS ? timeout : null);
        history.lambdaFunctionStarted(cursor);
        InvocationResult r;
        try {
            r = lambda.invoke(exec, roleArn, arn, input, realNanos(timeout));
        } catch (StateFailure f) {
            if (f.error.equals("States.Timeout")) {
                history.lambdaFunctionTimedOut(cursor, f.error, f.cause);
            } else {
                history.lambdaFunctionFailed(cursor, f.error, f.cause);
            }
            throw f;
        }
        if (r.isFunctionError()) {
            String cause = LambdaCalls.functionErrorCause(r);
            history.lambdaFunctionFailed(cursor, r.errorType(), cause);
            throw new StateFailure(r.errorType(), cause);
        }
        JsonNode out = LambdaCalls.parsePayload(r.payloadJson());
        int size = JsonPaths.utf8Size(out);
        data.observe(size);
        if (size > data.maxPayloadBytes()) {
            String cause = "The Lambda function result has a size (" + size + " bytes) exceeding the maximum "
                    + "number of bytes service limit (" + data.maxPayloadBytes() + ").";
            history.lambdaFunctionFailed(cursor, "States.DataLimitExceeded", cause);
            throw new StateFailure("States.DataLimitExceeded", cause);
        }
        history.lambdaFunctionSucceeded(cursor, out);
        return out;
    }
}
