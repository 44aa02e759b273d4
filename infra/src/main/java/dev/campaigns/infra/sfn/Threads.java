package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The engine's blocking and threads, kept out of the language's semantics: running Parallel branches, Map
 * iterations and child executions concurrently (the first failure stops the others), and sleeping virtual time.
 * Both end the calling line of control with {@link Execution.Terminated} when the execution is stopped.
 */
final class Threads {

    /** One unit of concurrent work (a branch, an iteration, a child execution). */
    @FunctionalInterface
    interface Work {
        JsonNode call() throws StateFailure;
    }

    /** Per-item hooks of {@link #runAll}, called on the worker thread around each item. */
    interface ItemEvents {
        ItemEvents NONE = new ItemEvents() {
        };

        default void started(int index) {
        }

        default void succeeded(int index) {
        }

        default void failed(int index) {
        }
    }

    /** Decides whether a failed item is tolerated; its result is then its error object. */
    @FunctionalInterface
    interface Tolerance {
        Tolerance NONE = f -> false;

        boolean accept(StateFailure f);
    }

    private final ThreadFactory threads;
    private final TimeSource time;

    Threads(ThreadFactory threads, TimeSource time) {
        this.threads = threads;
        this.time = time;
    }

    /**
     * Runs the work items on at most {@code concurrency} threads and returns their results in order. The first
     * failure that {@code tolerance} does not accept stops the others (interrupting them) and is rethrown; a
     * tolerated failure's result is {@code {"Error","Cause"}}.
     */
    JsonNode[] runAll(List<Work> work, int concurrency, ItemEvents events, Tolerance tolerance)
            throws StateFailure {
        JsonNode[] results = new JsonNode[work.size()];
        if (work.isEmpty()) {
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(concurrency, work.size())),
                threads);
        CompletionService<Integer> cs = new ExecutorCompletionService<>(pool);
        try {
            for (int i = 0; i < work.size(); i++) {
                int idx = i;
                cs.submit(() -> {
                    events.started(idx);
                    try {
                        results[idx] = work.get(idx).call();
                    } catch (StateFailure f) {
                        events.failed(idx);
                        if (tolerance.accept(f)) {
                            results[idx] = JsonPaths.MAPPER.createObjectNode().put("Error", f.error)
                                    .put("Cause", f.cause);
                            return idx;
                        }
                        throw f;
                    }
                    events.succeeded(idx);
                    return idx;
                });
            }
            for (int i = 0; i < work.size(); i++) {
                Future<Integer> done = cs.take();
                try {
                    done.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof StateFailure f) {
                        throw f;
                    }
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(c);
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Execution.Terminated();
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sleeps a virtual duration (Wait states, retry intervals); nothing for zero or less. */
    void sleep(Duration virtual) {
        if (virtual.isNegative() || virtual.isZero()) {
            return;
        }
        try {
            time.sleep(virtual);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Execution.Terminated();
        }
    }
}
