package dev.campaigns.infra.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.sfn.InvocationResult;
import dev.campaigns.infra.sfn.LambdaInvoker;
import dev.campaigns.infra.sfn.LambdaServiceException;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Lambda runtime as Step Functions sees it, failing the way Lambda fails: it stands between the local Step
 * Functions engine and the in-process functions ({@code LocalCampaigns.Hooks#invoker}) and, for a share of the
 * workflow steps' invocations, makes one of these happen:
 * <ul>
 *   <li>{@link FaultKind#LAMBDA_DIES_BEFORE_STEP}: {@code Lambda.Unknown} without running the function;</li>
 *   <li>{@link FaultKind#LAMBDA_THROTTLED}: {@code Lambda.TooManyRequestsException} from the service;</li>
 *   <li>{@link FaultKind#LAMBDA_DIES_BEFORE_RECORD} and {@link FaultKind#LAMBDA_DIES_AFTER_RECORD} (the four
 *       changeset steps only): arms a kill in the {@link DynamoFaultProxy} for the step's recording write, runs the
 *       function, and if the kill fired reports {@code Lambda.Unknown} whatever the function answered (its
 *       process is gone);</li>
 *   <li>{@link FaultKind#LAMBDA_RESPONSE_LOST}: runs the function to its end, then reports {@code Lambda.Unknown};</li>
 *   <li>{@link FaultKind#DUPLICATE_INVOCATION}: runs the function twice at once with the same input and reports
 *       the first answer (the other races it on DynamoDB's conditional writes and on the code host).</li>
 * </ul>
 * The resolvers are not wrapped (AppSync calls them directly). Whether an invocation fails is drawn from a seeded
 * generator; the way it fails cycles through the kinds (the kills having twice the share).
 */
public final class ChaosInvoker implements LambdaInvoker {
    /** The recording write of each changeset step, as it appears in the request to DynamoDB. */
    static final Map<String, String> RECORDING_WRITE = Map.of(
            "CommitChangesetFunction", "SET commitSha",
            "PushChangesetFunction", "SET pushed",
            "CreatePullRequestFunction", "SET pullRequest",
            "CreateChangesetFunction", "CHANGESET#");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LambdaInvoker delegate;
    private final DynamoFaultProxy dynamo;
    private final FaultLedger ledger;
    private final Random random;
    private final ExecutorService duplicates = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chaos-duplicate");
        t.setDaemon(true);
        return t;
    });
    private volatile double rate;
    private final java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong invocations = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();

    public ChaosInvoker(LambdaInvoker delegate, DynamoFaultProxy dynamo, FaultLedger ledger, double rate, long seed) {
        this.delegate = delegate;
        this.dynamo = dynamo;
        this.ledger = ledger;
        this.rate = rate;
        this.random = new Random(seed);
    }

    /** Changes the share of invocations that fail (0 stops injecting). */
    public void rate(double newRate) {
        this.rate = newRate;
    }

    /** Invocations Step Functions made. */
    public long invocations() {
        return invocations.get();
    }

    /** Invocations that reported an error to Step Functions (each then retried or caught). */
    public long failures() {
        return failures.get();
    }

    @Override
    public InvocationResult invoke(String functionName, String payloadJson) {
        invocations.incrementAndGet();
        try {
            InvocationResult result = chaos(functionName, payloadJson);
            if (result.isFunctionError()) {
                failures.incrementAndGet();
            }
            return result;
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            throw e;
        }
    }

    private InvocationResult chaos(String functionName, String payloadJson) {
        double r = rate;
        double draw;
        synchronized (random) {
            draw = random.nextDouble();
        }
        if (r <= 0 || draw >= r) {
            return delegate.invoke(functionName, payloadJson);
        }
        String marker = RECORDING_WRITE.get(functionName);
        // The kills happen only when a fault falls on one of the four recording steps: until each kind of kill has
        // happened once, such a fault is a kill (in a run of 60 jobs the cycle below alone sometimes missed one).
        boolean noKillBefore = ledger.count(FaultKind.LAMBDA_DIES_BEFORE_RECORD) == 0;
        if (marker != null && (noKillBefore || ledger.count(FaultKind.LAMBDA_DIES_AFTER_RECORD) == 0)) {
            return killedAtRecord(functionName, payloadJson, marker, !noKillBefore);
        }
        // whether to fail is random; which way cycles, so that every kind occurs in any run of some size
        int pick = (int) (next.getAndIncrement() % 8);
        switch (pick) {
            case 0 -> {
                ledger.record(FaultKind.LAMBDA_DIES_BEFORE_STEP);
                return died("before it started");
            }
            case 1 -> {
                ledger.record(FaultKind.LAMBDA_THROTTLED);
                throw new LambdaServiceException("Lambda.TooManyRequestsException", "Rate Exceeded. (injected)");
            }
            case 2, 3, 4, 5 -> {
                // the kills get twice the share: they are the faults that matter most, and only 4 steps have them
                if (marker == null) {
                    return responseLost(functionName, payloadJson);
                }
                return killedAtRecord(functionName, payloadJson, marker, pick >= 4);
            }
            case 6 -> {
                return responseLost(functionName, payloadJson);
            }
            default -> {
                return duplicated(functionName, payloadJson);
            }
        }
    }

    private InvocationResult killedAtRecord(String functionName, String payloadJson, String marker, boolean applied) {
        String campaignId;
        String jobId;
        try {
            JsonNode payload = JSON.readTree(payloadJson);
            campaignId = payload.path("campaignId").asText(null);
            jobId = payload.path("jobId").asText(null);
        } catch (IOException e) {
            return delegate.invoke(functionName, payloadJson);
        }
        if (campaignId == null || jobId == null) {
            return delegate.invoke(functionName, payloadJson);
        }
        dynamo.arm(campaignId, jobId, marker, applied);
        InvocationResult result;
        try {
            result = delegate.invoke(functionName, payloadJson);
        } finally {
            if (dynamo.disarm(campaignId, jobId)) {
                result = null;
            }
        }
        // a kill that did not fire (the step had nothing left to record) changes nothing
        return result != null ? result : died("after its side effect (" + (applied ? "record written" : "record lost")
                + ")");
    }

    private InvocationResult responseLost(String functionName, String payloadJson) {
        delegate.invoke(functionName, payloadJson);
        ledger.record(FaultKind.LAMBDA_RESPONSE_LOST);
        return died("after it finished");
    }

    private InvocationResult duplicated(String functionName, String payloadJson) {
        ledger.record(FaultKind.DUPLICATE_INVOCATION);
        CompletableFuture<InvocationResult> twin = CompletableFuture.supplyAsync(
                () -> delegate.invoke(functionName, payloadJson), duplicates);
        InvocationResult first = delegate.invoke(functionName, payloadJson);
        twin.exceptionally(e -> null).join();
        return first;
    }

    private static InvocationResult died(String when) {
        return InvocationResult.functionError("Lambda.Unknown",
                "The Lambda runtime exited without providing a response (injected: died " + when + ")", null);
    }
}
