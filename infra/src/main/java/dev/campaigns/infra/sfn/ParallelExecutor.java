package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Parallel: every branch runs on the effective input at once, each on its own line of the history; the result
 * is the array of branch outputs in branch order. The first branch failure stops the others and fails the state
 * with that branch's error.
 */
final class ParallelExecutor implements StateExecutor<State.Parallel> {

    private final DataFlow data;
    private final HistoryRecorder history;
    private final Threads threads;
    private final StateRunner runner;

    ParallelExecutor(DataFlow data, HistoryRecorder history, Threads threads, StateRunner runner) {
        this.data = data;
        this.history = history;
        this.threads = threads;
        this.runner = runner;
    }

    @Override
    public Step execute(State.Parallel st, Input in) throws StateFailure {
        JsonNode ctx = data.context(st.name(), in.entered(), 0, null);
        JsonNode eff = data.input(st.paths(), in.raw());
        if (st.parameters() != null) {
            eff = data.template(st.parameters(), eff, ctx, "Parameters");
        }
        long startedId = history.parallelStateStarted(in.cursor());
        JsonNode input = eff;
        List<Threads.Work> work = new ArrayList<>();
        for (Machine branch : st.branches()) {
            work.add(() -> runner.run(branch, input, new Execution.Cursor(startedId)));
        }
        JsonNode[] results;
        try {
            results = threads.runAll(work, work.size(), Threads.ItemEvents.NONE, Threads.Tolerance.NONE);
        } catch (StateFailure f) {
            history.parallelStateFailed(in.cursor());
            throw f;
        }
        history.parallelStateSucceeded(in.cursor());
        ArrayNode out = JsonPaths.MAPPER.createArrayNode();
        for (JsonNode r : results) {
            out.add(r);
        }
        return new Step(data.finish(st.paths(), st.resultSelector(), in.raw(), out, ctx), st.next());
    }
}
