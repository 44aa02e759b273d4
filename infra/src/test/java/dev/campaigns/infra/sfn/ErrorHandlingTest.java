package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retry and Catch as the States Language specifies them, Lambda errors, timeouts. */
class ErrorHandlingTest extends SfnTestSupport {

    /** Fast virtual time that remembers every virtual sleep (Wait states and retry intervals). */
    static final class RecordingTime implements TimeSource {
        final TimeSource delegate = TimeSource.scaled(0.0001);
        final Queue<Duration> sleeps = new ConcurrentLinkedQueue<>();

        @Override
        public Instant now() {
            return delegate.now();
        }

        @Override
        public void sleep(Duration virtual) throws InterruptedException {
            sleeps.add(virtual);
            delegate.sleep(virtual);
        }

        @Override
        public long realNanos(Duration virtual) {
            return delegate.realNanos(virtual);
        }
    }

    private final RecordingTime time = new RecordingTime();
    private final LocalStepFunctions sfn = engine(fast().withTimeSource(time).withRandom(new Random(42)));

    @AfterEach
    void close() {
        sfn.close();
    }

    static final class ErrorA extends RuntimeException {
        ErrorA() {
            super("A");
        }
    }

    static final class ErrorB extends RuntimeException {
        ErrorB() {
            super("B");
        }
    }

    static final class ErrorC extends RuntimeException {
        ErrorC() {
            super("C");
        }
    }

    /**
     * The specification's example: a task fails with ErrorA, ErrorB, ErrorC, ErrorB. The first two match the
     * first retrier (waits 1 s and 2 s), the third the second retrier (5 s), the fourth the first retrier again,
     * which has used its MaxAttempts of 2: the catcher takes over.
     */
    @Test
    void retrierOrderAndCountsFollowTheSpecificationExample() throws Exception {
        AtomicInteger call = new AtomicInteger();
        functions.with("x", in -> {
            switch (call.incrementAndGet()) {
                case 1:
                    throw new ErrorA();
                case 2:
                case 4:
                    throw new ErrorB();
                case 3:
                    throw new ErrorC();
                default:
                    return json("'ok'");
            }
        });
        String a = ErrorA.class.getName();
        String b = ErrorB.class.getName();
        String c = ErrorC.class.getName();
        String d = "{'StartAt':'X','States':{'X':{'Type':'Task','Resource':'" + FN_ARN + "x','Next':'Y',"
                + "'Retry':[{'ErrorEquals':['" + a + "','" + b + "'],'IntervalSeconds':1,'BackoffRate':2.0,"
                + "'MaxAttempts':2},{'ErrorEquals':['" + c + "'],'IntervalSeconds':5}],"
                + "'Catch':[{'ErrorEquals':['States.ALL'],'Next':'Z'}]},"
                + "'Y':{'Type':'Pass','End':true},'Z':{'Type':'Pass','Result':'caught','ResultPath':'$.r',"
                + "'End':true}}}";
        ExecutionDescription e = run(sfn, d, "{}");
        JsonNode out = output(e);
        assertEquals("caught", out.get("r").asText());
        assertEquals(b, out.get("Error").asText());
        assertEquals(4, call.get());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5)),
                List.copyOf(time.sleeps));
        List<HistoryEvent> h = sfn.getExecutionHistory(e.executionArn());
        assertEquals(4, types(h).stream().filter("LambdaFunctionFailed"::equals).count());
        assertEquals(1, types(h).stream().filter("TaskStateEntered"::equals).count());
        HistoryEvent failed = h.stream().filter(x -> x.type().equals("LambdaFunctionFailed")).findFirst()
                .orElseThrow();
        JsonNode cause = JSON.readTree(failed.detail("cause"));
        assertEquals("A", cause.get("errorMessage").asText());
        assertEquals(a, cause.get("errorType").asText());
        assertTrue(cause.get("stackTrace").size() > 0);
        assertEquals(2 + 3, sfn.executionStats(e.executionArn()).stateTransitions(),
                "states X and Z entered, plus 3 retries");
    }

    @Test
    void backoffIsCappedByMaxDelayAndFullJitterStaysBelowTheInterval() throws Exception {
        functions.with("f", in -> {
            throw new IllegalStateException("always");
        });
        String d = "{'StartAt':'X','States':{'X':{'Type':'Task','Resource':'" + FN_ARN + "f','End':true,"
                + "'Retry':[{'ErrorEquals':['States.TaskFailed'],'IntervalSeconds':3,'BackoffRate':3,"
                + "'MaxAttempts':4,'MaxDelaySeconds':20}]}}}";
        ExecutionDescription e = run(sfn, d, "{}");
        assertEquals("java.lang.IllegalStateException", e.error());
        assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(9), Duration.ofSeconds(20),
                Duration.ofSeconds(20)), List.copyOf(time.sleeps));
        assertEquals(5, functions.calls("f"));

        time.sleeps.clear();
        String jitter = d.replace("'MaxDelaySeconds':20", "'MaxDelaySeconds':20,'JitterStrategy':'FULL'");
        run(sfn, jitter.replace("'X'", "'J'").replace("'StartAt':'J'", "'StartAt':'J'"), "{}");
        List<Duration> sleeps = List.copyOf(time.sleeps);
        assertEquals(4, sleeps.size());
        double[] caps = {3, 9, 20, 20};
        for (int i = 0; i < 4; i++) {
            double s = sleeps.get(i).toNanos() / 1e9;
            assertTrue(s >= 0 && s <= caps[i], "jittered delay " + s + " within [0, " + caps[i] + "]");
        }
        assertTrue(sleeps.stream().anyMatch(s -> s.toNanos() / 1e9 != 3 && s.toNanos() / 1e9 != 9
                && s.toNanos() / 1e9 != 20), "jitter changed at least one delay");
    }

    @Test
    void maxAttemptsZeroNeverRetriesAndCatchResultPathKeepsTheInput() throws Exception {
        functions.with("f", in -> {
            throw new IllegalArgumentException("bad input");
        });
        String d = "{'StartAt':'X','States':{'X':{'Type':'Task','Resource':'" + FN_ARN + "f','End':true,"
                + "'Retry':[{'ErrorEquals':['States.ALL'],'MaxAttempts':0}],"
                + "'Catch':[{'ErrorEquals':['java.lang.IllegalStateException'],'Next':'Wrong'},"
                + "{'ErrorEquals':['States.TaskFailed'],'ResultPath':'$.error','Next':'Right'}]},"
                + "'Wrong':{'Type':'Fail','Error':'wrong'},'Right':{'Type':'Succeed'}}}";
        JsonNode out = output(run(sfn, d, "{'keep':1}"));
        assertEquals(1, out.get("keep").asInt());
        assertEquals("java.lang.IllegalArgumentException", out.at("/error/Error").asText());
        assertEquals("bad input", JSON.readTree(out.at("/error/Cause").asText()).get("errorMessage").asText());
        assertEquals(1, functions.calls("f"));
        assertTrue(time.sleeps.isEmpty());
    }

    @Test
    void lambdaServiceErrorsAndClientErrorsHaveLambdaErrorNames() throws Exception {
        functions.with("boom", in -> {
            throw new LambdaServiceException("Lambda.TooManyRequestsException", "Rate exceeded");
        });
        String d = "{'StartAt':'X','States':{'X':{'Type':'Task','Resource':'arn:aws:states:::lambda:invoke',"
                + "'Parameters':{'FunctionName':'%s','Payload.$':'$'},'End':true}}}";
        ExecutionDescription missing = run(sfn, String.format(d, "nope"), "{}");
        assertEquals("Lambda.ResourceNotFoundException", missing.error());
        ExecutionDescription throttled = run(sfn, String.format(d, "boom"), "{}");
        assertEquals("Lambda.TooManyRequestsException", throttled.error());
        assertEquals("Rate exceeded", throttled.cause());
        List<String> t = types(sfn.getExecutionHistory(throttled.executionArn()));
        assertEquals(List.of("ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed",
                "ExecutionFailed"), t);

        LocalStepFunctions broken = new LocalStepFunctions((fn, p) -> {
            throw new IllegalStateException("connection refused");
        }, fast());
        try {
            ExecutionDescription e = run(broken, String.format(d, "any"), "{}");
            assertEquals("Lambda.SdkClientException", e.error());
        } finally {
            broken.close();
        }
    }

    @Test
    void taskTimeoutIsStatesTimeoutAndNotStatesTaskFailed() throws Exception {
        functions.with("slow", in -> {
            Thread.sleep(2_000);
            return json("1");
        });
        String d = "{'StartAt':'X','States':{'X':{'Type':'Task','Resource':'" + FN_ARN + "slow',"
                + "'TimeoutSeconds':1,'End':true,"
                + "'Catch':[{'ErrorEquals':['States.TaskFailed'],'Next':'Wrong'},"
                + "{'ErrorEquals':['States.Timeout'],'Next':'Right'}]},"
                + "'Wrong':{'Type':'Fail'},'Right':{'Type':'Pass','Result':'timed out','End':true}}}";
        ExecutionDescription e = run(sfn, d, "{}");
        assertEquals("timed out", output(e).asText());
        assertTrue(types(sfn.getExecutionHistory(e.executionArn())).contains("LambdaFunctionTimedOut"));
    }

    @Test
    void dataLimitExceededIsNotCaughtByStatesAllButByName() throws Exception {
        LocalStepFunctions small = engine(fast().withMaxPayloadBytes(200));
        try {
            functions.with("big", in -> JSON.getNodeFactory().textNode("x".repeat(300)));
            String d = "{'StartAt':'X','States':{'X':{'Type':'Task','Resource':'" + FN_ARN + "big','End':true,"
                    + "'Catch':[{'ErrorEquals':['States.ALL'],'Next':'C'}]},'C':{'Type':'Succeed'}}}";
            ExecutionDescription e = run(small, d, "{}");
            assertEquals(ExecutionStatus.FAILED, e.status());
            assertEquals("States.DataLimitExceeded", e.error());
            String named = d.replace("'States.ALL'", "'States.DataLimitExceeded'");
            assertEquals(ExecutionStatus.SUCCEEDED, run(small, named, "{}").status());
            ExecutionDescription pass = run(small, "{'StartAt':'P','States':{'P':{'Type':'Pass','Result':'"
                    + "y".repeat(250) + "','End':true}}}", "{}");
            assertEquals("States.DataLimitExceeded", pass.error());
            assertTrue(small.executionStats(pass.executionArn()).maxPayloadBytes() > 250);
        } finally {
            small.close();
        }
    }

    @Test
    void parallelBranchFailureFailsTheParallelWithTheBranchError() throws Exception {
        functions.with("ok", in -> in);
        String d = "{'StartAt':'P','States':{'P':{'Type':'Parallel','End':true,"
                + "'Catch':[{'ErrorEquals':['Branch.Error'],'ResultPath':'$.err','Next':'Done'}],"
                + "'Branches':[{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'" + FN_ARN + "ok',"
                + "'End':true}}},{'StartAt':'B','States':{'B':{'Type':'Fail','Error':'Branch.Error',"
                + "'Cause':'because'}}}]},'Done':{'Type':'Succeed'}}}";
        JsonNode out = output(run(sfn, d, "{'v':1}"));
        assertEquals(json("{'v':1,'err':{'Error':'Branch.Error','Cause':'because'}}"), out);
    }

    @Test
    void waitStatesSleepVirtualSeconds() throws Exception {
        String d = "{'StartAt':'W1','States':{'W1':{'Type':'Wait','Seconds':30,'Next':'W2'},"
                + "'W2':{'Type':'Wait','SecondsPath':'$.s','Next':'W3'},"
                + "'W3':{'Type':'Wait','TimestampPath':'$.past','End':true}}}";
        Instant before = Instant.now();
        ExecutionDescription e = run(sfn, d, "{'s':600,'past':'2001-01-01T00:00:00Z'}");
        Instant after = Instant.now();
        assertEquals(ExecutionStatus.SUCCEEDED, e.status());
        assertEquals(List.of(Duration.ofSeconds(30), Duration.ofSeconds(600)), List.copyOf(time.sleeps));
        // 630 virtual seconds were waited, but the dates are the wall clock's: they lie within the real run
        assertTrue(!e.startDate().isBefore(before) && !e.stopDate().isAfter(after)
                && !e.stopDate().isBefore(e.startDate()), e.startDate() + ".." + e.stopDate() + " not within "
                + before + ".." + after);
    }
}
