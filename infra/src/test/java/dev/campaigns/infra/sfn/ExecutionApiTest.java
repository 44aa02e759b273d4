package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The execution API: idempotent names, history, task tokens, StopExecution, quotas, lambda:invoke wrapping. */
class ExecutionApiTest extends SfnTestSupport {

    private final LocalStepFunctions sfn = engine(fast());

    @AfterEach
    void close() {
        sfn.close();
    }

    private static final String CALLBACK = "{'StartAt':'T','States':{'T':{'Type':'Task',"
            + "'Resource':'arn:aws:states:::lambda:invoke.waitForTaskToken','HeartbeatSeconds':%d,"
            + "'Parameters':{'FunctionName':'notify','Payload':{'token.$':'$$.Task.Token','in.$':'$'}},"
            + "'ResultPath':'$.callback','End':true}}}";

    private BlockingQueue<String> tokensFromNotify() {
        BlockingQueue<String> tokens = new LinkedBlockingQueue<>();
        functions.with("notify", in -> {
            tokens.add(in.get("token").asText());
            return json("{'queued':true}");
        });
        return tokens;
    }

    @Test
    void startExecutionIsIdempotentForARunningExecutionWithTheSameInput() throws Exception {
        BlockingQueue<String> tokens = tokensFromNotify();
        String sm = sfn.createStateMachine("callbacks", def(String.format(CALLBACK, 0)), ROLE);
        assertEquals("arn:aws:states:us-east-1:000000000000:stateMachine:callbacks", sm);
        String a = sfn.startExecution(sm, "job-1", "{\"x\":1}");
        assertEquals("arn:aws:states:us-east-1:000000000000:execution:callbacks:job-1", a);
        assertEquals(a, sfn.startExecution(sm, "job-1", "{\"x\":1}"), "same name, same input, RUNNING");
        StepFunctionsException differentInput = assertThrows(StepFunctionsException.class,
                () -> sfn.startExecution(sm, "job-1", "{\"x\":2}"));
        assertEquals("ExecutionAlreadyExists", differentInput.errorCode());

        sfn.sendTaskSuccess(nextToken(tokens), "{\"done\":true}");
        ExecutionDescription d = await(sfn, a);
        assertEquals(json("{'x':1,'callback':{'done':true}}"), output(d));
        StepFunctionsException closed = assertThrows(StepFunctionsException.class,
                () -> sfn.startExecution(sm, "job-1", "{\"x\":1}"));
        assertEquals("ExecutionAlreadyExists", closed.errorCode(), "a closed execution's name is taken");
        assertEquals(1, sfn.listExecutions(sm, null).size());
        assertEquals(1, functions.calls("notify"));
    }

    @Test
    void taskTokenFailureHeartbeatAndStaleTokens() throws Exception {
        BlockingQueue<String> tokens = tokensFromNotify();
        String sm = sfn.createStateMachine("callbacks", def(String.format(CALLBACK, 3600)), ROLE);

        String failing = sfn.startExecution(sm, "fails", "{}");
        String token = nextToken(tokens);
        sfn.sendTaskHeartbeat(token);
        sfn.sendTaskFailure(token, "Push.Rejected", "non-fast-forward");
        ExecutionDescription f = await(sfn, failing);
        assertEquals("Push.Rejected", f.error());
        assertEquals("non-fast-forward", f.cause());
        assertEquals("TaskTimedOut", assertThrows(StepFunctionsException.class,
                () -> sfn.sendTaskSuccess(token, "{}")).errorCode());
        assertEquals("InvalidToken", assertThrows(StepFunctionsException.class,
                () -> sfn.sendTaskSuccess("garbage", "{}")).errorCode());
        List<String> t = types(sfn.getExecutionHistory(failing));
        assertEquals(List.of("ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
                "TaskFailed", "ExecutionFailed"), t);
        HistoryEvent submitted = sfn.getExecutionHistory(failing).get(4);
        assertEquals("{\"queued\":true}",
                JSON.readTree(submitted.detail("output")).get("Payload").toString());
    }

    @Test
    void missingHeartbeatTimesTheTaskOutAsHeartbeatTimeout() throws Exception {
        tokensFromNotify();
        String d = String.format(CALLBACK, 5).replace("'End':true}}}",
                "'End':true,'Catch':[{'ErrorEquals':['States.HeartbeatTimeout'],'Next':'Late'}]},"
                        + "'Late':{'Type':'Pass','Result':'no heartbeat','End':true}}}");
        ExecutionDescription e = run(sfn, d, "{}");
        assertEquals("no heartbeat", output(e).asText());
        HistoryEvent timedOut = sfn.getExecutionHistory(e.executionArn()).stream()
                .filter(x -> x.type().equals("TaskTimedOut")).findFirst().orElseThrow();
        assertEquals("States.Timeout", timedOut.detail("error"));
    }

    @Test
    void stopExecutionAbortsARunningExecution() throws Exception {
        tokensFromNotify();
        String sm = sfn.createStateMachine("callbacks", def(String.format(CALLBACK, 0)), ROLE);
        String arn = sfn.startExecution(sm, "to-stop", "{}");
        awaitUntil("the callback task to be submitted", DEADLINE,
                () -> types(sfn.getExecutionHistory(arn)).contains("TaskSubmitted"));
        assertNotNull(sfn.stopExecution(arn, "User.Cancelled", "no longer needed"));
        ExecutionDescription d = await(sfn, arn);
        assertEquals(ExecutionStatus.ABORTED, d.status());
        assertEquals("User.Cancelled", d.error());
        List<String> t = types(sfn.getExecutionHistory(arn));
        assertEquals("ExecutionAborted", t.get(t.size() - 1));
        assertEquals(1, sfn.listExecutions(sm, ExecutionStatus.ABORTED).size());
        assertEquals(0, sfn.listExecutions(sm, ExecutionStatus.RUNNING).size());
    }

    @Test
    void stoppingAParentAbortsItsDistributedMapAndInvokesNothingAfterwards() throws Exception {
        // Each child runs 'slow' (blocks until released) then 'after'. Two children run at once, six wait.
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch twoStarted = new CountDownLatch(2);
        java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
        functions.with("slow", in -> {
            twoStarted.countDown();
            try {
                assertTrue(release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException("a running invocation was interrupted");
            }
            finished.incrementAndGet();
            return in;
        });
        functions.with("after", in -> in);
        String d = "{'StartAt':'M','States':{'M':{'Type':'Map','Label':'Pages','MaxConcurrency':2,"
                + "'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED','ExecutionType':'STANDARD'},"
                + "'StartAt':'S','States':{'S':{'Type':'Task','Resource':'arn:aws:states:::lambda:invoke',"
                + "'Parameters':{'FunctionName':'slow','Payload.$':'$'},'Next':'A'},"
                + "'A':{'Type':'Task','Resource':'" + FN_ARN + "after','End':true}}},'End':true}}}";
        String sm = sfn.createStateMachine("paged", def(d), ROLE);
        String arn = sfn.startExecution(sm, "to-stop", "[1,2,3,4,5,6,7,8]");
        assertTrue(twoStarted.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "two children invoking 'slow'");

        sfn.stopExecution(arn, "Campaign.Cancelled", "cancelCampaign");
        int slowCallsAtStop = functions.calls("slow");
        release.countDown();

        assertEquals(ExecutionStatus.ABORTED, await(sfn, arn).status());
        String mapRunArn = sfn.getExecutionHistory(arn).stream().filter(x -> x.type().equals("MapRunStarted"))
                .findFirst().orElseThrow().detail("mapRunArn");
        assertEquals(ExecutionStatus.ABORTED, sfn.describeMapRun(mapRunArn).status());
        List<ExecutionDescription> children = sfn.listMapRunExecutions(mapRunArn, null);
        assertEquals(2, children.size(), "no child starts after the stop");
        for (ExecutionDescription c : children) {
            assertEquals(ExecutionStatus.ABORTED, c.status(), c.executionArn());
        }
        awaitUntil("the two running invocations to finish (they are not interrupted)", DEADLINE,
                () -> finished.get() == 2);
        assertEquals(2, slowCallsAtStop);
        assertEquals(2, functions.calls("slow"), "no invocation after the stop");
        assertEquals(0, functions.calls("after"), "a stopped child invokes nothing more");
    }

    @Test
    void lambdaInvokeWrapsThePayloadLikeTheServiceIntegration() throws Exception {
        functions.with("f", in -> json("{'got':" + in + "}"));
        String d = "{'StartAt':'T','States':{'T':{'Type':'Task','Resource':'arn:aws:states:::lambda:invoke',"
                + "'Parameters':{'FunctionName':'f','Payload.$':'$'},'End':true}}}";
        ExecutionDescription e = run(sfn, d, "{'a':1}");
        JsonNode out = output(e);
        assertEquals(json("{'got':{'a':1}}"), out.get("Payload"));
        assertEquals(200, out.get("StatusCode").asInt());
        assertEquals("$LATEST", out.get("ExecutedVersion").asText());
        assertEquals(200, out.at("/SdkHttpMetadata/HttpStatusCode").asInt());
        assertEquals("application/json", out.at("/SdkHttpMetadata/HttpHeaders/Content-Type").asText());
        assertEquals(out.at("/SdkResponseMetadata/RequestId").asText(),
                out.at("/SdkHttpMetadata/HttpHeaders/x-amzn-RequestId").asText());
        HistoryEvent scheduled = sfn.getExecutionHistory(e.executionArn()).get(2);
        assertEquals("TaskScheduled", scheduled.type());
        assertEquals("lambda", scheduled.detail("resourceType"));
        assertEquals("invoke", scheduled.detail("resource"));
        assertEquals("us-east-1", scheduled.detail("region"));
        assertEquals(json("{'FunctionName':'f','Payload':{'a':1}}"),
                JSON.readTree(scheduled.detail("parameters")));
    }

    @Test
    void anExecutionThatWouldExceedTheHistoryQuotaFails() throws Exception {
        LocalStepFunctions small = engine(fast().withMaxHistoryEvents(50));
        try {
            String loop = "{'StartAt':'Count','States':{'Count':{'Type':'Pass','Parameters':{"
                    + "'n.$':'States.MathAdd($.n, 1)'},'Next':'Check'},'Check':{'Type':'Choice','Choices':[{"
                    + "'Variable':'$.n','NumericLessThan':%d,'Next':'Count'}],'Default':'Done'},"
                    + "'Done':{'Type':'Succeed'}}}";
            ExecutionDescription tooLong = run(small, String.format(loop, 100), "{'n':0}");
            assertEquals(ExecutionStatus.FAILED, tooLong.status());
            assertEquals("States.Runtime", tooLong.error());
            assertTrue(tooLong.cause().contains("maximum number of history events (50)"));
            List<HistoryEvent> h = small.getExecutionHistory(tooLong.executionArn());
            assertEquals(50, h.size());
            assertEquals("ExecutionFailed", h.get(49).type());
            assertEquals(50, small.executionStats(tooLong.executionArn()).historyEventCount());

            // 1 + 12 states * 2 events * ... : n < 12 takes 1 + 4*12 + 2 + 1 = 52 > 50; n < 11 takes 48
            ExecutionDescription fits = run(small, String.format(loop, 11), "{'n':0}");
            assertEquals(ExecutionStatus.SUCCEEDED, fits.status());
            assertTrue(small.getExecutionHistory(fits.executionArn()).size() <= 50);
        } finally {
            small.close();
        }
    }

    @Test
    void invalidDefinitionsAndNamesAreRejectedAtCreation() {
        StepFunctionsException missing = assertThrows(StepFunctionsException.class, () -> sfn.createStateMachine(
                "bad", def("{'StartAt':'A','States':{'A':{'Type':'Pass','Next':'Nowhere'}}}"), ROLE));
        assertEquals("InvalidDefinition", missing.errorCode());
        assertTrue(missing.getMessage().contains("MISSING_TRANSITION_TARGET"));
        StepFunctionsException allNotLast = assertThrows(StepFunctionsException.class, () ->
                sfn.createStateMachine("bad", def("{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'"
                        + FN_ARN + "f','End':true,'Retry':[{'ErrorEquals':['States.ALL']},"
                        + "{'ErrorEquals':['X']}]}}}"), ROLE));
        assertTrue(allNotLast.getMessage().contains("States.ALL"));
        assertEquals("InvalidName", assertThrows(StepFunctionsException.class, () ->
                sfn.createStateMachine("has space", def("{'StartAt':'A','States':{'A':{'Type':'Succeed'}}}"),
                        ROLE)).errorCode());
        String ok = def("{'StartAt':'A','States':{'A':{'Type':'Succeed'}}}");
        String arn = sfn.createStateMachine("same", ok, ROLE);
        assertEquals(arn, sfn.createStateMachine("same", ok, ROLE));
        assertEquals("StateMachineAlreadyExists", assertThrows(StepFunctionsException.class, () ->
                sfn.createStateMachine("same", def("{'StartAt':'B','States':{'B':{'Type':'Succeed'}}}"), ROLE))
                .errorCode());
        assertEquals("ExecutionDoesNotExist", assertThrows(StepFunctionsException.class, () ->
                sfn.describeExecution(arn.replace("stateMachine", "execution") + ":nope")).errorCode());
    }

    @Test
    void definitionSubstitutionsAndTotalTransitions() throws Exception {
        functions.with("createCommit", in -> json("{'sha':'abc'}"));
        String template = def("{'StartAt':'Commit','States':{'Commit':{'Type':'Task',"
                + "'Resource':'arn:aws:states:::lambda:invoke','Parameters':{'FunctionName':'${CommitFn}',"
                + "'Payload.$':'$'},'OutputPath':'$.Payload','End':true}}}");
        String definition = DefinitionSubstitutions.apply(template,
                Map.of("CommitFn", FN_ARN + "createCommit"));
        assertFalse(definition.contains("${"));
        assertThrows(IllegalArgumentException.class, () -> DefinitionSubstitutions.apply(template, Map.of()));
        String sm = sfn.createStateMachine("subst", definition, ROLE);
        String arn = sfn.startExecution(sm, null, null);
        assertEquals(json("{'sha':'abc'}"), output(await(sfn, arn)));
        assertEquals(1, sfn.totalStateTransitions());
        ExecutionStats s = sfn.executionStats(arn);
        assertEquals(7, s.historyEventCount());
        assertTrue(s.maxPayloadBytes() > 100, "the wrapped lambda:invoke result is the largest payload");
        assertEquals("subst", sfn.describeStateMachine(sm).name());
        assertEquals(1, sfn.listStateMachines().size());
    }

    @Test
    void concurrentStartsWithTheSameNameCreateOneExecution() throws Exception {
        tokensFromNotify();
        String sm = sfn.createStateMachine("callbacks", def(String.format(CALLBACK, 0)), ROLE);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.Set<String> arns = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                try {
                    if (!go.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                        return;
                    }
                    arns.add(sfn.startExecution(sm, "once", "{\"k\":1}"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(DEADLINE.toMillis());
            assertFalse(t.isAlive(), "a concurrent StartExecution did not return within " + DEADLINE.toSeconds()
                    + " s");
        }
        assertEquals(1, arns.size());
        assertEquals(1, sfn.listExecutions(sm, null).size());
    }
}
