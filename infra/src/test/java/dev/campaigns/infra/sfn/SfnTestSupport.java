package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Shared helpers: in-process "Lambda functions", a fast engine (1 virtual second = 1 real millisecond), and waits
 * that all have a deadline ({@link #DEADLINE}) and fail with a message saying what did not happen.
 */
abstract class SfnTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ROLE = "arn:aws:iam::000000000000:role/sfn";
    static final String FN_ARN = "arn:aws:lambda:us-east-1:000000000000:function:";

    /** A Lambda function body: JSON in, JSON out; throwing is a function error named after the exception. */
    @FunctionalInterface
    interface Fn {
        JsonNode apply(JsonNode input) throws Exception;
    }

    /** The test's LambdaInvoker: named functions, with a call count per function. */
    static final class Functions implements LambdaInvoker {
        final Map<String, Fn> fns = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        Functions with(String name, Fn fn) {
            fns.put(name, fn);
            return this;
        }

        int calls(String name) {
            AtomicInteger n = calls.get(name);
            return n == null ? 0 : n.get();
        }

        @Override
        public InvocationResult invoke(String functionName, String payloadJson) {
            calls.computeIfAbsent(functionName, k -> new AtomicInteger()).incrementAndGet();
            Fn fn = fns.get(functionName);
            if (fn == null) {
                throw new LambdaServiceException("Lambda.ResourceNotFoundException",
                        "Function not found: " + functionName);
            }
            try {
                return InvocationResult.success(JSON.writeValueAsString(fn.apply(JSON.readTree(payloadJson))));
            } catch (LambdaServiceException e) {
                throw e;
            } catch (Exception e) {
                return InvocationResult.functionError(e);
            }
        }
    }

    final Functions functions = new Functions();

    /** How long any wait of these tests lasts at most: generous for a loaded 2-core machine, never unbounded. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    /** Polls {@code condition} every 5 ms until it holds; fails naming {@code what} after {@code deadline}. */
    static void awaitUntil(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end >= 0) {
                throw new AssertionError("gave up after " + deadline.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** The next task token a callback function received, within the deadline. */
    static String nextToken(BlockingQueue<String> tokens) throws InterruptedException {
        String token = tokens.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        if (token == null) {
            throw new AssertionError("no task token reached the callback function within " + DEADLINE.toSeconds()
                    + " s");
        }
        return token;
    }

    /** Waits for an execution to end, within the deadline; fails with its status and last events otherwise. */
    static ExecutionDescription await(LocalStepFunctions sfn, String executionArn) throws InterruptedException {
        try {
            return sfn.awaitExecution(executionArn, DEADLINE);
        } catch (TimeoutException e) {
            List<String> t = types(sfn.getExecutionHistory(executionArn));
            throw new AssertionError("execution " + executionArn + " still " + sfn.describeExecution(executionArn)
                    .status() + " after " + DEADLINE.toSeconds() + " s; last events "
                    + t.subList(Math.max(0, t.size() - 5), t.size()));
        }
    }

    LocalStepFunctions engine(SfnConfig config) {
        return new LocalStepFunctions(functions, config);
    }

    static SfnConfig fast() {
        return SfnConfig.defaults().withTimeScale(0.001);
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    /** Definitions are written with single quotes for readability. */
    static String def(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    static ExecutionDescription run(LocalStepFunctions sfn, String definition, String input) throws Exception {
        String sm = sfn.createStateMachine("m" + Math.abs((long) definition.hashCode()), def(definition), ROLE);
        String arn = sfn.startExecution(sm, null, input == null ? null : input.replace('\'', '"'));
        return await(sfn, arn);
    }

    /** Like {@link #run} for a definition and input already in plain JSON (double quotes). */
    static ExecutionDescription runRaw(LocalStepFunctions sfn, String definition, String input) throws Exception {
        String sm = sfn.createStateMachine("r" + Math.abs((long) definition.hashCode()), definition, ROLE);
        String arn = sfn.startExecution(sm, null, input);
        return await(sfn, arn);
    }

    static JsonNode output(ExecutionDescription d) throws Exception {
        if (d.status() != ExecutionStatus.SUCCEEDED) {
            throw new AssertionError("execution " + d.status() + ": " + d.error() + " / " + d.cause());
        }
        return JSON.readTree(d.output());
    }

    static List<String> types(List<HistoryEvent> events) {
        return events.stream().map(HistoryEvent::type).toList();
    }
}
