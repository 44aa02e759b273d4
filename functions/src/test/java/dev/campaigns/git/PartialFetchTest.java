package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.campaigns.blob.InMemoryBlobStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base cache against a server that allows filters (as GitHub does): the commit step fetches the base's
 * commit and trees (a dry run: only the trees on the patch's paths, one folder level per request), then the
 * blobs the patch reads; a push needs all the trees (its walk reads them); commits and pushes are the same as from a whole
 * snapshot; a push whose base the remote no longer advertises completes the base first; servers without
 * filters, or refusing objects by id, are served by the whole-snapshot path.
 */
class PartialFetchTest {
    static final Instant WHEN = Instant.parse("2021-03-04T05:06:07Z");

    @TempDir
    Path tmp;
    Path remote;
    Path plainRemote;
    String base;
    InMemoryBlobStore store;
    GitEngine engine;

    @BeforeEach
    void setUp() {
        assumeTrue(GitCli.available(), "git CLI not installed");
        WorkRepo work = new WorkRepo(tmp.resolve("work"));
        for (int d = 0; d < 3; d++) {
            for (int f = 0; f < 4; f++) {
                work.write("d" + d + "/f" + f + ".txt", "dir " + d + " file " + f + "\nsecond line\n" + REST);
            }
        }
        work.write("top.txt", "top\n");
        base = work.commit("base");
        remote = tmp.resolve("remote.git");
        GitCli.run(tmp, null, "clone", "-q", "--bare", work.dir.toString(), remote.toString());
        GitCli.run(remote, null, "config", "uploadpack.allowFilter", "true");
        GitCli.run(remote, null, "config", "uploadpack.allowAnySHA1InWant", "true");
        plainRemote = tmp.resolve("plain.git");
        GitCli.run(tmp, null, "clone", "-q", "--bare", work.dir.toString(), plainRemote.toString());
        store = new InMemoryBlobStore();
        engine = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("cache")), store);
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    /** The files' lines after the first two: an edit of line 1 shows three lines of context, not the whole file. */
    static final String REST = "third\nfourth\nfifth\nsixth\n";

    static byte[] edit(String path, String from, String to) {
        return ("diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n"
                + "@@ -1,4 +1,4 @@\n-" + from + "\n+" + to + "\n second line\n third\n fourth\n").getBytes(StandardCharsets.UTF_8);
    }

    static final byte[] PATCH = edit("d1/f2.txt", "dir 1 file 2", "changed");

    CommitRequest request(Path repo, byte[] patch) {
        return new CommitRequest(repo.toUri().toString(), RemoteCredentials.none(), base, patch, "campaign",
                BotIdentity.defaultBot(), WHEN);
    }

    ObjectId blob(Path repo, String path) {
        return ObjectId.fromString(GitCli.out(repo, "rev-parse", base + ":" + path).strip());
    }

    boolean cacheHas(String cacheName, Path repo, ObjectId id) throws IOException {
        Path dir = new BaseCache(tmp.resolve(cacheName), 60).directoryFor(repo.toUri().toString());
        try (Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build()) {
            return r.getObjectDatabase().has(id);
        }
    }

    String branch(Path repo, String name) {
        return GitCli.out(repo, "for-each-ref", "--format=%(objectname)", "refs/heads/" + name).strip();
    }

    @Test
    void aDryRunFetchesOnlyTheTreesOnThePathsAndTheBlobsThePatchReads() throws IOException {
        CommitResult partial = engine.preview(request(remote, PATCH));
        CommitResult whole = engine.preview(request(plainRemote, PATCH));
        assertEquals(whole.commitSha(), partial.commitSha());
        assertEquals(whole.treeSha(), partial.treeSha());

        assertTrue(cacheHas("cache", remote, blob(remote, "d1/f2.txt")));
        assertFalse(cacheHas("cache", remote, blob(remote, "d0/f0.txt")), "an untouched blob was fetched");
        assertFalse(cacheHas("cache", remote, blob(remote, "d1/f1.txt")), "an untouched blob was fetched");
        // the trees on the path only: the root and d1, not d0
        assertTrue(cacheHas("cache", remote, ObjectId.fromString(GitCli.out(remote, "rev-parse", base + ":d1").strip())));
        assertFalse(cacheHas("cache", remote, ObjectId.fromString(GitCli.out(remote, "rev-parse", base + ":d0").strip())),
                "a tree off the patch's paths was fetched");
        // a server without filters: the whole snapshot, as before
        assertTrue(cacheHas("cache", plainRemote, blob(plainRemote, "d0/f0.txt")));
    }

    @Test
    void filesThePatchSpellsOutWholeAreNeitherFetchedNorRead() throws IOException {
        String whole = "dir 1 file 1\nsecond line\n" + REST;
        StringBuilder rewrite = new StringBuilder("diff --git a/d1/f1.txt b/d1/f1.txt\n--- a/d1/f1.txt\n+++ b/d1/f1.txt\n@@ -1,6 +1,1 @@\n");
        whole.lines().forEach(l -> rewrite.append('-').append(l).append('\n'));
        rewrite.append("+rewritten\n");
        StringBuilder delete = new StringBuilder("diff --git a/d2/f3.txt b/d2/f3.txt\ndeleted file mode 100644\n--- a/d2/f3.txt\n+++ /dev/null\n@@ -1,6 +0,0 @@\n");
        ("dir 2 file 3\nsecond line\n" + REST).lines().forEach(l -> delete.append('-').append(l).append('\n'));
        String rename = "diff --git a/d0/f2.txt b/d0/renamed.txt\nsimilarity index 100%\nrename from d0/f2.txt\nrename to d0/renamed.txt\n";
        // a hunk from line 1 that stops before the end: its file must still be read
        byte[] patch = (rewrite + delete.toString() + rename + new String(edit("d1/f2.txt", "dir 1 file 2", "changed"), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);

        CommitResult partial = engine.preview(request(remote, patch));
        CommitResult snapshot = engine.preview(request(plainRemote, patch));
        assertEquals(snapshot.commitSha(), partial.commitSha());
        assertEquals(new WorkRepo(tmp.resolve("work")).gitApply(base, patch), partial.treeSha(), "differs from git apply --cached");
        assertFalse(cacheHas("cache", remote, blob(remote, "d1/f1.txt")), "a rewritten file was fetched");
        assertFalse(cacheHas("cache", remote, blob(remote, "d2/f3.txt")), "a deleted file was fetched");
        assertFalse(cacheHas("cache", remote, blob(remote, "d0/f2.txt")), "a renamed file was fetched");
        assertTrue(cacheHas("cache", remote, blob(remote, "d1/f2.txt")), "a file the hunks show in part was not fetched");

        // a patch whose "whole file" is not the file (a line missing at the end) is checked, and refused
        String wrong = "diff --git a/d1/f1.txt b/d1/f1.txt\n--- a/d1/f1.txt\n+++ b/d1/f1.txt\n@@ -1,5 +1,1 @@\n"
                + "-dir 1 file 1\n-second line\n-third\n-fourth\n-fifth\n+rewritten\n";
        assertThrows(PatchDoesNotApplyException.class, () -> engine.preview(request(remote, wrong.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void pushFromAPartialBaseSendsTheCommit() throws IOException {
        CommitResult c = engine.commit(request(remote, PATCH));
        // a commit to push fetches only the trees on the patch's paths and the blobs it reads, as a dry run:
        // the push sends the bundle's pack as it is and walks no base tree
        ObjectId d0 = ObjectId.fromString(GitCli.out(remote, "rev-parse", base + ":d0").strip());
        assertFalse(cacheHas("cache", remote, d0), "a tree off the patch's paths was fetched");
        assertFalse(cacheHas("cache", remote, blob(remote, "d0/f0.txt")));
        assertTrue(engine.push(new PushRequest(remote.toUri().toString(), null, "partial", c.commitSha())).pushed());
        assertFalse(cacheHas("cache", remote, d0), "the push fetched a tree off the patch's paths");

        // a push after a dry run of the same base: nothing more fetched either
        try (GitEngine dry = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("c5")), store)) {
            CommitResult again = dry.preview(request(remote, PATCH));
            assertEquals(c.commitSha(), again.commitSha());
            assertTrue(dry.push(new PushRequest(remote.toUri().toString(), null, "partial-dry", c.commitSha())).pushed());
            assertFalse(cacheHas("c5", remote, d0));
        }
        assertEquals(c.commitSha(), branch(remote, "partial-dry"));
        assertEquals(c.commitSha(), branch(remote, "partial"));
        assertEquals("changed\nsecond line\n" + REST.strip(), GitCli.out(remote, "show", c.commitSha() + ":d1/f2.txt").strip());
        GitCli.run(remote, null, "fsck", "--no-progress", "--strict");

        // a fresh container: only the bundle, nothing of the base fetched
        try (GitEngine other = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("c2")), store)) {
            assertTrue(other.push(new PushRequest(remote.toUri().toString(), null, "partial-2", c.commitSha())).pushed());
            assertFalse(other.push(new PushRequest(remote.toUri().toString(), null, "partial-2", c.commitSha())).pushed());
        }
        assertFalse(java.nio.file.Files.exists(new BaseCache(tmp.resolve("c2"), 60).directoryFor(remote.toUri().toString())
                .resolve("objects/pack")) && cacheHas("c2", remote, ObjectId.fromString(base)), "the push fetched the base");
        assertEquals(c.commitSha(), branch(remote, "partial-2"));
    }

    @Test
    void pushAfterMainMovedCompletesThePartialBase() throws IOException {
        CommitResult c = engine.commit(request(remote, PATCH));
        Path clone = tmp.resolve("mover");
        GitCli.run(tmp, null, "clone", "-q", remote.toString(), clone.toString());
        new WorkRepo(clone).write("d0/f0.txt", "moved on\n");
        GitCli.run(clone, null, "commit", "-q", "-a", "-m", "moved on");
        GitCli.run(clone, null, "push", "-q", "origin", "HEAD:main");

        assertFalse(cacheHas("cache", remote, blob(remote, "d0/f0.txt")));
        assertTrue(engine.push(new PushRequest(remote.toUri().toString(), null, "after-move", c.commitSha())).pushed());
        assertEquals(c.commitSha(), branch(remote, "after-move"));
        assertTrue(cacheHas("cache", remote, blob(remote, "d0/f0.txt")), "the base was not completed before the push");
        GitCli.run(remote, null, "fsck", "--no-progress", "--strict");

        try (GitEngine other = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("c3")), store)) {
            assertTrue(other.push(new PushRequest(remote.toUri().toString(), null, "after-move-2", c.commitSha())).pushed());
        }
        assertEquals(c.commitSha(), branch(remote, "after-move-2"));
    }

    @Test
    void aPatchReadingManyFilesFetchesTheWholeSnapshot() throws IOException {
        WorkRepo work = new WorkRepo(tmp.resolve("many"));
        StringBuilder patch = new StringBuilder();
        int n = GitEngineConfig.DEFAULT_SNAPSHOT_READS + 5;
        for (int i = 0; i < n; i++) {
            work.write("m/f" + i + ".txt", "dir m file " + i + "\nsecond line\n" + REST);
            patch.append(new String(edit("m/f" + i + ".txt", "dir m file " + i, "changed " + i), StandardCharsets.UTF_8));
        }
        work.write("untouched.txt", "untouched\n");
        String manyBase = work.commit("base");
        Path many = tmp.resolve("many.git");
        GitCli.run(tmp, null, "clone", "-q", "--bare", work.dir.toString(), many.toString());
        GitCli.run(many, null, "config", "uploadpack.allowFilter", "true");
        CommitResult c = engine.commit(new CommitRequest(many.toUri().toString(), RemoteCredentials.none(), manyBase,
                patch.toString().getBytes(StandardCharsets.UTF_8), "campaign", BotIdentity.defaultBot(), WHEN));
        assertTrue(cacheHas("cache", many, ObjectId.fromString(GitCli.out(many, "rev-parse", manyBase + ":untouched.txt").strip())));
        assertTrue(engine.push(new PushRequest(many.toUri().toString(), null, "many", c.commitSha())).pushed());
        assertEquals("changed 7\nsecond line\n" + REST.strip(), GitCli.out(many, "show", c.commitSha() + ":m/f7.txt").strip());
    }

    @Test
    void objectsRefusedByIdFallBackToTheWholeSnapshot() throws IOException {
        String url = remote.toUri().toString();
        try (BaseCache cache = new BaseCache(tmp.resolve("c4"), 60); CacheFolder.Lease lease = cache.lease(url)) {
            ObjectId b = cache.ensureCommit(url, RemoteCredentials.none(), base);
            assertFalse(cacheHas("c4", remote, blob(remote, "d2/f3.txt")));
            ObjectId unknown = ObjectId.fromString("0123456789abcdef0123456789abcdef01234567");
            assertThrows(RevisionNotFoundException.class,
                    () -> cache.ensureBlobs(url, RemoteCredentials.none(), b, List.of(unknown, blob(remote, "d0/f1.txt"))));
            // the server would not serve the unknown id: the whole snapshot was fetched instead
            assertTrue(cacheHas("c4", remote, blob(remote, "d2/f3.txt")));
        }
    }
}
