package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.campaigns.blob.InMemoryBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unsafe, malformed, oversized and non-applying patches: each is refused with its specific exception, before
 * any bundle is stored, and the remote's refs are untouched.
 */
class HostilePatchTest {
    @TempDir
    Path tmp;
    WorkRepo repo;
    String base;
    String refsBefore;
    InMemoryBlobStore store;
    GitEngine engine;

    @BeforeEach
    void setUp() {
        assumeTrue(GitCli.available(), "git CLI not installed");
        repo = new WorkRepo(tmp.resolve("work"));
        repo.write("a.txt", "one\ntwo\nthree\n").write("dir/b.txt", "b\n").symlink("outside", "../../etc");
        base = repo.commit("base");
        refsBefore = GitCli.out(repo.dir, "for-each-ref");
        store = new InMemoryBlobStore();
        engine = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("cache")), store);
    }

    @AfterEach
    void nothingStoredNothingPushed() {
        if (engine != null) {
            engine.close();
            assertEquals(0, store.size(), "no bundle stored");
            assertEquals(refsBefore, GitCli.out(repo.dir, "for-each-ref"), "remote refs unchanged");
        }
    }

    private <T extends GitEngineException> T refused(Class<T> type, String patch) {
        return refused(type, engine, patch);
    }

    private <T extends GitEngineException> T refused(Class<T> type, GitEngine e, String patch) {
        CommitRequest r = new CommitRequest(repo.url(), RemoteCredentials.none(), base, patch.getBytes(StandardCharsets.UTF_8),
                "hostile", BotIdentity.defaultBot(), Instant.EPOCH);
        Executable commit = () -> e.commit(r);
        T ex = assertThrows(type, commit);
        assertTrue(!ex.isTransient(), "permanent");
        return ex;
    }

    private static String newFile(String path, String content) {
        return "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/"
                + path + "\n@@ -0,0 +1 @@\n+" + content + "\n";
    }

    @Test
    void dotDotPath() {
        refused(PatchRejectedException.class, newFile("../escape.txt", "x"));
    }

    @Test
    void dotDotInsideAPath() {
        refused(PatchRejectedException.class, newFile("dir/../../../etc/passwd", "root::0:0"));
    }

    @Test
    void absolutePath() {
        refused(PatchRejectedException.class, "diff --git a//etc/passwd b//etc/passwd\nnew file mode 100644\n--- /dev/null\n"
                + "+++ b//etc/passwd\n@@ -0,0 +1 @@\n+x\n");
    }

    @Test
    void gitConfig() {
        refused(PatchRejectedException.class, newFile(".git/config", "[core]"));
    }

    @Test
    void upperCaseGitHooks() {
        refused(PatchRejectedException.class, newFile(".GIT/hooks/post-checkout", "#!/bin/sh"));
    }

    @Test
    void nestedDotGitAndItsAliases() {
        refused(PatchRejectedException.class, newFile("dir/.git/config", "x"));
        refused(PatchRejectedException.class, newFile(".git./config", "x"));
        refused(PatchRejectedException.class, newFile("GIT~1/config", "x"));
        refused(PatchRejectedException.class, newFile(".g\u200cit/config", "x"));
    }

    @Test
    void renameIntoDotGit() {
        refused(PatchRejectedException.class, "diff --git a/a.txt b/.git/hooks/pre-commit\nsimilarity index 100%\n"
                + "rename from a.txt\nrename to .git/hooks/pre-commit\n");
    }

    @Test
    void symlinkCreatedThenWrittenThroughInTheSamePatch() {
        refused(PatchRejectedException.class, "diff --git a/link b/link\nnew file mode 120000\nindex 0000000..1111111\n"
                + "--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+/etc\n\\ No newline at end of file\n" + newFile("link/passwd", "evil"));
    }

    @Test
    void writeThroughASymlinkOfTheBase() {
        PatchRejectedException e = refused(PatchRejectedException.class, newFile("outside/passwd", "evil"));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    }

    @Test
    void renameThroughASymlinkOfTheBase() {
        refused(PatchRejectedException.class, "diff --git a/a.txt b/outside/a.txt\nsimilarity index 100%\n"
                + "rename from a.txt\nrename to outside/a.txt\n");
    }

    @Test
    void truncatedHunkIsMalformed() {
        refused(MalformedPatchException.class, "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n");
    }

    @Test
    void garbageInsideAHunkIsMalformed() {
        refused(MalformedPatchException.class, "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n"
                + "*two\n+deux\n three\n");
    }

    @Test
    void traditionalDiffIsNotAGitDiff() {
        refused(MalformedPatchException.class, "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-a\n+b\n");
    }

    @Test
    void corruptBinaryHunk() {
        refused(MalformedPatchException.class, "diff --git a/img.bin b/img.bin\nnew file mode 100644\n"
                + "index 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111\n"
                + "GIT binary patch\nliteral 10\nRcmZ?!!!!!!!!!!!!!!!!!!!\n\nliteral 0\nHcmV?d00001\n\n");
    }

    @Test
    void binaryWithoutDataDoesNotApply() {
        PatchDoesNotApplyException e = refused(PatchDoesNotApplyException.class,
                "diff --git a/img.bin b/img.bin\nnew file mode 100644\nindex 0000000..1111111\nBinary files /dev/null and b/img.bin differ\n");
        assertEquals("img.bin", e.path());
    }

    @Test
    void hunkThatDoesNotApplyNamesFileAndHunk() {
        PatchDoesNotApplyException e = refused(PatchDoesNotApplyException.class, "diff --git a/a.txt b/a.txt\n--- a/a.txt\n"
                + "+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-TWO\n+deux\n three\n");
        assertEquals("a.txt", e.path());
        assertEquals("@@ -1,3 +1,3 @@", e.hunk());
    }

    @Test
    void missingFileAndExistingFile() {
        refused(PatchDoesNotApplyException.class, "diff --git a/nope.txt b/nope.txt\n--- a/nope.txt\n+++ b/nope.txt\n"
                + "@@ -1 +1 @@\n-a\n+b\n");
        refused(PatchDoesNotApplyException.class, newFile("a.txt", "again"));
    }

    @Test
    void oversizedPatchAndTooManyFiles() {
        try (GitEngine small = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("c2")).withMaxPatchBytes(100)
                .withMaxFiles(2), store)) {
            refused(PatchTooLargeException.class, small, newFile("big.txt", "x".repeat(200)));
            refused(PatchTooLargeException.class, small, newFile("1", "1") + newFile("2", "2") + newFile("3", "3"));
        }
    }

    @Test
    void binaryBombIsTooLarge() {
        try (GitEngine small = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("c3")).withMaxBlobBytes(1000), store)) {
            refused(PatchTooLargeException.class, small, "diff --git a/z.bin b/z.bin\nnew file mode 100644\n"
                    + "index 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111\n"
                    + "GIT binary patch\nliteral 10000000\nzcmeIuF#!Mo0K%a4Pi+hz5hx58Fkrxd0RsjM7%*VKfB^#r3>YwAz<>b*1`HT5V8DO@\n\n");
        }
    }
}
