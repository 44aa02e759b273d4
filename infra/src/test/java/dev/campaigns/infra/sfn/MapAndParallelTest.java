package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Map (inline and distributed) and Parallel. */
class MapAndParallelTest extends SfnTestSupport {

    private final LocalStepFunctions sfn = engine(fast());

    @AfterEach
    void close() {
        sfn.close();
    }

    @Test
    void inlineMapRunsUpToMaxConcurrencyIterationsAtOnce() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CyclicBarrier three = new CyclicBarrier(3);
        functions.with("work", in -> {
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                three.await(10, TimeUnit.SECONDS); // only passes when 3 iterations run together
                return json("{'doubled':" + in.get("n").asInt() * 2 + "}");
            } finally {
                inFlight.decrementAndGet();
            }
        });
        String d = "{'StartAt':'M','States':{'M':{'Type':'Map','ItemsPath':'$.items','MaxConcurrency':3,"
                + "'ItemSelector':{'n.$':'$$.Map.Item.Value','i.$':'$$.Map.Item.Index','tag.$':'$.tag'},"
                + "'ItemProcessor':{'ProcessorConfig':{'Mode':'INLINE'},'StartAt':'W','States':{'W':{'Type':'Task',"
                + "'Resource':'arn:aws:states:::lambda:invoke','Parameters':{'FunctionName':'work','Payload.$':'$'},"
                + "'ResultSelector':{'d.$':'$.Payload.doubled'},'End':true}}},"
                + "'ResultPath':'$.results','End':true}}}";
        ExecutionDescription e = run(sfn, d, "{'tag':'t','items':[1,2,3,4,5,6,7,8,9]}");
        JsonNode out = output(e);
        assertEquals(json("[{'d':2},{'d':4},{'d':6},{'d':8},{'d':10},{'d':12},{'d':14},{'d':16},{'d':18}]"),
                out.get("results"));
        assertEquals(3, peak.get(), "concurrency reached MaxConcurrency and never exceeded it");
        List<HistoryEvent> h = sfn.getExecutionHistory(e.executionArn());
        List<String> t = types(h);
        assertEquals(9, t.stream().filter("MapIterationStarted"::equals).count());
        assertEquals(9, t.stream().filter("MapIterationSucceeded"::equals).count());
        assertEquals("9", h.stream().filter(x -> x.type().equals("MapStateStarted")).findFirst().orElseThrow()
                .detail("length"));
        assertEquals(List.of("ExecutionStarted", "MapStateEntered", "MapStateStarted"), t.subList(0, 3));
        assertEquals(List.of("MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"),
                t.subList(t.size() - 3, t.size()));
        long mapStarted = h.get(2).id();
        h.stream().filter(x -> x.type().equals("MapIterationStarted"))
                .forEach(x -> assertEquals(mapStarted, x.previousEventId()));
        for (int i = 1; i < h.size(); i++) {
            assertEquals(i + 1, h.get(i).id());
            assertTrue(h.get(i).previousEventId() < h.get(i).id());
        }
    }

    @Test
    void legacyIteratorAndParametersStillWork() throws Exception {
        String d = "{'StartAt':'M','States':{'M':{'Type':'Map','Parameters':{'v.$':'$$.Map.Item.Value',"
                + "'idx.$':'$$.Map.Item.Index'},'Iterator':{'StartAt':'P','States':{'P':{'Type':'Pass',"
                + "'End':true}}},'End':true}}}";
        assertEquals(json("[{'v':'a','idx':0},{'v':'b','idx':1}]"), output(run(sfn, d, "['a','b']")));
    }

    @Test
    void inlineMapIterationFailureFailsTheMap() throws Exception {
        String d = "{'StartAt':'M','States':{'M':{'Type':'Map','ItemProcessor':{'StartAt':'C','States':{"
                + "'C':{'Type':'Choice','Choices':[{'Variable':'$','NumericEquals':2,'Next':'F'}],'Default':'P'},"
                + "'F':{'Type':'Fail','Error':'Item.Bad','Cause':'two'},'P':{'Type':'Pass','End':true}}},"
                + "'End':true}}}";
        ExecutionDescription e = run(sfn, d, "[1,2,3]");
        assertEquals("Item.Bad", e.error());
        List<String> t = types(sfn.getExecutionHistory(e.executionArn()));
        assertTrue(t.contains("MapIterationFailed"));
        assertTrue(t.contains("MapStateFailed"));
    }

    @Test
    void parallelOutputsAreInBranchOrder() throws Exception {
        String d = "{'StartAt':'P','States':{'P':{'Type':'Parallel','ResultSelector':{'sum.$':"
                + "'States.MathAdd($[0], $[1])'},'Branches':["
                + "{'StartAt':'A','States':{'A':{'Type':'Wait','Seconds':5,'Next':'A2'},'A2':{'Type':'Pass',"
                + "'InputPath':'$.a','End':true}}},"
                + "{'StartAt':'B','States':{'B':{'Type':'Pass','InputPath':'$.b','End':true}}}],'End':true}}}";
        ExecutionDescription e = run(sfn, d, "{'a':40,'b':2}");
        assertEquals(json("{'sum':42}"), output(e));
        List<String> t = types(sfn.getExecutionHistory(e.executionArn()));
        assertTrue(t.containsAll(List.of("ParallelStateEntered", "ParallelStateStarted", "ParallelStateSucceeded",
                "ParallelStateExited", "WaitStateEntered", "WaitStateExited")));
    }

    @Test
    void distributedMapRunsChildExecutionsWithTheirOwnHistories() throws Exception {
        functions.with("sq", in -> json("" + in.get("n").asInt() * in.get("n").asInt()));
        String d = "{'StartAt':'M','States':{'M':{'Type':'Map','Label':'Squares','MaxConcurrency':2,"
                + "'ItemSelector':{'n.$':'$$.Map.Item.Value'},"
                + "'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED','ExecutionType':'STANDARD'},"
                + "'StartAt':'S','States':{'S':{'Type':'Task','Resource':'" + FN_ARN + "sq','End':true}}},"
                + "'End':true}}}";
        ExecutionDescription e = run(sfn, d, "[1,2,3,4]");
        assertEquals(json("[1,4,9,16]"), output(e));
        List<HistoryEvent> h = sfn.getExecutionHistory(e.executionArn());
        String mapRunArn = h.stream().filter(x -> x.type().equals("MapRunStarted")).findFirst().orElseThrow()
                .detail("mapRunArn");
        assertTrue(mapRunArn.startsWith("arn:aws:states:us-east-1:000000000000:mapRun:"));
        assertTrue(mapRunArn.contains("/Squares:"));
        assertTrue(types(h).contains("MapRunSucceeded"));
        assertTrue(types(h).stream().noneMatch(x -> x.startsWith("LambdaFunction")), "children have their own");
        List<ExecutionDescription> children = sfn.listMapRunExecutions(mapRunArn, null);
        assertEquals(4, children.size());
        for (ExecutionDescription c : children) {
            assertEquals(ExecutionStatus.SUCCEEDED, c.status());
            assertEquals(mapRunArn, c.mapRunArn());
            assertTrue(c.executionArn().contains(":execution:" + e.stateMachineArn()
                    .substring(e.stateMachineArn().lastIndexOf(':') + 1) + "/Squares:"));
            assertEquals(List.of("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                    "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"),
                    types(sfn.getExecutionHistory(c.executionArn())));
        }
    }

    @Test
    void distributedMapBatchesItemsAndToleratesFailures() throws Exception {
        functions.with("batch", in -> {
            if (in.at("/Items/0").asInt() == 5) {
                throw new IllegalStateException("bad batch");
            }
            return json("{'count':" + in.get("Items").size() + ",'job':" + in.at("/BatchInput/job") + "}");
        });
        String base = "{'StartAt':'M','States':{'M':{'Type':'Map',%s"
                + "'ItemBatcher':{'MaxItemsPerBatch':2,'BatchInput':{'job.$':'$.job'}},'ItemsPath':'$.items',"
                + "'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED','ExecutionType':'STANDARD'},"
                + "'StartAt':'B','States':{'B':{'Type':'Task','Resource':'" + FN_ARN + "batch','End':true}}},"
                + "'End':true}}}";
        String in = "{'job':'j1','items':[1,2,3,4,5,6,7]}";
        ExecutionDescription strict = run(sfn, String.format(base, ""), in);
        assertEquals("States.ExceedToleratedFailureThreshold", strict.error());
        assertTrue(types(sfn.getExecutionHistory(strict.executionArn())).contains("MapRunFailed"));

        ExecutionDescription tolerant = run(sfn, String.format(base, "'ToleratedFailurePercentage':25,"), in);
        JsonNode out = output(tolerant);
        assertEquals(4, out.size());
        assertEquals(json("{'count':2,'job':'j1'}"), out.get(0));
        assertEquals("java.lang.IllegalStateException", out.get(2).get("Error").asText());
        assertEquals(json("{'count':1,'job':'j1'}"), out.get(3));
    }
}
