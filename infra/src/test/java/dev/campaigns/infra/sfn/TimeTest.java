package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's two notions of time: what it records (history timestamps, execution dates, the context object's
 * times) is on the wall clock, while waiting (Wait states, retry intervals) is in virtual seconds and Timestamp
 * waits are measured on the virtual clock.
 */
class TimeTest extends SfnTestSupport {

    /** A virtual clock frozen far in the future; sleeps are recorded and take no real time. */
    static final class FrozenVirtualClock implements TimeSource {
        static final Instant VIRTUAL_NOW = Instant.parse("2030-01-01T00:00:00Z");
        final Queue<Duration> sleeps = new ConcurrentLinkedQueue<>();

        @Override
        public Instant now() {
            return VIRTUAL_NOW;
        }

        @Override
        public void sleep(Duration virtual) {
            sleeps.add(virtual);
        }

        @Override
        public long realNanos(Duration virtual) {
            return virtual.toNanos();
        }
    }

    private static void assertWithin(Instant before, Instant after, Instant t, String what) {
        assertTrue(!t.isBefore(before) && !t.isAfter(after), what + " " + t + " is not within the real run "
                + before + ".." + after);
    }

    @Test
    void timestampWaitsUseTheVirtualClockWhileEverythingRecordedIsWallClock() throws Exception {
        FrozenVirtualClock clock = new FrozenVirtualClock();
        try (LocalStepFunctions sfn = engine(fast().withTimeSource(clock))) {
            String d = "{'StartAt':'Until','States':{'Until':{'Type':'Wait','Timestamp':'2030-01-01T00:00:45Z',"
                    + "'Next':'UntilPath'},'UntilPath':{'Type':'Wait','TimestampPath':'$.at','Next':'Seconds'},"
                    + "'Seconds':{'Type':'Wait','Seconds':3600,'Next':'Show'},'Show':{'Type':'Pass','Parameters':{"
                    + "'entered.$':'$$.State.EnteredTime','started.$':'$$.Execution.StartTime'},'End':true}}}";
            Instant before = Instant.now();
            ExecutionDescription e = run(sfn, d, "{'at':'2030-01-01T01:30:00+01:00'}");
            Instant after = Instant.now();
            JsonNode out = output(e);

            assertEquals(List.of(Duration.ofSeconds(45), Duration.ofSeconds(30 * 60), Duration.ofHours(1)),
                    List.copyOf(clock.sleeps), "waits measured on the virtual clock, in virtual seconds");
            assertWithin(before, after, e.startDate(), "startDate");
            assertWithin(before, after, e.stopDate(), "stopDate");
            assertWithin(before, after, Instant.parse(out.get("entered").asText()), "$$.State.EnteredTime");
            assertEquals(e.startDate(), Instant.parse(out.get("started").asText()), "$$.Execution.StartTime");
            for (HistoryEvent h : sfn.getExecutionHistory(e.executionArn())) {
                assertWithin(before, after, h.timestamp(), h.type() + " timestamp");
            }
            assertWithin(before, after, sfn.describeStateMachine(e.stateMachineArn()).creationDate(),
                    "creationDate");
        }
    }

    @Test
    void aSpedUpRunReportsItsRealDuration() throws Exception {
        // 400 virtual seconds of waiting and retrying at 1000x: 0.4 s of real time, reported as such
        try (LocalStepFunctions sfn = engine(SfnConfig.defaults().withTimeScale(0.001))) {
            functions.with("flaky", in -> {
                throw new IllegalStateException("always");
            });
            String d = "{'StartAt':'W','States':{'W':{'Type':'Wait','Seconds':300,'Next':'T'},"
                    + "'T':{'Type':'Task','Resource':'" + FN_ARN + "flaky','Retry':[{'ErrorEquals':['States.ALL'],"
                    + "'IntervalSeconds':50,'MaxAttempts':2,'BackoffRate':1}],"
                    + "'Catch':[{'ErrorEquals':['States.ALL'],'Next':'Done'}],'End':true},"
                    + "'Done':{'Type':'Succeed'}}}";
            Instant before = Instant.now();
            ExecutionDescription e = run(sfn, d, "{}");
            Instant after = Instant.now();
            assertEquals(ExecutionStatus.SUCCEEDED, e.status());
            assertEquals(3, functions.calls("flaky"));
            assertWithin(before, after, e.startDate(), "startDate");
            assertWithin(before, after, e.stopDate(), "stopDate");
            List<HistoryEvent> h = sfn.getExecutionHistory(e.executionArn());
            for (int i = 1; i < h.size(); i++) {
                assertTrue(!h.get(i).timestamp().isBefore(h.get(i - 1).timestamp()), "timestamps in order");
            }
            assertWithin(before, after, h.get(h.size() - 1).timestamp(), "the last event's timestamp");
        }
    }
}
