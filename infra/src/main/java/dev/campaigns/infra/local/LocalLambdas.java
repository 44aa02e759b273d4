package dev.campaigns.infra.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.campaigns.handlers.Handlers;
import dev.campaigns.handlers.Services;
import dev.campaigns.infra.sfn.InvocationResult;
import dev.campaigns.infra.sfn.LambdaInvoker;
import dev.campaigns.infra.sfn.LambdaServiceException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The Lambda functions of {@code template.yaml}, in process: each function's handler class (as the template names
 * it) is built once by {@link Handlers} (the wiring the Lambda constructor uses too) with its own {@link Services},
 * configured from the function's environment as the template resolves it locally, and invoked as the Java Lambda runtime does: JSON in, JSON out, and a thrown exception
 * becomes a function error whose type is the exception's class name.
 *
 * <p>Lambda's limits hold here as in AWS ({@link LambdaLimits}, docs/limits.md): a request payload over 6 MB (1 MB
 * for an asynchronous invocation) is refused with {@code RequestEntityTooLargeException} before the function runs;
 * a response over 6 MB becomes the function error {@code Function.ResponseSizeTooLarge}; and each invocation runs
 * in its own sandbox thread for at most the function's {@code Timeout}. At the timeout the invocation ends with
 * Lambda's function error {@code Sandbox.Timedout} ("Task timed out after N.00 seconds"), whoever waits for it,
 * and the sandbox is stopped: its thread is interrupted and marked frozen, so that any AWS SDK call it still makes
 * fails ({@link FrozenSandboxInterceptor}) and whatever it returns later is discarded, as when AWS stops the
 * execution environment. The handler sees its {@code Timeout} in {@link Context#getRemainingTimeInMillis()} and its
 * {@code MemorySize} in {@link Context#getMemoryLimitInMB()}.
 */
public final class LocalLambdas implements LambdaInvoker, AutoCloseable {
    private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();
    private final Map<String, Deployed> functions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> invocations = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> busyNanos = new ConcurrentHashMap<>();
    private final ExecutorService sandboxes;
    private final ScheduledExecutorService timer;

    /** A function as deployed: its handler, {@code Timeout} and {@code MemorySize}. */
    private record Deployed(String name, RequestStreamHandler handler, int timeoutSeconds, int memorySize) {
    }

    /**
     * The product's functions: each handler built by {@link Handlers#create} from its function's {@link Services}.
     *
     * @param functions  the template's functions
     * @param services   builds the {@link Services} of one function from its resolved environment
     */
    public static LocalLambdas wired(Iterable<SamTemplate.Function> functions,
                                     Function<SamTemplate.Function, Services> services) {
        return new LocalLambdas(functions, f -> instantiate(f.handlerClass(), services.apply(f)));
    }

    /**
     * @param functions  the template's functions
     * @param handlers   builds the handler of one function (tests' own handlers; the product's: {@link #wired})
     */
    public LocalLambdas(Iterable<SamTemplate.Function> functions,
                        Function<SamTemplate.Function, RequestStreamHandler> handlers) {
        for (SamTemplate.Function f : functions) {
            this.functions.put(f.logicalId(), new Deployed(f.logicalId(), handlers.apply(f), f.timeoutSeconds(),
                    f.memorySize()));
            invocations.put(f.logicalId(), new AtomicLong());
            busyNanos.put(f.logicalId(), new AtomicLong());
        }
        AtomicInteger n = new AtomicInteger();
        this.sandboxes = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lambda-sandbox-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lambda-timeouts");
            t.setDaemon(true);
            return t;
        });
    }

    private static RequestStreamHandler instantiate(String className, Services services) {
        try {
            return Handlers.create(className, services);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("template.yaml names handler " + className
                    + ", which dev.campaigns.handlers.Handlers does not wire", e);
        }
    }

    /**
     * A synchronous (RequestResponse) invocation, waited for until it ends (at the latest at the function's
     * timeout).
     *
     * @throws LambdaServiceException {@code Lambda.ResourceNotFoundException} or
     *                                {@code Lambda.RequestEntityTooLargeException}, as the Invoke API refuses
     */
    @Override
    public InvocationResult invoke(String functionName, String payloadJson) {
        return start(functionName, payloadJson).await();
    }

    /**
     * Starts a synchronous (RequestResponse) invocation and returns at once. A caller may stop waiting (AppSync does
     * at 30 s) while the function runs on to its own timeout, as in AWS.
     *
     * @throws LambdaServiceException {@code Lambda.ResourceNotFoundException} or
     *                                {@code Lambda.RequestEntityTooLargeException} (over 6 MB)
     */
    public Invocation start(String functionName, String payloadJson) {
        Deployed f = deployed(functionName);
        if (LambdaLimits.bytes(payloadJson) > LambdaLimits.SYNC_REQUEST_BYTES) {
            throw new LambdaServiceException("Lambda.RequestEntityTooLargeException", "Request must be smaller than "
                    + LambdaLimits.SYNC_REQUEST_BYTES + " bytes for the InvokeFunction operation");
        }
        return run(f, payloadJson);
    }

    /**
     * Starts an asynchronous (Event) invocation, as EventBridge's scheduled events make.
     *
     * @throws LambdaServiceException {@code Lambda.RequestEntityTooLargeException} over 1 MB
     */
    public Invocation startEvent(String functionName, String payloadJson) {
        Deployed f = deployed(functionName);
        int size = LambdaLimits.bytes(payloadJson);
        if (size > LambdaLimits.ASYNC_REQUEST_BYTES) {
            throw new LambdaServiceException("Lambda.RequestEntityTooLargeException", size
                    + " byte payload is too large for the Event invocation type (limit "
                    + LambdaLimits.ASYNC_REQUEST_BYTES + " bytes)");
        }
        return run(f, payloadJson);
    }

    private Deployed deployed(String functionName) {
        Deployed f = functions.get(functionName);
        if (f == null) {
            throw new LambdaServiceException("Lambda.ResourceNotFoundException",
                    "Function not found: arn:aws:lambda:us-east-1:000000000000:function:" + functionName);
        }
        return f;
    }

    private Invocation run(Deployed f, String payloadJson) {
        invocations.get(f.name()).incrementAndGet();
        long start = System.nanoTime();
        long timeoutNanos = TimeUnit.SECONDS.toNanos(f.timeoutSeconds());
        Invocation invocation = new Invocation(f.name(), UUID.randomUUID().toString(), start + timeoutNanos,
                f.timeoutSeconds());
        Future<?> sandbox = sandboxes.submit(() -> {
            CURRENT.set(invocation);
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                f.handler().handleRequest(new ByteArrayInputStream(payloadJson.getBytes(StandardCharsets.UTF_8)), out,
                        new LocalContext(invocation, f.memorySize()));
                invocation.result.complete(response(out));
            } catch (Exception | Error e) {
                invocation.result.complete(InvocationResult.functionError(e));
            } finally {
                CURRENT.remove();
                Thread.interrupted(); // a pooled thread starts its next sandbox uninterrupted
            }
        });
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            if (invocation.timeOut()) {
                sandbox.cancel(true);
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        invocation.result.whenComplete((r, e) -> {
            deadline.cancel(false);
            busyNanos.get(f.name()).addAndGet(System.nanoTime() - start);
        });
        return invocation;
    }

    private static InvocationResult response(ByteArrayOutputStream out) {
        if (out.size() > LambdaLimits.SYNC_RESPONSE_BYTES) {
            return InvocationResult.functionError("Function.ResponseSizeTooLarge",
                    "Response payload size exceeded maximum allowed payload size ("
                            + LambdaLimits.SYNC_RESPONSE_BYTES + " bytes).", null);
        }
        return InvocationResult.success(out.toString(StandardCharsets.UTF_8));
    }

    /**
     * The function this thread is running, if any: handlers run on their sandbox thread, so instrumentation of the
     * local runtime (the benchmarks' DynamoDB request counter) can attribute the SDK calls it sees to a function.
     */
    public static Optional<String> runningFunction() {
        return Optional.ofNullable(CURRENT.get()).map(Invocation::function);
    }

    /** The invocation this thread runs, if it is a sandbox thread. */
    static Optional<Invocation> currentInvocation() {
        return Optional.ofNullable(CURRENT.get());
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

    @Override
    public void close() {
        timer.shutdownNow();
        sandboxes.shutdownNow();
    }

    /** One invocation: its request ID, deadline, and its result once it ends (answer, error or timeout). */
    public static final class Invocation {
        private final String function;
        private final String requestId;
        private final long deadlineNanos;
        private final int timeoutSeconds;
        private final CompletableFuture<InvocationResult> result = new CompletableFuture<>();
        private volatile boolean frozen;

        Invocation(String function, String requestId, long deadlineNanos, int timeoutSeconds) {
            this.function = function;
            this.requestId = requestId;
            this.deadlineNanos = deadlineNanos;
            this.timeoutSeconds = timeoutSeconds;
        }

        public String function() {
            return function;
        }

        public String requestId() {
            return requestId;
        }

        /** Whether the invocation timed out and its sandbox was stopped. */
        public boolean frozen() {
            return frozen;
        }

        /** Ends the invocation with Lambda's timeout error unless it ended already; true if it did here. */
        boolean timeOut() {
            if (result.isDone()) {
                return false;
            }
            frozen = true; // before the result: a caller that sees the timeout never sees a later SDK call succeed
            return result.complete(InvocationResult.functionError("Sandbox.Timedout", "RequestId: " + requestId
                    + " Error: Task timed out after " + timeoutSeconds + ".00 seconds", null));
        }

        /** Waits for the result; it comes at the latest at the function's timeout. */
        public InvocationResult await() {
            long grace = TimeUnit.SECONDS.toNanos(10);
            return await(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()) + grace))
                    .orElseThrow(() -> new IllegalStateException("invocation " + requestId + " of " + function
                            + " did not end at its timeout"));
        }

        /** Waits at most {@code max} for the result; empty if the invocation is still running then. */
        public Optional<InvocationResult> await(Duration max) {
            try {
                return Optional.of(result.get(max.toNanos(), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + function, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        long remainingMillis() {
            return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
        }
    }

    /** The invocation context a local function sees. */
    private static final class LocalContext implements Context {
        private final Invocation invocation;
        private final int memorySize;

        LocalContext(Invocation invocation, int memorySize) {
            this.invocation = invocation;
            this.memorySize = memorySize;
        }

        @Override
        public String getAwsRequestId() {
            return invocation.requestId();
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + invocation.function();
        }

        @Override
        public String getLogStreamName() {
            return "local";
        }

        @Override
        public String getFunctionName() {
            return invocation.function();
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:" + invocation.function() + ":live";
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
            return (int) invocation.remainingMillis();
        }

        @Override
        public int getMemoryLimitInMB() {
            return memorySize;
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
