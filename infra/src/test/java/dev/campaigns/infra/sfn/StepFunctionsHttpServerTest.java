package dev.campaigns.infra.sfn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeMapRunResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.MapRunExecutionCounts;
import software.amazon.awssdk.services.sfn.model.MapRunItemCounts;
import software.amazon.awssdk.services.sfn.model.MapRunListItem;
import software.amazon.awssdk.services.sfn.model.MapRunStatus;
import software.amazon.awssdk.services.sfn.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP front driven by the real AWS SDK v2 SfnClient with only an endpoint override. */
class StepFunctionsHttpServerTest extends SfnTestSupport {

    private LocalStepFunctions sfn;
    private StepFunctionsHttpServer server;
    private SfnClient client;

    @BeforeEach
    void start() throws Exception {
        sfn = engine(fast());
        server = new StepFunctionsHttpServer(sfn, 0);
        client = SfnClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("fake", "fake")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
        sfn.close();
    }

    private DescribeExecutionResponse await(String arn) throws Exception {
        awaitUntil("execution " + arn + " to end (DescribeExecution over HTTP)", DEADLINE,
                () -> client.describeExecution(r -> r.executionArn(arn)).status() != ExecutionStatus.RUNNING);
        return client.describeExecution(r -> r.executionArn(arn));
    }

    @Test
    void createStartDescribeAndPageThroughHistory() throws Exception {
        functions.with("inc", in -> json("{'n':" + (in.get("n").asInt() + 1) + "}"));
        String d = def("{'StartAt':'M','States':{'M':{'Type':'Map','ItemsPath':'$.items','ItemProcessor':{"
                + "'StartAt':'I','States':{'I':{'Type':'Task','Resource':'arn:aws:states:::lambda:invoke',"
                + "'Parameters':{'FunctionName':'inc','Payload.$':'$'},'OutputPath':'$.Payload','End':true}}},"
                + "'End':true}}}");
        String sm = client.createStateMachine(r -> r.name("campaign-jobs").definition(d).roleArn(ROLE))
                .stateMachineArn();
        assertEquals("arn:aws:states:us-east-1:000000000000:stateMachine:campaign-jobs", sm);
        assertEquals(d, client.describeStateMachine(r -> r.stateMachineArn(sm)).definition());
        assertEquals(1, client.listStateMachines(r -> { }).stateMachines().size());

        String input = "{\"items\":[{\"n\":1},{\"n\":2},{\"n\":3},{\"n\":4},{\"n\":5}]}";
        var started = client.startExecution(r -> r.stateMachineArn(sm).name("run-1").input(input));
        assertNotNull(started.startDate());
        DescribeExecutionResponse done = await(started.executionArn());
        assertEquals(ExecutionStatus.SUCCEEDED, done.status());
        assertEquals("[{\"n\":2},{\"n\":3},{\"n\":4},{\"n\":5},{\"n\":6}]", done.output());
        assertEquals(input, done.input());
        assertNotNull(done.stopDate());

        List<HistoryEvent> all = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            GetExecutionHistoryResponse page = client.getExecutionHistory(r -> r.executionArn(started.executionArn())
                    .maxResults(10).nextToken(t));
            all.addAll(page.events());
            token = page.nextToken();
            pages++;
        } while (token != null && pages < 1000);
        assertNull(token, "the history's pages never ended");
        assertEquals(sfn.getExecutionHistory(started.executionArn()).size(), all.size());
        assertTrue(pages > 1);
        assertEquals(HistoryEventType.EXECUTION_STARTED, all.get(0).type());
        assertEquals(input, all.get(0).executionStartedEventDetails().input());
        assertEquals(HistoryEventType.EXECUTION_SUCCEEDED, all.get(all.size() - 1).type());
        assertEquals(5, all.stream().filter(e -> e.type() == HistoryEventType.MAP_ITERATION_STARTED).count());
        HistoryEvent scheduled = all.stream().filter(e -> e.type() == HistoryEventType.TASK_SCHEDULED).findFirst()
                .orElseThrow();
        assertEquals("lambda", scheduled.taskScheduledEventDetails().resourceType());
        assertEquals(3L, all.get(2).id());
        assertEquals(2L, all.get(2).previousEventId());
        var reversed = client.getExecutionHistory(r -> r.executionArn(started.executionArn()).reverseOrder(true)
                .maxResults(1));
        assertEquals(HistoryEventType.EXECUTION_SUCCEEDED, reversed.events().get(0).type());

        assertEquals(1, client.listExecutions(r -> r.stateMachineArn(sm).statusFilter(ExecutionStatus.SUCCEEDED))
                .executions().size());
    }

    @Test
    void errorsArriveAsTheSdksTypedExceptions() {
        assertThrows(StateMachineDoesNotExistException.class, () -> client.startExecution(r -> r.stateMachineArn(
                "arn:aws:states:us-east-1:000000000000:stateMachine:nope").input("{}")));
        String sm = client.createStateMachine(r -> r.name("w").roleArn(ROLE).definition(def(
                "{'StartAt':'W','States':{'W':{'Type':'Wait','Seconds':100000,'End':true}}}"))).stateMachineArn();
        String arn = client.startExecution(r -> r.stateMachineArn(sm).name("same").input("{\"a\":1}"))
                .executionArn();
        assertEquals(arn, client.startExecution(r -> r.stateMachineArn(sm).name("same").input("{\"a\":1}"))
                .executionArn());
        ExecutionAlreadyExistsException e = assertThrows(ExecutionAlreadyExistsException.class,
                () -> client.startExecution(r -> r.stateMachineArn(sm).name("same").input("{\"a\":2}")));
        assertEquals(400, e.statusCode());
        assertEquals("ExecutionAlreadyExists", e.awsErrorDetails().errorCode());
        assertThrows(InvalidTokenException.class, () -> client.sendTaskSuccess(r -> r.taskToken("x").output("{}")));

        assertNotNull(client.stopExecution(r -> r.executionArn(arn).error("Stop").cause("test")).stopDate());
        DescribeExecutionResponse d = client.describeExecution(r -> r.executionArn(arn));
        assertEquals(ExecutionStatus.ABORTED, d.status());
        assertEquals("Stop", d.error());
        assertNull(d.output());
    }

    @Test
    void taskTokenCallbacksOverHttp() throws Exception {
        BlockingQueue<String> tokens = new LinkedBlockingQueue<>();
        functions.with("notify", in -> {
            tokens.add(in.get("token").asText());
            return json("{}");
        });
        String sm = client.createStateMachine(r -> r.name("cb").roleArn(ROLE).definition(def(
                "{'StartAt':'T','States':{'T':{'Type':'Task','Resource':"
                        + "'arn:aws:states:::lambda:invoke.waitForTaskToken','Parameters':{'FunctionName':'notify',"
                        + "'Payload':{'token.$':'$$.Task.Token'}},'End':true}}}"))).stateMachineArn();
        String arn = client.startExecution(r -> r.stateMachineArn(sm).input("{}")).executionArn();
        String token = nextToken(tokens);
        client.sendTaskHeartbeat(r -> r.taskToken(token));
        client.sendTaskSuccess(r -> r.taskToken(token).output("{\"pr\":17}"));
        DescribeExecutionResponse d = await(arn);
        assertEquals("{\"pr\":17}", d.output());
        assertTrue(Duration.between(d.startDate(), d.stopDate()).toNanos() >= 0);
    }

    @Test
    void mapRunsAreListedAndDescribedWithTheirCounts() throws Exception {
        functions.with("page", in -> {
            if (in.at("/Items/0").asInt() == 3) {
                throw new IllegalStateException("page of 3 and 4 fails");
            }
            return json("{'n':" + in.get("Items").size() + "}");
        });
        String d = def("{'StartAt':'Pages','States':{'Pages':{'Type':'Map','Label':'Page','MaxConcurrency':2,"
                + "'ToleratedFailureCount':1,'ItemBatcher':{'MaxItemsPerBatch':2},"
                + "'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED','ExecutionType':'STANDARD'},"
                + "'StartAt':'P','States':{'P':{'Type':'Task','Resource':'" + FN_ARN + "page','End':true}}},"
                + "'End':true}}}");
        String sm = client.createStateMachine(r -> r.name("pages").definition(d).roleArn(ROLE)).stateMachineArn();
        Instant before = Instant.now();
        String arn = client.startExecution(r -> r.stateMachineArn(sm).input("[1,2,3,4,5]")).executionArn();
        assertEquals(ExecutionStatus.SUCCEEDED, await(arn).status());
        Instant after = Instant.now();

        List<MapRunListItem> runs = client.listMapRuns(r -> r.executionArn(arn)).mapRuns();
        assertEquals(1, runs.size());
        MapRunListItem item = runs.get(0);
        assertEquals(arn, item.executionArn());
        assertEquals(sm, item.stateMachineArn());
        assertTrue(item.mapRunArn().startsWith("arn:aws:states:us-east-1:000000000000:mapRun:pages/Page:"));

        DescribeMapRunResponse run = client.describeMapRun(r -> r.mapRunArn(item.mapRunArn()));
        assertEquals(MapRunStatus.SUCCEEDED, run.status());
        assertEquals(arn, run.executionArn());
        assertEquals(2, run.maxConcurrency());
        assertEquals(1, run.toleratedFailureCount());
        assertEquals(0.0f, run.toleratedFailurePercentage());
        assertEquals(List.of(0L, 0L, 3L, 2L, 0L, 0L, 5L, 0L), counts(run.itemCounts()), "items: 2+1 ok, 2 failed");
        assertEquals(List.of(0L, 0L, 2L, 1L, 0L, 0L, 3L, 0L), counts(run.executionCounts()), "3 batches");
        assertTrue(!run.startDate().isBefore(before) && !run.stopDate().isAfter(after)
                && !run.stopDate().isBefore(run.startDate()), "wall-clock dates " + run.startDate() + ".."
                + run.stopDate());

        var parentMachine = client.describeStateMachineForExecution(r -> r.executionArn(arn));
        assertEquals(sm, parentMachine.stateMachineArn());
        assertEquals(d, parentMachine.definition());
        assertNull(parentMachine.mapRunArn());

        var children = client.listExecutions(r -> r.mapRunArn(item.mapRunArn())).executions();
        assertEquals(3, children.size());
        var childMachine = client.describeStateMachineForExecution(r -> r.executionArn(children.get(0)
                .executionArn()));
        assertEquals(item.mapRunArn(), childMachine.mapRunArn());
        assertEquals("Page", childMachine.label());
        assertEquals("pages/Page", childMachine.name());
        assertTrue(childMachine.definition().contains("\"StartAt\":\"P\""), childMachine.definition());

        assertThrows(ResourceNotFoundException.class, () -> client.describeMapRun(r -> r.mapRunArn(
                item.mapRunArn() + "x")));
        assertThrows(ExecutionDoesNotExistException.class, () -> client.listMapRuns(r -> r.executionArn(
                arn + "x")));
    }

    private static List<Long> counts(MapRunItemCounts c) {
        return List.of(c.pending(), c.running(), c.succeeded(), c.failed(), c.timedOut(), c.aborted(), c.total(),
                c.resultsWritten());
    }

    private static List<Long> counts(MapRunExecutionCounts c) {
        return List.of(c.pending(), c.running(), c.succeeded(), c.failed(), c.timedOut(), c.aborted(), c.total(),
                c.resultsWritten());
    }
}
