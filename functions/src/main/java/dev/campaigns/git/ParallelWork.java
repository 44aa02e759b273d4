package dev.campaigns.git;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine's CPU-bound helpers (applying a large patch's files ahead of their turn, deflating a large bundle
 * in slices): the calling thread plus up to {@code parallelism - 1} threads of one executor the engine owns,
 * never the common ForkJoin pool, so a JVM's other work is not starved and the engine's share of the machine
 * is one configured number ({@link GitEngineConfig#parallelism()}).
 *
 * <p>{@link #run} never waits for a helper that has not started: the caller does the work itself (the body
 * claims items until none is left), then withdraws the helpers still queued and waits only for those already
 * running. A busy executor therefore slows nothing down and cannot deadlock, even when many commits of one
 * engine share it.
 */
final class ParallelWork implements AutoCloseable {
    private final Executor executor;
    private final int parallelism;
    private final ThreadPoolExecutor owned;

    /** Work on {@code executor} (not owned: {@link #close} leaves it alone), at most {@code parallelism} threads. */
    ParallelWork(Executor executor, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        this.executor = executor;
        this.parallelism = parallelism;
        this.owned = null;
    }

    private ParallelWork(ThreadPoolExecutor pool, int parallelism) {
        this.executor = pool;
        this.parallelism = parallelism;
        this.owned = pool;
    }

    /**
     * A pool of {@code parallelism - 1} daemon threads named {@code campaigns-git-N} (idle ones end after 30 s),
     * owned and shut down by {@link #close}; with {@code parallelism} 1 everything runs on the calling thread.
     */
    static ParallelWork pool(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        if (parallelism == 1) {
            return new ParallelWork(Runnable::run, 1);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(parallelism - 1, parallelism - 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "campaigns-git-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return new ParallelWork(pool, parallelism);
    }

    int parallelism() {
        return parallelism;
    }

    /**
     * Runs {@code body} on the calling thread and on up to {@code helpers} (at most {@code parallelism - 1})
     * executor threads, and returns when every run has ended. The body must share its work through a counter
     * or a queue (each run takes the next item until none is left), and is given whether it runs on the
     * calling thread. The first exception of any run is rethrown here, after all runs ended.
     */
    void run(int helpers, Body body) {
        int n = Math.max(0, Math.min(helpers, parallelism - 1));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Helper> started = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Helper h = new Helper(body, failure);
            try {
                executor.execute(h);
                started.add(h);
            } catch (RejectedExecutionException e) {
                break; // closed or saturated: the calling thread does the rest
            }
        }
        try {
            body.run(true);
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
        }
        for (Helper h : started) {
            h.withdrawOrAwait();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    /** A share of a parallel job. */
    interface Body {
        void run(boolean callingThread);
    }

    private static final class Helper implements Runnable {
        private static final int QUEUED = 0;
        private static final int RUNNING = 1;
        private static final int WITHDRAWN = 2;
        private final AtomicInteger state = new AtomicInteger(QUEUED);
        private final CountDownLatch done = new CountDownLatch(1);
        private final Body body;
        private final AtomicReference<Throwable> failure;

        Helper(Body body, AtomicReference<Throwable> failure) {
            this.body = body;
            this.failure = failure;
        }

        @Override
        public void run() {
            if (!state.compareAndSet(QUEUED, RUNNING)) {
                return;
            }
            try {
                body.run(false);
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            } finally {
                done.countDown();
            }
        }

        /** Withdraws a helper that has not started; waits for one that has (it is finishing its last item). */
        void withdrawOrAwait() {
            if (state.compareAndSet(QUEUED, WITHDRAWN)) {
                return;
            }
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the helper uses our objects: wait for it to let go of them
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Shuts down the pool this instance owns (threads finish their current work). */
    @Override
    public void close() {
        if (owned != null) {
            owned.shutdown();
        }
    }
}
