package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.campaigns.blob.InMemoryBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cases the real-world corpus lacks. Each builds a repository with the git CLI, makes a change, takes
 * {@code git diff} of it, and requires the engine's tree to equal what {@code git apply --cached} makes of the
 * same diff on the same base.
 */
class ApplyCasesTest {
    static final Instant WHEN = Instant.parse("2020-06-01T12:00:00Z");

    @TempDir
    Path tmp;
    WorkRepo repo;
    GitEngine engine;
    InMemoryBlobStore store;

    @BeforeEach
    void setUp() {
        assumeTrue(GitCli.available(), "git CLI not installed");
        repo = new WorkRepo(tmp.resolve("work"));
        store = new InMemoryBlobStore();
        engine = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("cache")), store);
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private CommitResult sameAsGit(String base, byte[] patch) {
        String expected = repo.gitApply(base, patch);
        CommitResult r = engine.commit(request(base, patch, "campaign: change"));
        assertEquals(expected, r.treeSha(), () -> "tree differs from git apply for patch:\n" + new String(patch, StandardCharsets.UTF_8));
        assertEquals(base, r.baseCommitSha());
        return r;
    }

    private CommitRequest request(String base, byte[] patch, String message) {
        return new CommitRequest(repo.url(), RemoteCredentials.none(), base, patch, message, BotIdentity.defaultBot(), WHEN);
    }

    private static String lines(int n, String prefix, String eol) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            b.append(prefix).append(i).append(eol);
        }
        return b.toString();
    }

    @Test
    void nonAsciiQuotedAndSpacedPaths() {
        repo.write("plain.txt", "a\n").write("dir with space/file name.txt", lines(5, "s", "\n"))
                .write("héllo wörld.txt", "bonjour\n").write("日本語/ファイル.txt", lines(3, "j", "\n"))
                .write("tab\there.txt", "t\n").write("quote\"d.txt", "q\n").write("back\\slash.txt", "b\n");
        String base = repo.commit("base");
        repo.write("dir with space/file name.txt", lines(5, "S", "\n")).write("héllo wörld.txt", "salut\n")
                .write("日本語/ファイル.txt", lines(4, "j", "\n")).write("tab\there.txt", "T\n")
                .write("quote\"d.txt", "Q\n").write("back\\slash.txt", "B\n").write("nouveau dossier/ça va.txt", "oui\n");
        byte[] patch = repo.stagedDiff("--binary", "-M");
        assertTrue(new String(patch, StandardCharsets.UTF_8).contains("\"a/h\\303\\251llo w\\303\\266rld.txt\""), "paths are quoted");
        sameAsGit(base, patch);
    }

    @Test
    void renameOfQuotedPathWithSpaces() {
        repo.write("vieux répertoire/un fichier.txt", lines(20, "line ", "\n"));
        String base = repo.commit("base");
        repo.delete("vieux répertoire/un fichier.txt").write("nouveau répertoire/deux fichiers.txt", lines(20, "line ", "\n") + "more\n");
        sameAsGit(base, repo.stagedDiff("--binary", "-M"));
    }

    @Test
    void modeOnlyChanges() {
        repo.write("run.sh", "#!/bin/sh\necho hi\n").write("lib/x.sh", "x\n").exec("lib/x.sh", true);
        String base = repo.commit("base");
        repo.exec("run.sh", true).exec("lib/x.sh", false);
        byte[] patch = repo.stagedDiff("--binary", "-M");
        assertTrue(new String(patch, StandardCharsets.UTF_8).contains("new mode 100755"));
        sameAsGit(base, patch);
    }

    @Test
    void emptyFiles() {
        repo.write("empty", "").write("full", "content\n").write("gone-empty", "");
        String base = repo.commit("base");
        repo.write("empty", "now content\n").write("full", "").delete("gone-empty").write("new-empty", "").write("d/e/also-empty", "");
        sameAsGit(base, repo.stagedDiff("--binary", "-M"));
    }

    @Test
    void deepNesting() {
        String deep = "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p";
        repo.write(deep + "/file.txt", "deep\n").write("a/sibling.txt", "s\n").write(deep + "/keep.txt", "k\n");
        String base = repo.commit("base");
        repo.write(deep + "/file.txt", "deeper\n").write(deep + "/q/r/s/new.txt", "n\n").delete(deep + "/keep.txt");
        sameAsGit(base, repo.stagedDiff("--binary", "-M"));
    }

    @Test
    void deletingTheLastFileOfADirectoryRemovesTheDirectory() {
        repo.write("only/one/file.txt", "x\n").write("other.txt", "o\n");
        String base = repo.commit("base");
        repo.delete("only");
        sameAsGit(base, repo.stagedDiff("--binary", "-M"));
    }

    @Test
    void fileBecomesDirectoryAndDirectoryBecomesFile() {
        repo.write("thing", "file\n").write("folder/inner.txt", "inner\n");
        String base = repo.commit("base");
        repo.delete("thing").write("thing/now-a-dir.txt", "dir\n").delete("folder").write("folder", "now a file\n");
        sameAsGit(base, repo.stagedDiff("--binary", "-M"));
    }

    @Test
    void symlinks() {
        repo.write("target.txt", "t\n").symlink("link", "target.txt").symlink("old-link", "nowhere")
                .write("becomes-link", "was a file\n").symlink("becomes-file", "target.txt");
        String base = repo.commit("base");
        repo.symlink("link", "other-target.txt").delete("old-link").symlink("new-link", "../outside/is/just/data")
                .delete("becomes-link").symlink("becomes-link", "target.txt").delete("becomes-file").write("becomes-file", "file now\n");
        byte[] patch = repo.stagedDiff("--binary", "-M");
        assertTrue(new String(patch, StandardCharsets.UTF_8).contains("new file mode 120000"));
        sameAsGit(base, patch);
    }

    @Test
    void submodulesAsGitlinks() {
        repo.write("README", "r\n").gitlink("vendor/lib", "1111111111111111111111111111111111111111")
                .gitlink("vendor/gone", "3333333333333333333333333333333333333333");
        GitCli.run(repo.dir, null, "commit", "-q", "-m", "base");
        String base = GitCli.out(repo.dir, "rev-parse", "HEAD");
        repo.gitlink("vendor/lib", "2222222222222222222222222222222222222222").removeGitlink("vendor/gone")
                .gitlink("vendor/new", "4444444444444444444444444444444444444444");
        byte[] patch = GitCli.run(repo.dir, null, "diff", "--cached", "--binary", "-M");
        assertTrue(new String(patch, StandardCharsets.UTF_8).contains("Subproject commit 2222222222222222222222222222222222222222"));
        sameAsGit(base, patch);
    }

    @Test
    void copies() {
        String body = lines(40, "shared line ", "\n");
        repo.write("src/original.txt", body);
        String base = repo.commit("base");
        repo.write("src/copy.txt", body + "edited copy\n").write("elsewhere/copy2.txt", body);
        byte[] patch = repo.stagedDiff("--binary", "-C", "-C");
        assertTrue(new String(patch, StandardCharsets.UTF_8).contains("copy from src/original.txt"));
        sameAsGit(base, patch);
    }

    @Test
    void renamesWithEditsAndModeChange() {
        repo.write("old/name.txt", lines(30, "x", "\n")).write("old/script", "#!/bin/sh\n" + lines(30, "echo ", "\n"));
        String base = repo.commit("base");
        repo.delete("old").write("new/name.txt", lines(30, "x", "\n").replace("x7\n", "seven\n"))
                .write("bin/script", "#!/bin/sh\n" + lines(30, "echo ", "\n")).exec("bin/script", true);
        byte[] patch = repo.stagedDiff("--binary", "-M");
        assertTrue(new String(patch, StandardCharsets.UTF_8).contains("rename from old/name.txt"));
        sameAsGit(base, patch);
    }

    @Test
    void crlfContent() {
        repo.write("win.txt", lines(10, "crlf line ", "\r\n")).write("mixed.txt", "a\r\nb\nc\r\nd\n").write("cr-eof.txt", "x\r\ny\r");
        String base = repo.commit("base");
        repo.write("win.txt", lines(10, "crlf line ", "\r\n").replace("line 5\r\n", "line five\r\n") + "added\r\n")
                .write("mixed.txt", "a\r\nB\nc\r\nd\r\n").write("cr-eof.txt", "x\r\nz\r").write("new-win.txt", "n\r\n");
        sameAsGit(base, repo.stagedDiff("--binary", "-M"));
    }

    @Test
    void noNewlineAtEndOfFile() {
        repo.write("gains-eol", "a\nb").write("loses-eol", "a\nb\n").write("both-without", "a\nb").write("single", "x");
        String base = repo.commit("base");
        repo.write("gains-eol", "a\nb\n").write("loses-eol", "a\nb").write("both-without", "a\nc").write("single", "y")
                .write("new-without", "no eol");
        byte[] patch = repo.stagedDiff("--binary", "-M");
        assertTrue(new String(patch, StandardCharsets.UTF_8).contains("\\ No newline at end of file"));
        sameAsGit(base, patch);
    }

    @Test
    void veryLongLines() {
        String longLine = "x".repeat(200_000);
        repo.write("min.js", longLine + "\n" + "tail\n");
        String base = repo.commit("base");
        repo.write("min.js", longLine.replaceFirst("x", "y") + "\n" + "tail\n");
        sameAsGit(base, repo.stagedDiff("--binary", "-M"));
    }

    @Test
    void binaryLiteralAndDeltaPatches() {
        Random rnd = new Random(42);
        byte[] big = new byte[300_000];
        rnd.nextBytes(big);
        byte[] small = new byte[2_000];
        rnd.nextBytes(small);
        repo.write("assets/big.bin", big).write("assets/gone.bin", small).write("assets/small.bin", small);
        String base = repo.commit("base");
        byte[] bigEdited = big.clone();
        bigEdited[150_000] ^= 0x55;
        byte[] fresh = new byte[5_000];
        rnd.nextBytes(fresh);
        repo.write("assets/big.bin", bigEdited).delete("assets/gone.bin").write("assets/new.bin", fresh)
                .write("assets/small.bin", fresh);
        byte[] patch = repo.stagedDiff("--binary", "-M");
        String text = new String(patch, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("GIT binary patch\ndelta "), "has a delta hunk");
        assertTrue(text.contains("GIT binary patch\nliteral "), "has a literal hunk");
        sameAsGit(base, patch);
    }

    @Test
    void hunksApplyAtAnOffsetLikeGitApply() {
        repo.write("f.txt", lines(100, "line ", "\n"));
        String base = repo.commit("base");
        repo.write("f.txt", lines(100, "line ", "\n").replace("line 20\n", "line twenty\n").replace("line 80\n", "line eighty\n"));
        byte[] patch = repo.stagedDiff("--binary");
        repo.reset(base);
        repo.write("f.txt", "prepended 1\nprepended 2\nprepended 3\n" + lines(100, "line ", "\n"));
        String shifted = repo.commit("base moved");
        sameAsGit(shifted, patch);
    }

    /** 12 files of 2,000 lines (over 256 KiB of hunks when rewritten whole): applied ahead, in parallel. */
    private String largeBase() {
        for (int f = 0; f < 12; f++) {
            repo.write("big/f" + f + ".txt", lines(2000, "file " + f + " line ", "\n"));
        }
        return repo.commit("base");
    }

    private static String rewrite(String path, String before, String after) {
        StringBuilder p = new StringBuilder("diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n");
        p.append("@@ -1,").append(before.lines().count()).append(" +1,").append(after.lines().count()).append(" @@\n");
        before.lines().forEach(l -> p.append('-').append(l).append('\n'));
        after.lines().forEach(l -> p.append('+').append(l).append('\n'));
        return p.toString();
    }

    @Test
    void aLargePatchTouchingAFileTwiceAppliesInOrderLikeGitApply() {
        String base = largeBase();
        StringBuilder patch = new StringBuilder();
        for (int f = 0; f < 12; f++) {
            patch.append(rewrite("big/f" + f + ".txt", lines(2000, "file " + f + " line ", "\n"), lines(2000, "new " + f + " line ", "\n")));
        }
        // the second patch of f3 applies to what the first made of it, not to the base
        patch.append(rewrite("big/f3.txt", lines(2000, "new 3 line ", "\n"), lines(10, "again ", "\n")));
        byte[] bytes = patch.toString().getBytes(StandardCharsets.UTF_8);
        CommitResult r = sameAsGit(base, bytes);
        assertEquals(lines(10, "again ", "\n").strip(), GitCli.out(repo.dir, "show", r.treeSha() + ":big/f3.txt").strip());
    }

    @Test
    void aLargePatchReportsTheFirstFileThatDoesNotApply() {
        String base = largeBase();
        StringBuilder patch = new StringBuilder();
        for (int f = 0; f < 12; f++) {
            String before = lines(2000, "file " + f + " line ", "\n");
            if (f == 5 || f == 9) {
                before = before.replace("line 1000\n", "line one thousand\n");   // not what the file holds
            }
            patch.append(rewrite("big/f" + f + ".txt", before, lines(2000, "new " + f + " line ", "\n")));
        }
        PatchDoesNotApplyException e = assertThrows(PatchDoesNotApplyException.class,
                () -> engine.commit(request(base, patch.toString().getBytes(StandardCharsets.UTF_8), "campaign: change")));
        assertTrue(e.getMessage().contains("big/f5.txt"), e.getMessage());
        assertFalse(e.getMessage().contains("big/f9.txt"), e.getMessage());
    }

    @Test
    void emptyDiffIsNothingToCommit() {
        repo.write("a", "a\n");
        String base = repo.commit("base");
        assertThrows(NothingToCommitException.class, () -> engine.commit(request(base, new byte[0], "m")));
        assertThrows(NothingToCommitException.class, () -> engine.commit(request(base, "just some words\n".getBytes(), "m")));
        assertEquals(0, store.size());
    }

    @Test
    void aPatchWhoseResultIsTheBaseIsNothingToCommit() {
        repo.write("a", "a\n");
        String base = repo.commit("base");
        repo.write("a", "b\n");
        byte[] forth = repo.stagedDiff();
        repo.reset(base);
        repo.write("a", "b\n");
        String moved = repo.commit("moved");
        repo.write("a", "a\n");
        byte[] back = repo.stagedDiff();
        byte[] both = (new String(forth, StandardCharsets.UTF_8) + new String(back, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        assertNotEquals(base, moved);
        assertThrows(NothingToCommitException.class, () -> engine.commit(request(base, both, "m")));
    }

    @Test
    void sameInputsGiveTheSameCommitAsGitCommit() {
        repo.write("a.txt", "one\n");
        String base = repo.commit("base");
        repo.write("a.txt", "two\n").write("b.txt", "new\n");
        byte[] patch = repo.stagedDiff("--binary", "-M");
        String message = "Campaign: update a.txt\n\nBody line.   \n\n\n";
        CommitResult first = engine.commit(request(base, patch, message));
        CommitResult again = engine.commit(request(base, patch, message));
        assertEquals(first, again);
        try (GitEngine fresh = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("other-cache")), new InMemoryBlobStore())) {
            assertEquals(first, fresh.preview(request(base, patch, message)));
        }
        String expected = repo.gitApplyAndCommit(base, patch, message, WHEN);
        assertEquals(expected, first.commitSha());
        assertEquals(1, store.size(), "one bundle, stored once");
        assertNotEquals(first.commitSha(), engine.preview(new CommitRequest(repo.url(), RemoteCredentials.none(), base, patch,
                message, BotIdentity.defaultBot(), WHEN.plusSeconds(1))).commitSha(), "the date is part of the commit");
    }

    @Test
    void previewStoresNothingAndBaseMayBeABranchName() {
        repo.write("a.txt", "one\n");
        String base = repo.commit("base");
        repo.write("a.txt", "two\n");
        byte[] patch = repo.stagedDiff();
        CommitResult byName = engine.preview(request("main", patch, "m"));
        assertEquals(base, byName.baseCommitSha());
        assertEquals(byName, engine.preview(request(base, patch, "m")));
        assertEquals(0, store.size());
    }

    @Test
    void diffStatCountsLikeSourcegraph() {
        repo.write("a.txt", "1\n2\n3\n4\n").write("c.txt", "c1\nc2\n");
        repo.commit("base");
        repo.write("a.txt", "1\nTWO\n3\n4\n5\n6\n").write("b.txt", "b\n").delete("c.txt");
        // a: 2 -> TWO is one changed line, 5 and 6 are added; b adds one line; c deletes two
        assertEquals(new DiffStat(3, 1, 2), GitEngine.diffStat(repo.stagedDiff("--binary", "-M")));
        assertEquals(DiffStat.EMPTY, GitEngine.diffStat(new byte[0]));
    }
}
