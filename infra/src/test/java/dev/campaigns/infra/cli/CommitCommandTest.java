package dev.campaigns.infra.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code campaigns commit}: JSON output, dry run touches nothing, push is idempotent, clear errors and exit codes. */
class CommitCommandTest {
    @TempDir
    Path tmp;
    Path bare;
    String url;
    String base;
    Path diff;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        Path work = tmp.resolve("work");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Files.writeString(work.resolve("a.txt"), "hello\n");
            git.add().addFilepattern(".").call();
            base = git.commit().setMessage("base").setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid")
                    .setSign(false).call().name();
        }
        bare = tmp.resolve("remote.git");
        Git.cloneRepository().setBare(true).setURI(work.toUri().toString()).setDirectory(bare.toFile()).call().close();
        url = bare.toUri().toString();
        diff = tmp.resolve("change.diff");
        Files.writeString(diff, "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-hello\n+hello campaign\n");
    }

    int run(String token, String... args) {
        CommandLine cl = CampaignsCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        CommitCommand commit = cl.getSubcommands().get("commit").getCommand();
        commit.env = name -> name.equals("CODE_HOST_TOKEN") ? token : null;
        return cl.execute(args);
    }

    String[] args(String... more) {
        String[] common = {"commit", "--repo", url, "--base", base, "--diff", diff.toString(), "--date", "2020-06-01T12:00:00Z",
                "--cache-dir", tmp.resolve("cache").toString()};
        String[] all = new String[common.length + more.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(more, 0, all, common.length, more.length);
        return all;
    }

    JsonNode lastJson() throws Exception {
        String[] lines = out.toString().strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    String remoteBranch(String name) throws Exception {
        try (Repository r = new FileRepositoryBuilder().setGitDir(bare.toFile()).build()) {
            var ref = r.exactRef("refs/heads/" + name);
            return ref == null ? null : ref.getObjectId().name();
        }
    }

    @Test
    void dryRunPrintsTheCommitAndTouchesNothing() throws Exception {
        assertEquals(0, run(null, args("--branch", "campaign/cli")));
        JsonNode json = lastJson();
        assertEquals(40, json.get("commit").asText().length());
        assertEquals(40, json.get("tree").asText().length());
        assertEquals("campaign/cli", json.get("branch").asText());
        assertFalse(json.get("pushed").asBoolean());
        assertNull(remoteBranch("campaign/cli"));
    }

    @Test
    void pushCreatesTheBranchOnceAndTheSameRunIsIdempotent() throws Exception {
        assertEquals(0, run("tok-SECRET-1", args("--branch", "campaign/cli", "--push")));
        JsonNode first = lastJson();
        assertTrue(first.get("pushed").asBoolean());
        assertEquals(first.get("commit").asText(), remoteBranch("campaign/cli"));
        assertEquals(0, run("tok-SECRET-1", args("--branch", "campaign/cli", "--push")));
        JsonNode second = lastJson();
        assertEquals(first.get("commit"), second.get("commit"));
        assertFalse(second.get("pushed").asBoolean());
        assertFalse(out.toString().contains("tok-SECRET-1") || err.toString().contains("tok-SECRET-1"));
    }

    @Test
    void aDifferentCommitOnTheBranchIsAConflict() throws Exception {
        assertEquals(0, run(null, args("--branch", "campaign/cli", "--push")));
        String held = remoteBranch("campaign/cli");
        assertEquals(CommitCommand.EXIT_PERMANENT, run(null, args("--branch", "campaign/cli", "--push", "--message", "other")));
        assertTrue(err.toString().contains("refusing to overwrite"), err.toString());
        assertEquals(held, remoteBranch("campaign/cli"));
    }

    @Test
    void badInputIsAUsageErrorWithAClearMessage() {
        assertEquals(2, run(null, args("--push")));
        assertTrue(err.toString().contains("--push needs --branch"), err.toString());
        assertEquals(2, run(null, "commit", "--repo", url, "--base", base, "--diff", tmp.resolve("missing.diff").toString()));
        assertTrue(err.toString().contains("no such file"), err.toString());
        assertEquals(2, run(null, args("--date", "yesterday")));
        assertTrue(err.toString().contains("ISO-8601"), err.toString());
    }

    @Test
    void aPatchThatDoesNotApplyExitsOne() throws Exception {
        Files.writeString(diff, "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-bye\n+hello\n");
        assertEquals(CommitCommand.EXIT_PERMANENT, run(null, args()));
        assertTrue(err.toString().contains("a.txt: hunk @@ -1 +1 @@"), err.toString());
    }
}
