package dev.campaigns.infra.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.campaigns.handlers.Services;
import dev.campaigns.infra.sfn.InvocationResult;
import dev.campaigns.infra.sfn.LambdaInvoker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The Lambda functions of {@code template.yaml}, in process: each function's handler class (as the template names
 * it) is built once with its own {@link Services}, configured from the function's environment as the template
 * resolves it locally, and invoked as the Java Lambda runtime does: JSON in, JSON out, and a thrown exception
 * becomes a function error whose type is the exception's class name.
 */
public final class LocalLambdas implements LambdaInvoker {
    private final Map<String, RequestStreamHandler> handlers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> invocations = new ConcurrentHashMap<>();
    private static final ThreadLocal<String> RUNNING = new ThreadLocal<>();
    private final Map<String, AtomicLong> busyNanos = new ConcurrentHashMap<>();

    /**
     * @param functions  the template's functions
     * @param services   builds the {@link Services} of one function from its resolved environment
     */
    public LocalLambdas(Iterable<SamTemplate.Function> functions, Function<SamTemplate.Function, Services> services) {
        for (SamTemplate.Function f : functions) {
            handlers.put(f.logicalId(), instantiate(f.handlerClass(), services.apply(f)));
            invocations.put(f.logicalId(), new AtomicLong());
            busyNanos.put(f.logicalId(), new AtomicLong());
        }
    }

    private static RequestStreamHandler instantiate(String className, Services services) {
        try {
            Class<?> type = Class.forName(className);
            return (RequestStreamHandler) type.getConstructor(Services.class).newInstance(services);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("template.yaml names handler " + className
                    + ", which is not a RequestStreamHandler with a (Services) constructor", e);
        }
    }

    @Override
    public InvocationResult invoke(String functionName, String payloadJson) {
        RequestStreamHandler handler = handlers.get(functionName);
        if (handler == null) {
            return InvocationResult.functionError("ResourceNotFoundException",
                    "Function not found: " + functionName, null);
        }
        long start = System.nanoTime();
        invocations.get(functionName).incrementAndGet();
        String outer = RUNNING.get();
        RUNNING.set(functionName);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(payloadJson.getBytes(StandardCharsets.UTF_8)), out,
                    new LocalContext(functionName));
            return InvocationResult.success(out.toString(StandardCharsets.UTF_8));
        } catch (Exception | Error e) {
            return InvocationResult.functionError(e);
        } finally {
            RUNNING.set(outer);
            busyNanos.get(functionName).addAndGet(System.nanoTime() - start);
        }
    }

    /**
     * The function this thread is running, if any: handlers run on the invoking thread, so instrumentation of the
     * local runtime (the benchmarks' DynamoDB request counter) can attribute the SDK calls it sees to a function.
     */
    public static java.util.Optional<String> runningFunction() {
        return java.util.Optional.ofNullable(RUNNING.get());
    }

    /** Invokes a function and returns its answer, or throws what it threw (for the local AppSync). */
    public String invokeOrThrow(String functionName, String payloadJson) {
        InvocationResult result = invoke(functionName, payloadJson);
        if (result.isFunctionError()) {
            throw new FunctionErrorException(result.errorType(), result.errorMessage());
        }
        return result.payloadJson();
    }

    /** Invocations per function so far (for benchmarks: Lambda requests). */
    public Map<String, Long> invocationCounts() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        invocations.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    /** Wall time spent in each function so far, in milliseconds (for benchmarks: Lambda GB-seconds). */
    public Map<String, Long> busyMillis() {
        Map<String, Long> millis = new java.util.TreeMap<>();
        busyNanos.forEach((k, v) -> millis.put(k, v.get() / 1_000_000));
        return millis;
    }

    /** A function error, as AppSync reports it: its type and message. */
    public static final class FunctionErrorException extends RuntimeException {
        private final String errorType;

        FunctionErrorException(String errorType, String message) {
            super(message, null, false, false);
            this.errorType = errorType;
        }

        public String errorType() {
            return errorType;
        }
    }

    /** The invocation context a local function sees. */
    private static final class LocalContext implements Context {
        private final String functionName;
        private final String requestId = UUID.randomUUID().toString();

        LocalContext(String functionName) {
            this.functionName = functionName;
        }

        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + functionName;
        }

        @Override
        public String getLogStreamName() {
            return "local";
        }

        @Override
        public String getFunctionName() {
            return functionName;
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:" + functionName + ":live";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 900_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.err.print(message);
                }

                @Override
                public void log(byte[] message) {
                    System.err.write(message, 0, message.length);
                }
            };
        }
    }
}
