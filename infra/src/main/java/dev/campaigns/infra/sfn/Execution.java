package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mutable record of one execution: its status, its history (with the event quota enforced on append) and
 * its figures. Thread-safe: branches and iterations append concurrently.
 */
final class Execution {

    /** Thrown to unwind every line of control once the execution has ended (stopped, timed out, history full). */
    static final class Terminated extends RuntimeException {
        Terminated() {
            super(null, null, false, false);
        }
    }

    /** The previous event of one line of control (the main flow, a branch, an iteration). */
    static final class Cursor {
        long last;

        Cursor(long last) {
            this.last = last;
        }
    }

    final String arn;
    final String name;
    final StateMachine stateMachine;
    final String inputText;
    final JsonNode input;
    final Instant startDate;
    final String mapRunArn;
    private final int maxEvents;
    private final TimeSource time;

    private final List<HistoryEvent> history = new ArrayList<>();
    private boolean closed;
    private ExecutionStatus status = ExecutionStatus.RUNNING;
    private Instant stopDate;
    private String output;
    private String error;
    private String cause;
    final AtomicLong transitions = new AtomicLong();
    private final AtomicLong maxPayload = new AtomicLong();
    final CompletableFuture<ExecutionDescription> done = new CompletableFuture<>();
    volatile Thread mainThread;

    Execution(String arn, String name, StateMachine stateMachine, String inputText, JsonNode input,
              Instant startDate, String mapRunArn, int maxEvents, TimeSource time) {
        this.arn = arn;
        this.name = name;
        this.stateMachine = stateMachine;
        this.inputText = inputText;
        this.input = input;
        this.startDate = startDate;
        this.mapRunArn = mapRunArn;
        this.maxEvents = maxEvents;
        this.time = time;
    }

    /** Appends an event after {@code cursor.last} and moves the cursor; enforces the history quota. */
    long add(Cursor cursor, String type, String detailsField, ObjectNode details) {
        synchronized (this) {
            if (closed) {
                throw new Terminated();
            }
            long prev = cursor == null ? 0 : cursor.last;
            if (history.size() == maxEvents - 1 && !type.equals("ExecutionSucceeded")
                    && !type.equals("ExecutionFailed")) {
                ObjectNode d = JsonNodeFactory.instance.objectNode();
                d.put("error", "States.Runtime");
                d.put("cause", "The execution reached the maximum number of history events (" + maxEvents + ").");
                append(prev, "ExecutionFailed", "executionFailedEventDetails", d);
                finishLocked(ExecutionStatus.FAILED, null, "States.Runtime", d.get("cause").asText());
                throw new Terminated();
            }
            long id = append(prev, type, detailsField, details);
            if (cursor != null) {
                cursor.last = id;
            }
            return id;
        }
    }

    private long append(long prev, String type, String field, ObjectNode details) {
        long id = history.size() + 1L;
        history.add(new HistoryEvent(id, prev, time.wallClock(), type, field, details));
        return id;
    }

    /** Records the terminal event and status, unless the execution has already ended. */
    boolean finish(Cursor cursor, ExecutionStatus st, String out, String err, String cse) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            ObjectNode d = JsonNodeFactory.instance.objectNode();
            String type;
            String field;
            switch (st) {
                case SUCCEEDED:
                    type = "ExecutionSucceeded";
                    field = "executionSucceededEventDetails";
                    d.put("output", out);
                    d.putObject("outputDetails").put("truncated", false);
                    break;
                case FAILED:
                    type = "ExecutionFailed";
                    field = "executionFailedEventDetails";
                    break;
                case ABORTED:
                    type = "ExecutionAborted";
                    field = "executionAbortedEventDetails";
                    break;
                default:
                    type = "ExecutionTimedOut";
                    field = "executionTimedOutEventDetails";
                    break;
            }
            if (st != ExecutionStatus.SUCCEEDED) {
                if (err != null) {
                    d.put("error", err);
                }
                if (cse != null) {
                    d.put("cause", cse);
                }
            }
            long prev = cursor == null ? history.size() : cursor.last;
            if (st == ExecutionStatus.SUCCEEDED || history.size() < maxEvents) {
                append(prev, type, field, d);
            }
            finishLocked(st, out, err, cse);
            return true;
        }
    }

    private void finishLocked(ExecutionStatus st, String out, String err, String cse) {
        closed = true;
        status = st;
        stopDate = time.wallClock();
        output = out;
        error = err;
        cause = cse;
        done.complete(describeLocked());
    }

    /**
     * Runs {@code start} (the start of a Lambda invocation) only while the execution is running, under the same lock
     * that ends it: once StopExecution has returned, the execution starts no invocation. A Lambda already started
     * keeps running, as on AWS.
     *
     * @throws Terminated if the execution has ended
     */
    <T> T whileRunning(java.util.function.Supplier<T> start) {
        synchronized (this) {
            if (closed) {
                throw new Terminated();
            }
            return start.get();
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized ExecutionDescription describe() {
        return describeLocked();
    }

    private ExecutionDescription describeLocked() {
        return new ExecutionDescription(arn, stateMachine.arn(), name, status, startDate, stopDate, inputText,
                output, error, cause, mapRunArn);
    }

    synchronized ExecutionStatus status() {
        return status;
    }

    synchronized List<HistoryEvent> history() {
        return List.copyOf(history);
    }

    void observePayload(long bytes) {
        maxPayload.accumulateAndGet(bytes, Math::max);
    }

    synchronized ExecutionStats stats() {
        return new ExecutionStats(history.size(), maxPayload.get(), transitions.get());
    }
}
