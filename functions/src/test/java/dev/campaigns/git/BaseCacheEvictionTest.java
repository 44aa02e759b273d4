package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.campaigns.blob.InMemoryBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base cache kept within its budget: least recently used repositories leave, one in use never does (also
 * under concurrent commits with a budget that evicts everything it can), repositories evicted are fetched again,
 * and folders left by an earlier engine are evicted first.
 */
class BaseCacheEvictionTest {
    static final Instant WHEN = Instant.parse("2022-05-06T07:08:09Z");

    @TempDir
    Path tmp;
    final List<Path> remotes = new ArrayList<>();
    final List<String> bases = new ArrayList<>();

    @BeforeEach
    void setUp() {
        assumeTrue(GitCli.available(), "git CLI not installed");
        for (String name : List.of("a", "b", "c")) {
            WorkRepo work = new WorkRepo(tmp.resolve("work-" + name));
            for (int i = 0; i < 20; i++) {
                work.write("dir/f" + i + ".txt", "repository " + name + " file " + i + "\n" + "x".repeat(2000) + i + "\n");
            }
            bases.add(work.commit("base " + name));
            Path remote = tmp.resolve(name + ".git");
            GitCli.run(tmp, null, "clone", "-q", "--bare", work.dir.toString(), remote.toString());
            remotes.add(remote);
        }
    }

    CommitRequest request(int repo, int round) {
        String path = "dir/f" + round + ".txt";
        String name = List.of("a", "b", "c").get(repo);
        byte[] patch = ("diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n@@ -1,2 +1,2 @@\n-repository "
                + name + " file " + round + "\n+changed " + round + "\n " + "x".repeat(2000) + round + "\n").getBytes(StandardCharsets.UTF_8);
        return new CommitRequest(remotes.get(repo).toUri().toString(), RemoteCredentials.none(), bases.get(repo), patch, "campaign",
                BotIdentity.defaultBot(), WHEN);
    }

    GitEngine engine(String cache, long budget) {
        return new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve(cache)).withCacheMaxBytes(budget), new InMemoryBlobStore());
    }

    boolean cached(String cache, int repo) {
        return Files.isDirectory(new BaseCache(tmp.resolve(cache), 60).directoryFor(remotes.get(repo).toUri().toString()));
    }

    /** The size of one repository's base in the cache (all three are alike). */
    long oneRepository() {
        try (GitEngine unbounded = engine("measure", Long.MAX_VALUE)) {
            unbounded.preview(request(0, 0));
        }
        return CacheFolder.sizeOf(tmp.resolve("measure"));
    }

    @Test
    void leastRecentlyUsedLeaveAndComeBack() {
        long one = oneRepository();
        CommitResult first;
        try (GitEngine e = engine("lru", one + one / 2)) {
            first = e.preview(request(0, 0));
            assertTrue(cached("lru", 0));
            e.preview(request(1, 0));
            assertTrue(cached("lru", 1));
            assertFalse(cached("lru", 0), "a, the least recently used, is evicted");
            e.preview(request(2, 0));
            assertTrue(cached("lru", 2));
            assertFalse(cached("lru", 1));
            // a is fetched again, and gives the same commit
            assertEquals(first, e.preview(request(0, 0)));
            assertTrue(cached("lru", 0));
            assertTrue(CacheFolder.sizeOf(tmp.resolve("lru")) <= one + one / 2 + 1024, "within the budget, give or take the lock files");
        }
    }

    @Test
    void aRepositoryWithALeaseIsNeverEvicted() {
        String a = remotes.get(0).toUri().toString();
        String b = remotes.get(1).toUri().toString();
        try (BaseCache cache = new BaseCache(tmp.resolve("leases"), 60, 1)) {
            CacheFolder.Lease onA = cache.lease(a);
            cache.ensureCommit(a, RemoteCredentials.none(), bases.get(0));
            try (CacheFolder.Lease onB = cache.lease(b)) {
                cache.ensureCommit(b, RemoteCredentials.none(), bases.get(1));
                assertTrue(cached("leases", 0) && cached("leases", 1), "both in use: both kept, though far above the budget");
            }
            assertFalse(cached("leases", 1), "b released: evicted (budget 1 byte)");
            assertTrue(cached("leases", 0), "a still in use");
            assertTrue(BaseCache.hasCommit(onA.repo(), org.eclipse.jgit.lib.ObjectId.fromString(bases.get(0))));
            onA.close();
            onA.close(); // closing twice releases once
            assertFalse(cached("leases", 0));
        }
    }

    @Test
    void concurrentCommitsWithABudgetThatEvictsAllItCan() throws Exception {
        List<CommitResult> expected = new ArrayList<>();
        try (GitEngine unbounded = engine("expected", Long.MAX_VALUE)) {
            for (int i = 0; i < 12; i++) {
                expected.add(unbounded.commit(request(i % 3, i / 3)));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (GitEngine tiny = engine("tiny", 1)) {
            List<Future<CommitResult>> made = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                made.add(pool.submit(() -> tiny.commit(request(n % 3, n / 3))));
            }
            for (int i = 0; i < 12; i++) {
                assertEquals(expected.get(i), made.get(i).get(120, TimeUnit.SECONDS), "commit " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int r = 0; r < 3; r++) {
            assertFalse(cached("tiny", r), "nothing in use at the end: all evicted");
        }
    }

    @Test
    void foldersOfAnEarlierEngineAreEvictedFirst() throws Exception {
        long one = oneRepository();
        try (GitEngine earlier = engine("shared", Long.MAX_VALUE)) {
            earlier.preview(request(0, 0));
            earlier.preview(request(1, 0));
        }
        Path leftover = tmp.resolve("shared").resolve(".evicted-x.git-7");
        Files.createDirectories(leftover.resolve("objects"));
        try (GitEngine later = engine("shared", one + one / 2)) {
            later.preview(request(2, 0));
        }
        assertFalse(cached("shared", 0));
        assertFalse(cached("shared", 1));
        assertTrue(cached("shared", 2));
        assertFalse(Files.exists(leftover), "an interrupted eviction's folder is deleted");
    }
}
