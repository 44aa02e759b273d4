package dev.campaigns.infra.bench;

import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.infra.local.SamTemplate;
import dev.campaigns.infra.sfn.ExecutionDescription;
import dev.campaigns.infra.sfn.ExecutionStats;
import dev.campaigns.infra.sfn.HistoryEvent;
import dev.campaigns.infra.sfn.LocalStepFunctions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One campaign of {@code n} jobs through a {@link LocalCampaigns} stack, measured: wall time, the largest history
 * and payload of any execution (child executions included), state transitions, Lambda invocations and GB-seconds
 * (busy time × the template's MemorySize), DynamoDB requests and capacity units ({@link DynamoDbCounter}), and the
 * DynamoDB reads of one status query once the campaign has ended. Used by {@link ScaleBench} and the scale test.
 */
public final class ScaleRun {
    /** The status query as a client polls it: status only. */
    static final String STATUS = "query($id: ID!) { campaign(id: $id) { changesetCreationStatus { state "
            + "completedCount pendingCount errors } } }";

    /** Figures of one run (everything from the plan's creation to the campaign's end). */
    public record Figures(int jobs, Map<String, Object> status, double planSeconds, double campaignSeconds,
                          long executions, long maxHistoryEvents, long maxPayloadBytes, long stateTransitions,
                          long lambdaInvocations, double lambdaGbSeconds, DynamoDbCounter.Snapshot dynamo,
                          DynamoDbCounter.Snapshot statusQuery, Map<String, long[]> perFunction) {
        public double totalSeconds() {
            return planSeconds + campaignSeconds;
        }
    }

    /** The function that resolves the status query (template.yaml). */
    private static final String STATUS_FUNCTION = "QueryResolverFunction";

    private ScaleRun() {
    }

    /**
     * Runs a campaign of {@code n} new repositories named {@code prefix/...} and measures it. Counts are deltas over
     * the run, so several runs may share a stack (run them one after another).
     */
    public static Figures run(LocalCampaigns stack, String prefix, int n, Duration timeout) {
        DynamoDbCounter.enable();
        BenchCampaign bench = new BenchCampaign(stack, "scale");
        List<Patch> patches = bench.repositories(prefix, n);
        Set<String> before = new HashSet<>(allExecutions(stack.stepFunctions(), stack.stateMachineArn()));
        long transitionsBefore = stack.stepFunctions().totalStateTransitions();
        Map<String, Long> invocationsBefore = stack.lambdas().invocationCounts();
        Map<String, Long> busyBefore = stack.lambdas().busyMillis();
        DynamoDbCounter.Snapshot dynamoBefore = DynamoDbCounter.snapshot();

        long t0 = System.nanoTime();
        String plan = bench.plan(patches, timeout);
        long t1 = System.nanoTime();
        String campaign = bench.campaign(plan, prefix);
        Map<String, Object> status = bench.awaitCampaign(campaign, timeout, Duration.ofSeconds(2));
        long t2 = System.nanoTime();

        DynamoDbCounter.Snapshot dynamo = DynamoDbCounter.snapshot().minus(dynamoBefore);
        GraphQLClient client = bench.api().client();
        // Only the query resolver's requests: the code host's webhooks for the new pull requests are still being
        // consumed in the background by another function.
        DynamoDbCounter.Snapshot q0 = DynamoDbCounter.snapshot(STATUS_FUNCTION);
        client.data(STATUS, Map.of("id", campaign));
        DynamoDbCounter.Snapshot statusQuery = DynamoDbCounter.snapshot(STATUS_FUNCTION).minus(q0);

        long executions = 0;
        long maxEvents = 0;
        long maxPayload = 0;
        for (String arn : allExecutions(stack.stepFunctions(), stack.stateMachineArn())) {
            if (before.contains(arn)) {
                continue;
            }
            executions++;
            ExecutionStats s = stack.stepFunctions().executionStats(arn);
            maxEvents = Math.max(maxEvents, s.historyEventCount());
            maxPayload = Math.max(maxPayload, s.maxPayloadBytes());
        }
        long transitions = stack.stepFunctions().totalStateTransitions() - transitionsBefore;
        Map<String, Integer> memory = SamTemplate.fromClasspath().memorySizes();
        long invocations = 0;
        double gbSeconds = 0;
        Map<String, long[]> perFunction = new TreeMap<>();
        for (Map.Entry<String, Long> e : stack.lambdas().invocationCounts().entrySet()) {
            long calls = e.getValue() - invocationsBefore.getOrDefault(e.getKey(), 0L);
            invocations += calls;
            long busy = stack.lambdas().busyMillis().get(e.getKey()) - busyBefore.getOrDefault(e.getKey(), 0L);
            gbSeconds += busy / 1000.0 * memory.getOrDefault(e.getKey(), 1024) / 1024.0;
            if (calls > 0) {
                perFunction.put(e.getKey(), new long[] {calls, busy});
            }
        }
        return new Figures(n, status, (t1 - t0) / 1e9, (t2 - t1) / 1e9, executions, maxEvents, maxPayload,
                transitions, invocations, gbSeconds, dynamo, statusQuery, perFunction);
    }

    /** Every execution of the state machine, child executions of distributed Maps included. */
    public static List<String> allExecutions(LocalStepFunctions sfn, String stateMachineArn) {
        List<String> arns = new ArrayList<>();
        for (ExecutionDescription parent : sfn.listExecutions(stateMachineArn, null)) {
            arns.add(parent.executionArn());
            for (HistoryEvent ev : sfn.getExecutionHistory(parent.executionArn())) {
                String mapRun = ev.detail("mapRunArn");
                if (mapRun != null && "MapRunStarted".equals(ev.type())) {
                    sfn.listMapRunExecutions(mapRun, null).forEach(c -> arns.add(c.executionArn()));
                }
            }
        }
        return arns;
    }

    /** Per-operation request counts as text. */
    static String describe(DynamoDbCounter.Snapshot s) {
        return new TreeMap<>(s.requests()) + String.format(" = %d requests, %.1f RCU, %.1f WCU", s.totalRequests(),
                s.readUnits(), s.writeUnits());
    }
}
