package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.List;

/**
 * An inline Map: each item's iteration runs the item processor inside this execution, on its own line of the
 * history (MapIterationStarted / Succeeded / Failed), at most MaxConcurrency at once (0: the engine's cap, as
 * AWS's 40). The result is the array of iteration outputs in item order; the first failure fails the state.
 */
final class InlineMapExecutor implements StateExecutor<State.InlineMap> {

    private final DataFlow data;
    private final MapItemsReader items;
    private final HistoryRecorder history;
    private final Threads threads;
    private final StateRunner runner;
    private final int maxConcurrency;

    InlineMapExecutor(DataFlow data, HistoryRecorder history, Threads threads, StateRunner runner,
                      int maxConcurrency) {
        this.data = data;
        this.items = new MapItemsReader(data);
        this.history = history;
        this.threads = threads;
        this.runner = runner;
        this.maxConcurrency = maxConcurrency;
    }

    @Override
    public Step execute(State.InlineMap st, Input in) throws StateFailure {
        JsonNode ctx = data.context(st.name(), in.entered(), 0, null);
        JsonNode eff = data.input(st.paths(), in.raw());
        List<JsonNode> inputs = items.inputs(st.items(), eff, ctx);
        int wanted = MapItemsReader.maxConcurrency(st.items(), eff, ctx);
        long startedId = history.mapStateStarted(in.cursor(), inputs.size());
        Execution.Cursor[] cursors = new Execution.Cursor[inputs.size()];
        List<Threads.Work> work = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int idx = i;
            cursors[i] = new Execution.Cursor(startedId);
            work.add(() -> runner.run(st.items().processor(), inputs.get(idx), cursors[idx]));
        }
        Threads.ItemEvents events = new Threads.ItemEvents() {
            @Override
            public void started(int index) {
                history.mapIterationStarted(cursors[index], st.name(), index);
            }

            @Override
            public void succeeded(int index) {
                history.mapIterationSucceeded(cursors[index], st.name(), index);
            }

            @Override
            public void failed(int index) {
                history.mapIterationFailed(cursors[index], st.name(), index);
            }
        };
        int concurrency = wanted == 0 ? maxConcurrency : Math.min(wanted, maxConcurrency);
        JsonNode[] results;
        try {
            results = threads.runAll(work, concurrency, events, Threads.Tolerance.NONE);
        } catch (StateFailure f) {
            history.mapStateFailed(in.cursor());
            throw f;
        }
        history.mapStateSucceeded(in.cursor());
        ArrayNode out = JsonPaths.MAPPER.createArrayNode();
        for (JsonNode r : results) {
            out.add(r);
        }
        return new Step(data.finish(st.paths(), st.resultSelector(), in.raw(), out, ctx), st.next());
    }
}
