package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A distributed Map: a Map Run whose items (or batches of items, ItemBatcher) each run as a child execution of
 * the item processor's state machine, with its own ARN, history and quotas; at most MaxConcurrency at once (0:
 * the engine's cap). The result is the array of child outputs; a failed child within ToleratedFailureCount /
 * Percentage appears as {@code {"Error","Cause"}} at its position, and beyond them (or any failure when neither
 * is set) the state fails with {@code States.ExceedToleratedFailureThreshold}.
 */
final class DistributedMapExecutor implements StateExecutor<State.DistributedMap> {

    private final DataFlow data;
    private final MapItemsReader items;
    private final HistoryRecorder history;
    private final Threads threads;
    private final LocalStepFunctions engine;
    private final Execution exec;
    private final int maxConcurrency;

    DistributedMapExecutor(DataFlow data, HistoryRecorder history, Threads threads, LocalStepFunctions engine,
                           Execution exec, int maxConcurrency) {
        this.data = data;
        this.items = new MapItemsReader(data);
        this.history = history;
        this.threads = threads;
        this.engine = engine;
        this.exec = exec;
        this.maxConcurrency = maxConcurrency;
    }

    @Override
    public Step execute(State.DistributedMap st, Input in) throws StateFailure {
        JsonNode ctx = data.context(st.name(), in.entered(), 0, null);
        JsonNode eff = data.input(st.paths(), in.raw());
        List<JsonNode> inputs = items.inputs(st.items(), eff, ctx);
        int wanted = MapItemsReader.maxConcurrency(st.items(), eff, ctx);
        List<JsonNode> childInputs = batch(st.batcher(), eff, inputs, ctx);
        boolean countSet = st.toleratedFailureCount().isSet();
        boolean pctSet = st.toleratedFailurePercentage().isSet();
        double count = countSet ? number(st.toleratedFailureCount(), eff) : 0;
        double pct = pctSet ? number(st.toleratedFailurePercentage(), eff) : 0;

        MapRun run = engine.startMapRun(exec, st.label(), wanted, pct, (long) count, inputs.size());
        history.mapRunStarted(in.cursor(), run.arn);
        // The children are started with the execution's role: states:StartExecution on the state machine itself.
        String root = exec.stateMachine.arn().replaceFirst("/[^:]*$", "");
        String denied = engine.authorizer().denial(exec.stateMachine.roleArn(), "states:StartExecution", root);
        if (denied != null) {
            String cause = LambdaCalls.refusal(denied, "AWSStepFunctions", 400);
            run.finish(ExecutionStatus.FAILED);
            history.mapRunFailed(in.cursor(), "States.Runtime", cause);
            throw new StateFailure("States.Runtime", cause);
        }
        StateMachine child = engine.childStateMachine(exec.stateMachine, st.label(), st.items().processor(),
                st.processorDefinition());
        AtomicInteger failures = new AtomicInteger();
        int total = childInputs.size();
        Threads.Tolerance tolerance = f -> {
            int failed = failures.incrementAndGet();
            boolean exceeded = (countSet && failed > count) || (pctSet && failed * 100.0 / total > pct)
                    || (!countSet && !pctSet);
            return !exceeded;
        };
        List<Threads.Work> work = new ArrayList<>();
        for (JsonNode childInput : childInputs) {
            int itemCount = st.batcher() == null ? 1 : childInput.get("Items").size();
            work.add(() -> engine.runChild(child, childInput, run, itemCount));
        }
        int concurrency = wanted == 0 ? maxConcurrency : Math.min(wanted, maxConcurrency);
        JsonNode[] results;
        try {
            results = threads.runAll(work, concurrency, Threads.ItemEvents.NONE, tolerance);
        } catch (StateFailure f) {
            String cause = "The specified tolerated failure threshold was exceeded (failed items: "
                    + failures.get() + " of " + total + "); last failure: " + f.error;
            run.finish(ExecutionStatus.FAILED);
            history.mapRunFailed(in.cursor(), "States.ExceedToleratedFailureThreshold", cause);
            throw new StateFailure("States.ExceedToleratedFailureThreshold", cause);
        } catch (RuntimeException e) {
            run.finish(ExecutionStatus.ABORTED);
            throw e;
        }
        run.finish(ExecutionStatus.SUCCEEDED);
        history.mapRunSucceeded(in.cursor());
        ArrayNode out = JsonPaths.MAPPER.createArrayNode();
        for (JsonNode r : results) {
            out.add(r);
        }
        return new Step(data.finish(st.paths(), st.resultSelector(), in.raw(), out, ctx), st.next());
    }

    private static double number(State.ValueOrPath v, JsonNode eff) throws StateFailure {
        return v.value() != null ? v.value().asDouble() : DataFlow.read(v.path(), eff, null).asDouble();
    }

    /** ItemBatcher: items grouped into {@code {"Items": [...], "BatchInput": ...}} by count and bytes. */
    private List<JsonNode> batch(State.ItemBatcher batcher, JsonNode eff, List<JsonNode> inputs, JsonNode ctx)
            throws StateFailure {
        if (batcher == null) {
            return inputs;
        }
        State.ValueOrPath max = batcher.maxItemsPerBatch();
        long maxItems = max.value() != null ? max.value().asLong()
                : max.path() != null ? DataFlow.read(max.path(), eff, ctx).asLong() : Long.MAX_VALUE;
        long maxBytes = batcher.maxInputBytesPerBatch();
        JsonNode batchInput = batcher.batchInput() == null ? null
                : data.template(batcher.batchInput(), eff, ctx, "BatchInput");
        List<JsonNode> out = new ArrayList<>();
        ArrayNode current = null;
        long bytes = 0;
        for (JsonNode item : inputs) {
            int size = JsonPaths.utf8Size(item);
            if (current == null || current.size() >= maxItems || (bytes + size > maxBytes && current.size() > 0)) {
                ObjectNode b = JsonPaths.MAPPER.createObjectNode();
                current = b.putArray("Items");
                if (batchInput != null) {
                    b.set("BatchInput", batchInput);
                }
                out.add(b);
                bytes = 0;
            }
            current.add(item);
            bytes += size;
        }
        return out;
    }
}
