package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * How a Task reaches Lambda: the {@link LambdaInvoker} run on the engine's Lambda pool, bounded by the task's
 * timeout, with its failures named as Step Functions names them; and the shape of what the {@code lambda:invoke}
 * integration returns (the Invoke API's response). Shared by all executions of an engine; thread-safe.
 */
final class LambdaCalls {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final LambdaInvoker invoker;
    private final ExecutorService pool;
    private final Supplier<Instant> wallClock;
    private final RoleAuthorizer authorizer;
    private final SfnConfig config;

    LambdaCalls(LambdaInvoker invoker, ExecutorService pool, Supplier<Instant> wallClock, RoleAuthorizer authorizer,
                SfnConfig config) {
        this.invoker = invoker;
        this.pool = pool;
        this.wallClock = wallClock;
        this.authorizer = authorizer;
        this.config = config;
    }

    /**
     * Invokes {@code function} (as the definition names it: name, partial or full ARN, maybe qualified) if the
     * execution's role {@code roleArn} may ({@code lambda:InvokeFunction}); AWS's refusal is the task's
     * {@code Lambda.AWSLambdaException}.
     */
    InvocationResult invoke(Execution exec, String roleArn, String function, JsonNode payload,
                            long timeoutRealNanos) throws StateFailure {
        String denied = authorizer.denial(roleArn, "lambda:InvokeFunction", functionArn(function));
        if (denied != null) {
            throw new StateFailure("Lambda.AWSLambdaException", refusal(denied, "AWSLambda", 403));
        }
        return invoke(exec, LambdaInvoker.functionNameOf(function), payload, timeoutRealNanos);
    }

    /** An AWS service's refusal as the engine reports it in a failure's cause (the SDK's exception text). */
    static String refusal(String denial, String service, int status) {
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

    /**
     * Invokes {@code functionName} and waits at most {@code timeoutRealNanos}.
     *
     * @return the function's response or its error
     * @throws StateFailure {@code States.Timeout}; a {@link LambdaServiceException}'s name; otherwise
     *                      {@code Lambda.SdkClientException}
     */
    private InvocationResult invoke(Execution exec, String functionName, JsonNode payload, long timeoutRealNanos)
            throws StateFailure {
        String payloadText = JsonPaths.compact(payload);
        // Started only while the execution runs (StopExecution ends it under the same lock): a stopped execution
        // invokes nothing afterwards.
        Future<InvocationResult> f = exec.whileRunning(() -> pool.submit(() -> invoker.invoke(functionName,
                payloadText)));
        try {
            return f.get(timeoutRealNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new StateFailure("States.Timeout", "The Lambda function '" + functionName
                    + "' did not complete within the task's TimeoutSeconds");
        } catch (InterruptedException e) {
            // The execution was stopped: as on AWS, the invocation already running keeps running (its result is
            // dropped); only the wait for it ends.
            Thread.currentThread().interrupt();
            throw new Execution.Terminated();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof LambdaServiceException s) {
                throw new StateFailure(s.errorName(), String.valueOf(s.getMessage()));
            }
            throw new StateFailure("Lambda.SdkClientException", "Unable to invoke the function '" + functionName
                    + "': " + c.getClass().getName() + (c.getMessage() == null ? "" : ": " + c.getMessage()));
        }
    }

    /** The Cause of a function error: the runtime's JSON {@code {"errorMessage","errorType","stackTrace"}}. */
    static String functionErrorCause(InvocationResult r) {
        ObjectNode c = F.objectNode();
        c.put("errorMessage", r.errorMessage());
        c.put("errorType", r.errorType());
        ArrayNode trace = c.putArray("stackTrace");
        r.stackTrace().forEach(trace::add);
        return JsonPaths.compact(c);
    }

    /** A response payload as JSON ({@code null} for an empty one; text that is not JSON as a string). */
    static JsonNode parsePayload(String text) {
        try {
            JsonNode n = JsonPaths.MAPPER.readTree(text);
            return n == null ? F.nullNode() : n;
        } catch (Exception e) {
            return F.textNode(text);
        }
    }

    /** The response of the lambda:invoke integration: the Invoke API's response, as Step Functions returns it. */
    ObjectNode wrapInvokeResponse(JsonNode payload) {
        String requestId = UUID.randomUUID().toString();
        ObjectNode w = F.objectNode();
        w.put("ExecutedVersion", "$LATEST");
        w.set("Payload", payload);
        ObjectNode http = w.putObject("SdkHttpMetadata");
        ObjectNode all = http.putObject("AllHttpHeaders");
        ObjectNode headers = http.putObject("HttpHeaders");
        String len = Integer.toString(JsonPaths.utf8Size(payload));
        Instant now = wallClock.get();
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(now, ZoneOffset.UTC));
        String[][] hs = {{"X-Amz-Executed-Version", "$LATEST"}, {"x-amzn-Remapped-Content-Length", "0"},
                {"Connection", "keep-alive"}, {"x-amzn-RequestId", requestId}, {"Content-Length", len},
                {"Date", date}, {"X-Amzn-Trace-Id", "Root=1-" + Long.toHexString(now.getEpochSecond())
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
}
