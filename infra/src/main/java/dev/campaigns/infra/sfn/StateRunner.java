package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * Runs a machine (an execution's top level, a Parallel branch, a Map iteration) from StartAt to its end: for each
 * state the payload quota on its input, the {@code <Type>StateEntered} event, the state's executor (inside Retry
 * and Catch for Task, Parallel and Map), the quota on its output and the {@code <Type>StateExited} event. One
 * runner per execution; branches and iterations run on their own threads and share it.
 */
final class StateRunner {

    private final Execution exec;
    private final DataFlow data;
    private final HistoryRecorder history;
    private final RetryAndCatch retryAndCatch;
    private final Supplier<Instant> wallClock;
    private final PassExecutor pass;
    private final SucceedExecutor succeed;
    private final FailExecutor fail;
    private final ChoiceExecutor choice;
    private final WaitExecutor waitState;
    private final TaskExecutor task;
    private final ParallelExecutor parallel;
    private final InlineMapExecutor inlineMap;
    private final DistributedMapExecutor distributedMap;

    /** The runner of one execution of {@code engine}. */
    StateRunner(LocalStepFunctions engine, Execution exec) {
        SfnConfig config = engine.config();
        TimeSource time = config.timeSource();
        this.exec = exec;
        this.wallClock = time::wallClock;
        this.data = new DataFlow(exec, new Intrinsics(config::random), config.maxPayloadBytes());
        this.history = new HistoryRecorder(exec);
        Threads threads = new Threads(engine.threadFactory("sfn-branch"), time);
        this.retryAndCatch = new RetryAndCatch(threads, config.random(), exec.transitions);
        this.pass = new PassExecutor(data);
        this.succeed = new SucceedExecutor(data);
        this.fail = new FailExecutor(data);
        this.choice = new ChoiceExecutor(data);
        this.waitState = new WaitExecutor(data, threads, time);
        this.task = new TaskExecutor(data, history, engine.lambdaCalls(), engine.tokens(), config,
                exec);
        this.parallel = new ParallelExecutor(data, history, threads, this);
        this.inlineMap = new InlineMapExecutor(data, history, threads, this, config.maxInlineMapConcurrency());
        this.distributedMap = new DistributedMapExecutor(data, history, threads, engine, exec,
                config.maxChildConcurrency());
    }

    HistoryRecorder history() {
        return history;
    }

    /** Runs {@code machine} on {@code input}; its events follow {@code cursor}. */
    JsonNode run(Machine machine, JsonNode input, Execution.Cursor cursor) throws StateFailure {
        String name = machine.startAt();
        JsonNode raw = input;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new Execution.Terminated();
            }
            State state = machine.state(name);
            exec.transitions.incrementAndGet();
            Instant entered = wallClock.get();
            data.checkSize(name, raw, "input");
            history.stateEntered(cursor, state.type(), name, raw);
            StateExecutor.Step step = execute(state, new StateExecutor.Input(entered, raw, cursor, 0));
            data.checkSize(name, step.output(), "output");
            history.stateExited(cursor, state.type(), name, step.output());
            if (step.next() == null) {
                return step.output();
            }
            name = step.next();
            raw = step.output();
        }
    }

    private StateExecutor.Step execute(State state, StateExecutor.Input in) throws StateFailure {
        if (state instanceof State.Pass s) {
            return pass.execute(s, in);
        }
        if (state instanceof State.Succeed s) {
            return succeed.execute(s, in);
        }
        if (state instanceof State.Fail s) {
            return fail.execute(s, in);
        }
        if (state instanceof State.Choice s) {
            return choice.execute(s, in);
        }
        if (state instanceof State.Wait s) {
            return waitState.execute(s, in);
        }
        if (state instanceof State.Task s) {
            return retryAndCatch.run(s.errors(), in, attempt -> task.execute(s, attempt));
        }
        if (state instanceof State.Parallel s) {
            return retryAndCatch.run(s.errors(), in, attempt -> parallel.execute(s, attempt));
        }
        if (state instanceof State.InlineMap s) {
            return retryAndCatch.run(s.errors(), in, attempt -> inlineMap.execute(s, attempt));
        }
        State.DistributedMap s = (State.DistributedMap) state;
        return retryAndCatch.run(s.errors(), in, attempt -> distributedMap.execute(s, attempt));
    }
}
