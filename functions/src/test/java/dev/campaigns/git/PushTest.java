package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The push rule, the durable bundle, remote errors, and one engine shared by concurrent invocations. */
class PushTest {
    static final Instant WHEN = Instant.parse("2021-03-04T05:06:07Z");

    @TempDir
    Path tmp;
    Path remote;
    String url;
    String base;
    InMemoryBlobStore store;
    GitEngine engine;

    @BeforeEach
    void setUp() {
        assumeTrue(GitCli.available(), "git CLI not installed");
        WorkRepo work = new WorkRepo(tmp.resolve("work"));
        for (int i = 0; i < 8; i++) {
            work.write("file" + i + ".txt", "content " + i + "\n");
        }
        base = work.commit("base");
        remote = tmp.resolve("remote.git");
        GitCli.run(tmp, null, "clone", "-q", "--bare", work.dir.toString(), remote.toString());
        url = remote.toUri().toString();
        store = new InMemoryBlobStore();
        engine = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("cache")), store);
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    static byte[] edit(int i, String to) {
        return ("diff --git a/file" + i + ".txt b/file" + i + ".txt\n--- a/file" + i + ".txt\n+++ b/file" + i + ".txt\n"
                + "@@ -1 +1 @@\n-content " + i + "\n+" + to + "\n").getBytes(StandardCharsets.UTF_8);
    }

    CommitRequest request(byte[] patch) {
        return new CommitRequest(url, RemoteCredentials.none(), base, patch, "campaign", BotIdentity.defaultBot(), WHEN);
    }

    String branch(String name) {
        return GitCli.out(remote, "for-each-ref", "--format=%(objectname)", "refs/heads/" + name);
    }

    @Test
    void pushTwiceSecondTimeSendsNothing() {
        CommitResult c = engine.commit(request(edit(1, "one")));
        assertEquals(new PushResult("campaign/x", c.commitSha(), true), engine.push(new PushRequest(url, null, "campaign/x", c.commitSha())));
        assertEquals(new PushResult("campaign/x", c.commitSha(), false), engine.push(new PushRequest(url, null, "campaign/x", c.commitSha())));
        assertEquals(c.commitSha(), branch("campaign/x"));
        assertEquals(c.treeSha(), GitCli.out(remote, "rev-parse", "campaign/x^{tree}"));
    }

    @Test
    void branchHeldByAnotherCommitIsAConflictAndStaysAsItIs() {
        CommitResult mine = engine.commit(request(edit(1, "mine")));
        CommitResult theirs = engine.commit(request(edit(2, "theirs")));
        engine.push(new PushRequest(url, null, "taken", theirs.commitSha()));
        BranchConflictException e = assertThrows(BranchConflictException.class,
                () -> engine.push(new PushRequest(url, null, "taken", mine.commitSha())));
        assertEquals("taken", e.branch());
        assertEquals(theirs.commitSha(), e.remoteSha());
        assertEquals(mine.commitSha(), e.commitSha());
        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("taken") && e.getMessage().contains(theirs.commitSha().substring(0, 12)), e.getMessage());
        assertEquals(theirs.commitSha(), branch("taken"));
    }

    @Test
    void aFreshEngineWithOnlyTheBundlePushes() {
        CommitResult c = engine.commit(request(edit(3, "three")));
        engine.close();
        assertEquals(1, store.size());
        try (GitEngine other = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("another-container")), store)) {
            assertTrue(other.push(new PushRequest(url, null, "fresh", c.commitSha())).pushed());
        }
        assertEquals(c.commitSha(), branch("fresh"));
        GitCli.run(remote, null, "fsck", "--no-progress");
    }

    @Test
    void bundleIsSmallAndAValidGitBundle() throws Exception {
        CommitResult c = engine.commit(request(edit(4, "four")));
        byte[] bundle = store.get("commit/" + c.commitSha()).orElseThrow();
        assertTrue(bundle.length < 1024, "only the new blob, root tree and commit: " + bundle.length + " bytes");
        Path file = tmp.resolve("b.bundle");
        Files.write(file, bundle);
        Path clone = tmp.resolve("check");
        GitCli.run(tmp, null, "clone", "-q", remote.toString(), clone.toString());
        GitCli.run(clone, null, "bundle", "verify", "-q", file.toString());
        GitCli.run(clone, null, "fetch", "-q", file.toString(), "refs/campaigns/commit:refs/heads/from-bundle");
        assertEquals(c.commitSha(), GitCli.out(clone, "rev-parse", "from-bundle"));
    }

    @Test
    void pushWithoutCommitStepHasNoBundle() {
        assertThrows(BundleNotFoundException.class,
                () -> engine.push(new PushRequest(url, null, "b", "0123456789012345678901234567890123456789")));
        assertThrows(InvalidRequestException.class, () -> engine.push(new PushRequest(url, null, "bad..name", base)));
        assertThrows(InvalidRequestException.class, () -> engine.push(new PushRequest(url, null, "b", "abc")));
    }

    @Test
    void pushWorksAfterTheRemoteMainMoved() {
        CommitResult c = engine.commit(request(edit(5, "five")));
        Path clone = tmp.resolve("mover");
        GitCli.run(tmp, null, "clone", "-q", remote.toString(), clone.toString());
        GitCli.run(clone, null, "commit", "-q", "--allow-empty", "-m", "moved on");
        GitCli.run(clone, null, "push", "-q", "origin", "HEAD:main");
        try (GitEngine other = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("c2")), store)) {
            assertTrue(other.push(new PushRequest(url, null, "after-move", c.commitSha())).pushed());
        }
        assertEquals(c.commitSha(), branch("after-move"));
        GitCli.run(remote, null, "fsck", "--no-progress");
    }

    @Test
    void jgitPushModeFollowsTheSameRule() {
        CommitResult c = engine.commit(request(edit(6, "six")));
        CommitResult other = engine.commit(request(edit(7, "seven")));
        try (GitEngine jgit = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("jgit"))
                .withPushMode(GitEngineConfig.PushMode.JGIT), store)) {
            assertTrue(jgit.push(new PushRequest(url, null, "by-jgit", c.commitSha())).pushed());
            assertFalse(jgit.push(new PushRequest(url, null, "by-jgit", c.commitSha())).pushed());
            assertThrows(BranchConflictException.class, () -> jgit.push(new PushRequest(url, null, "by-jgit", other.commitSha())));
        }
        assertEquals(c.commitSha(), branch("by-jgit"));
        assertEquals(c.treeSha(), GitCli.out(remote, "rev-parse", "by-jgit^{tree}"));
        GitCli.run(remote, null, "fsck", "--no-progress");
    }

    @Test
    void leasePushMovesTheBranchOnlyFromTheCampaignsLastCommit() {
        leasePush(engine, "lease-pack");
    }

    @Test
    void leasePushInJGitModeFollowsTheSameRule() {
        try (GitEngine jgit = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("jgit-lease"))
                .withPushMode(GitEngineConfig.PushMode.JGIT), store)) {
            leasePush(jgit, "lease-jgit");
        }
    }

    /**
     * An update's push: a new commit on the same base replaces the campaign's last commit (not a fast-forward) only
     * while the branch still points at it; once someone pushed on top, the push is a conflict naming both commits,
     * and the foreign commit stays.
     */
    private void leasePush(GitEngine e, String name) {
        CommitResult v1 = e.commit(request(edit(1, name + " one")));
        CommitResult v2 = e.commit(request(edit(2, name + " two")));
        CommitResult v3 = e.commit(request(edit(3, name + " three")));
        assertTrue(e.push(new PushRequest(url, null, name, v1.commitSha())).pushed());
        PushRequest update = new PushRequest(url, null, name, v2.commitSha()).withExpectedOld(v1.commitSha());
        assertEquals(new PushResult(name, v2.commitSha(), true), e.push(update));
        assertEquals(v2.commitSha(), branch(name));
        assertEquals(new PushResult(name, v2.commitSha(), false), e.push(update), "a retry of the update sends nothing");
        // without a lease the branch is never moved
        assertThrows(BranchConflictException.class, () -> e.push(new PushRequest(url, null, name, v3.commitSha())));
        // someone pushes on top of the campaign's commit
        Path clone = tmp.resolve("foreign-" + name);
        GitCli.run(tmp, null, "clone", "-q", "-b", name, remote.toString(), clone.toString());
        GitCli.run(clone, null, "-c", "user.name=x", "-c", "user.email=x@example.invalid", "commit", "-q", "--allow-empty", "-m", "foreign");
        GitCli.run(clone, null, "push", "-q", "origin", "HEAD:" + name);
        String foreign = branch(name);
        BranchConflictException c = assertThrows(BranchConflictException.class,
                () -> e.push(new PushRequest(url, null, name, v3.commitSha()).withExpectedOld(v2.commitSha())));
        assertEquals(foreign, c.remoteSha());
        assertTrue(c.getMessage().contains(foreign) && c.getMessage().contains(v2.commitSha()) && c.getMessage().contains(v3.commitSha()),
                c.getMessage());
        assertFalse(c.isTransient());
        assertEquals(foreign, branch(name), "the foreign commit is intact");
        // a lease on a deleted branch does not recreate it
        GitCli.run(remote, null, "update-ref", "-d", "refs/heads/" + name);
        assertThrows(BranchConflictException.class,
                () -> e.push(new PushRequest(url, null, name, v3.commitSha()).withExpectedOld(foreign)));
        assertEquals("", branch(name));
        GitCli.run(remote, null, "fsck", "--no-progress");
    }

    @Test
    void aLeaseIsAFullCommitId() {
        assertThrows(InvalidRequestException.class, () -> new PushRequest(url, null, "b", base, "abc"));
    }

    @Test
    void concurrentInvocationsShareOneEngine() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<CommitResult>> commits = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                commits.add(pool.submit(() -> engine.commit(request(edit(n, "edited " + n)))));
            }
            List<CommitResult> results = new ArrayList<>();
            for (Future<CommitResult> f : commits) {
                results.add(f.get());
            }
            try (GitEngine sequential = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("seq")), new InMemoryBlobStore())) {
                for (int i = 0; i < 8; i++) {
                    assertEquals(sequential.preview(request(edit(i, "edited " + i))), results.get(i));
                }
            }
            // the same commit pushed by four retries at once: one creates the branch, all succeed
            String sha = results.get(0).commitSha();
            List<Future<PushResult>> pushes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                pushes.add(pool.submit(() -> engine.push(new PushRequest(url, null, "race", sha))));
            }
            int created = 0;
            for (Future<PushResult> f : pushes) {
                created += f.get().pushed() ? 1 : 0; // every retry succeeds
            }
            // At most one reports the creation. Exactly one, but for a known gap (docs/git-engine.md): when the
            // winner's report-status is lost, its re-check finds its own commit and reports pushed=false too.
            assertTrue(created <= 1, "pushes that report creating the branch: " + created);
            assertEquals(sha, branch("race"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void branchTipIsWhereTheRemoteBranchPointsOrEmpty() {
        String head = GitCli.out(remote, "symbolic-ref", "--short", "HEAD");
        assertEquals(java.util.Optional.of(base), engine.branchTip(url, null, head));
        assertEquals(java.util.Optional.empty(), engine.branchTip(url, null, "no-such-branch"));
        CommitResult c = engine.commit(request(edit(1, "one")));
        engine.push(new PushRequest(url, null, "campaign/tip", c.commitSha()));
        assertEquals(java.util.Optional.of(c.commitSha()), engine.branchTip(url, null, "campaign/tip"));
        assertThrows(InvalidRequestException.class, () -> engine.branchTip(url, null, "a..b"));
        String missing = tmp.resolve("does-not-exist.git").toUri().toString();
        assertThrows(RepositoryNotFoundException.class, () -> engine.branchTip(missing, null, head));
    }

    @Test
    void missingRevisionAndRepository() {
        RevisionNotFoundException r = assertThrows(RevisionNotFoundException.class, () -> engine.commit(new CommitRequest(url,
                null, "1234567890123456789012345678901234567890", edit(1, "x"), "m", BotIdentity.defaultBot(), WHEN)));
        assertFalse(r.isTransient());
        assertThrows(RevisionNotFoundException.class, () -> engine.commit(new CommitRequest(url, null, "no-such-branch",
                edit(1, "x"), "m", BotIdentity.defaultBot(), WHEN)));
        String missing = tmp.resolve("does-not-exist.git").toUri().toString();
        assertThrows(RepositoryNotFoundException.class, () -> engine.commit(new CommitRequest(missing, null, base,
                edit(1, "x"), "m", BotIdentity.defaultBot(), WHEN)));
        assertThrows(InvalidRequestException.class, () -> engine.commit(new CommitRequest("https://user:secret@example.invalid/r.git",
                null, base, edit(1, "x"), "m", BotIdentity.defaultBot(), WHEN)));
    }

    @Test
    void unreachableRemoteIsTransient() {
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> engine.commit(new CommitRequest(
                "http://127.0.0.1:1/repo.git", new RemoteCredentials("tok-SECRET-123"), base, edit(1, "x"), "m",
                BotIdentity.defaultBot(), WHEN)));
        assertTrue(e.isTransient());
        assertFalse(e.getMessage().contains("tok-SECRET-123"));
    }
}
