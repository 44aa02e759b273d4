package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.campaigns.blob.InMemoryBlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.PacketLineOut;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push of the stored pack over receive-pack ({@link PackPush}): the wire format (advertisement, report-status
 * ok and ng, side-band) and, against a real {@code file://} remote served by JGit's ReceivePack, that the pushed
 * commit's tree is the one git computes, that nothing of the base is fetched, and the fallback when the base
 * is no longer advertised.
 */
class PackPushTest {
    static final Instant WHEN = Instant.parse("2021-03-04T05:06:07Z");
    static final String REF = "refs/heads/campaign/x";

    @TempDir
    Path tmp;

    static byte[] pkt(String... lines) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PacketLineOut p = new PacketLineOut(b);
        for (String l : lines) {
            if (l == null) {
                p.end();
            } else {
                p.writeString(l);
            }
        }
        return b.toByteArray();
    }

    /** One side-band packet on {@code channel}. */
    static byte[] band(int channel, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(String.format("%04x", data.length + 5).getBytes(StandardCharsets.US_ASCII));
        b.write(channel);
        b.write(data);
        return b.toByteArray();
    }

    @Test
    void advertisementOfHttpAndEmptyRepositories() throws IOException {
        String a = "1111111111111111111111111111111111111111";
        String h = "2222222222222222222222222222222222222222";
        PackPush.Advertisement adv = PackPush.readAdvertisement(new ByteArrayInputStream(pkt("# service=git-receive-pack\n", null,
                a + " refs/heads/main\0report-status side-band-64k quiet agent=git/2.40\n", h + " .have\n", null)), true);
        assertEquals(ObjectId.fromString(a), adv.refs().get("refs/heads/main"));
        assertTrue(adv.has(ObjectId.fromString(h)));
        assertFalse(adv.refs().containsKey(".have"));
        assertEquals(List.of("report-status", "side-band-64k", "quiet", "agent=campaigns-git-engine"), PackPush.capabilities(adv));

        PackPush.Advertisement empty = PackPush.readAdvertisement(new ByteArrayInputStream(pkt(
                ObjectId.zeroId().name() + " capabilities^{}\0report-status\n", null)), false);
        assertTrue(empty.refs().isEmpty());
        assertFalse(empty.has(ObjectId.zeroId()));
        assertEquals(List.of("report-status"), PackPush.capabilities(empty));
        assertThrows(IOException.class, () -> PackPush.readAdvertisement(new ByteArrayInputStream(pkt("hello\n", null)), true));
    }

    @Test
    void requestIsTheCreateCommandAFlushAndThePackVerbatim() throws IOException {
        ObjectId commit = ObjectId.fromString("3333333333333333333333333333333333333333");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] pack = "PACK-bytes".getBytes(StandardCharsets.US_ASCII);
        PackPush.writeRequest(out, List.of("report-status", "side-band-64k"), ObjectId.zeroId(), commit, REF, pack);
        String cmd = ObjectId.zeroId().name() + " " + commit.name() + " " + REF + "\0report-status side-band-64k";
        assertEquals(String.format("%04x", cmd.length() + 4) + cmd + "0000PACK-bytes", out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aLeaseRequestCarriesTheExpectedOldValue() throws IOException {
        ObjectId old = ObjectId.fromString("4444444444444444444444444444444444444444");
        ObjectId commit = ObjectId.fromString("3333333333333333333333333333333333333333");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PackPush.writeRequest(out, List.of("report-status"), old, commit, REF, new byte[0]);
        String cmd = old.name() + " " + commit.name() + " " + REF + "\0report-status";
        assertEquals(String.format("%04x", cmd.length() + 4) + cmd + "0000", out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void reportStatusOkNgAndSideBand() throws IOException {
        PackPush.Report ok = PackPush.readReport(new ByteArrayInputStream(pkt("unpack ok\n", "ok " + REF + "\n", null)), false, REF);
        assertTrue(ok.unpackOk() && ok.ok());

        PackPush.Report ng = PackPush.readReport(new ByteArrayInputStream(pkt("unpack ok\n", "ng " + REF + " already exists\n", null)), false, REF);
        assertTrue(ng.unpackOk());
        assertFalse(ng.ok());
        assertEquals("already exists", ng.reason());

        byte[] inner = pkt("unpack missing 4444444444444444444444444444444444444444\n", "ng " + REF + " unpacker error\n", null);
        ByteArrayOutputStream sb = new ByteArrayOutputStream();
        sb.write(band(2, "Resolving deltas: 100%\r".getBytes(StandardCharsets.US_ASCII)));
        sb.write(band(1, java.util.Arrays.copyOfRange(inner, 0, 10)));
        sb.write(band(1, java.util.Arrays.copyOfRange(inner, 10, inner.length)));
        sb.write("0000".getBytes(StandardCharsets.US_ASCII));
        PackPush.Report bad = PackPush.readReport(new ByteArrayInputStream(sb.toByteArray()), true, REF);
        assertFalse(bad.unpackOk());
        assertEquals("missing 4444444444444444444444444444444444444444", bad.unpack());
        assertEquals("unpacker error", bad.reason());

        // a flush-pkt ahead of the report (JGit's ReceivePack under contention) is skipped
        ByteArrayOutputStream lead = new ByteArrayOutputStream();
        lead.write("0000".getBytes(StandardCharsets.US_ASCII));
        lead.write(band(1, pkt("unpack ok\n", "ok " + REF + "\n", null)));
        lead.write("0000".getBytes(StandardCharsets.US_ASCII));
        assertTrue(PackPush.readReport(new ByteArrayInputStream(lead.toByteArray()), true, REF).ok());

        byte[] fatal = band(3, "fatal: the hook refused it\n".getBytes(StandardCharsets.US_ASCII));
        IOException e = assertThrows(IOException.class, () -> PackPush.readReport(new ByteArrayInputStream(fatal), true, REF));
        assertTrue(e.getMessage().contains("the hook refused it"), e.getMessage());
        assertThrows(IOException.class, () -> PackPush.readReport(new ByteArrayInputStream(new byte[0]), false, REF));
    }

    // --- against a file:// remote (JGit's ReceivePack, in process; it advertises side-band-64k) ---

    Path remote;
    String url;
    String base;
    GitEngine engine;
    InMemoryBlobStore store = new InMemoryBlobStore();

    @BeforeEach
    void setUp() {
        if (!GitCli.available()) {
            return;
        }
        WorkRepo work = new WorkRepo(tmp.resolve("work"));
        for (int d = 0; d < 3; d++) {
            for (int i = 0; i < 4; i++) {
                work.write("d" + d + "/f" + i + ".txt", "line one\nline " + d + i + "\n");
            }
        }
        base = work.commit("base");
        remote = tmp.resolve("remote.git");
        GitCli.run(tmp, null, "clone", "-q", "--bare", work.dir.toString(), remote.toString());
        // served like GitHub: filters and objects by id
        GitCli.run(remote, null, "config", "uploadpack.allowFilter", "true");
        GitCli.run(remote, null, "config", "uploadpack.allowAnySHA1InWant", "true");
        url = remote.toUri().toString();
        engine = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("cache")), store);
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    static final byte[] PATCH = ("diff --git a/d1/f2.txt b/d1/f2.txt\n--- a/d1/f2.txt\n+++ b/d1/f2.txt\n@@ -1,2 +1,2 @@\n line one\n-line 12\n+line changed\n"
            + "diff --git a/d2/new.txt b/d2/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/d2/new.txt\n@@ -0,0 +1 @@\n+new\n")
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void pushedTreeEqualsGitsAndTheBaseIsNeverFetchedByThePushStep() throws IOException {
        assumeTrue(GitCli.available(), "git CLI not installed");
        CommitResult c = engine.commit(new CommitRequest(url, RemoteCredentials.none(), base, PATCH, "campaign",
                BotIdentity.defaultBot(), WHEN));
        // the push step in a fresh container: only the bundle
        Path freshCache = tmp.resolve("fresh");
        try (GitEngine fresh = new GitEngine(GitEngineConfig.defaults().withCacheDir(freshCache), store)) {
            assertTrue(fresh.push(new PushRequest(url, RemoteCredentials.none(), "campaign/x", c.commitSha())).pushed());
            assertFalse(fresh.push(new PushRequest(url, RemoteCredentials.none(), "campaign/x", c.commitSha())).pushed());
        }
        assertFalse(Files.exists(freshCache) && Files.list(freshCache).findAny().isPresent(), "the push step fetched something");
        assertEquals(c.commitSha(), GitCli.out(remote, "rev-parse", REF).strip());

        // the tree git computes for the same patch
        Path check = tmp.resolve("check");
        GitCli.run(tmp, null, "clone", "-q", remote.toString(), check.toString());
        Files.write(tmp.resolve("p.diff"), PATCH);
        GitCli.run(check, null, "apply", "--cached", tmp.resolve("p.diff").toString());
        assertEquals(GitCli.out(check, "write-tree").strip(), GitCli.out(remote, "rev-parse", REF + "^{tree}").strip());
        assertEquals("line one\nline changed", GitCli.out(remote, "show", REF + ":d1/f2.txt"));
        GitCli.run(remote, null, "fsck", "--no-progress", "--strict");
    }

    @Test
    void foreignBranchIsAConflictAndNothingIsSent() throws IOException {
        assumeTrue(GitCli.available(), "git CLI not installed");
        CommitResult c = engine.commit(new CommitRequest(url, RemoteCredentials.none(), base, PATCH, "campaign",
                BotIdentity.defaultBot(), WHEN));
        GitCli.run(remote, null, "update-ref", REF, base);
        BranchConflictException e = assertThrows(BranchConflictException.class,
                () -> engine.push(new PushRequest(url, RemoteCredentials.none(), "campaign/x", c.commitSha())));
        assertFalse(e.isTransient());
        assertEquals(base, GitCli.out(remote, "rev-parse", REF).strip());
        try (org.eclipse.jgit.lib.Repository r = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(remote.toFile()).setMustExist(true).build()) {
            assertFalse(r.getObjectDatabase().has(ObjectId.fromString(c.commitSha())), "the pack was sent despite the conflict");
        }
    }
}
