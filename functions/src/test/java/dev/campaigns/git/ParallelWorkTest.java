package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The helper threads alone: work shared by claiming, helpers that never start are withdrawn, failures surface. */
class ParallelWorkTest {
    @Test
    void theCallerDoesEverythingWhenNoHelperStarts() {
        List<Runnable> queued = new ArrayList<>();
        ParallelWork w = new ParallelWork(queued::add, 4);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger byCaller = new AtomicInteger();
        w.run(10, callingThread -> {
            while (next.getAndIncrement() < 100) {
                byCaller.incrementAndGet();
            }
        });
        assertEquals(3, queued.size(), "at most parallelism - 1 helpers");
        assertEquals(100, byCaller.get());
        // a helper running after run() returned was withdrawn: it does nothing
        queued.forEach(Runnable::run);
        assertEquals(101, next.get(), "the withdrawn helpers never ran the body");
    }

    @Test
    void helpersOnTheInjectedExecutorShareTheWork() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (ParallelWork w = ParallelWork.pool(3)) {
            AtomicInteger next = new AtomicInteger();
            int[] done = new int[2000];
            w.run(2, callingThread -> {
                for (int i = next.getAndIncrement(); i < done.length; i = next.getAndIncrement()) {
                    threads.add(Thread.currentThread().getName());
                    done[i]++;
                }
            });
            for (int d : done) {
                assertEquals(1, d, "every item exactly once");
            }
        }
        threads.remove(Thread.currentThread().getName()); // the calling thread may or may not have taken items
        assertTrue(threads.stream().allMatch(t -> t.startsWith("campaigns-git-")), "only the engine's own threads: " + threads);
    }

    @Test
    void aHelpersFailureIsRethrownAfterEveryRunEnded() {
        ParallelWork inline = new ParallelWork(Runnable::run, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> inline.run(1, callingThread -> {
            if (!callingThread) {
                throw new IllegalStateException("helper failed");
            }
        }));
        assertEquals("helper failed", e.getMessage());
    }

    @Test
    void parallelismOneIsTheCallingThreadAlone() {
        try (ParallelWork w = ParallelWork.pool(1)) {
            List<Boolean> runs = new ArrayList<>();
            w.run(5, runs::add);
            assertEquals(List.of(true), runs);
        }
        assertThrows(IllegalArgumentException.class, () -> ParallelWork.pool(0));
    }
}
