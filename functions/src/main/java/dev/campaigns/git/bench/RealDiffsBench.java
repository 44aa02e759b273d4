package dev.campaigns.git.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.blob.InMemoryBlobStore;
import dev.campaigns.git.BotIdentity;
import dev.campaigns.git.CommitRequest;
import dev.campaigns.git.CommitResult;
import dev.campaigns.git.GitEngine;
import dev.campaigns.git.GitEngineConfig;
import dev.campaigns.git.PushRequest;
import dev.campaigns.git.RemoteCredentials;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Benchmark behind {@code bench/realdiffs.sh}: commit and push every entry of a realdiffs corpus with one
 * {@link GitEngine} in one JVM, as warm Lambdas would (fresh base cache, bundles in memory), over file://
 * remotes; then checks every pushed tree against {@code expectedTree} and deletes the branches. Only the loop
 * is timed, like {@code git-baseline.sh} times only its loop.
 *
 * <p>Usage: {@code java -cp campaigns.jar:lib/* dev.campaigns.git.bench.RealDiffsBench OUTDIR}; last line
 * {@code campaigns: N jobs in S s}. Not part of the product: a measuring tool shipped in the jar for convenience.
 */
public final class RealDiffsBench {
    private RealDiffsBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: RealDiffsBench OUTDIR");
            System.exit(2);
        }
        Path out = Path.of(args[0]).toAbsolutePath();
        JsonNode corpus = new ObjectMapper().readTree(out.resolve("corpus.json").toFile());
        Path cache = Files.createTempDirectory("campaigns-bench-cache");
        record Job(int n, String name, Path repo, byte[] diff, String base, String expectedTree) {}
        List<Job> jobs = new ArrayList<>();
        int n = 0;
        for (JsonNode e : corpus) {
            n++;
            jobs.add(new Job(n, e.get("name").asText(), out.resolve(e.get("repo").asText()),
                    Files.readAllBytes(out.resolve(e.get("diff").asText())), e.get("baseRev").asText(), e.get("expectedTree").asText()));
        }
        if (Long.getLong("bench.deltaCache", 0) > 0) {
            org.eclipse.jgit.storage.file.WindowCacheConfig wc = new org.eclipse.jgit.storage.file.WindowCacheConfig();
            wc.setDeltaBaseCacheLimit((int) (long) Long.getLong("bench.deltaCache"));
            wc.setPackedGitLimit(512L << 20);
            wc.install();
        }
        if (!Boolean.getBoolean("bench.cold")) {
            warmUp();
        }
        long cpu0 = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        InMemoryBlobStore store = new InMemoryBlobStore();
        int failed = 0;
        long bundleBytes = 0;
        long t0 = System.nanoTime();
        GitEngineConfig config = GitEngineConfig.defaults().withCacheDir(cache);
        if (Integer.getInteger("bench.level") != null) {
            config = config.withCompression(Integer.getInteger("bench.level"));
        }
        try (GitEngine engine = new GitEngine(config, store)) {
            for (Job j : jobs) {
                String url = j.repo().toUri().toString();
                try {
                    long a = System.nanoTime();
                    CommitResult c = engine.commit(new CommitRequest(url, RemoteCredentials.none(), j.base(), j.diff(),
                            "campaign test-" + j.n() + ": " + j.name(), new BotIdentity("campaign-bot", "campaign-bot@example.invalid"),
                            Instant.parse("2000-01-02T00:00:00Z")));
                    long b = System.nanoTime();
                    engine.push(new PushRequest(url, RemoteCredentials.none(), branch(j.n()), c.commitSha()));
                    if (Boolean.getBoolean("bench.verbose")) {
                        System.out.printf("%2d %-45s commit %5.0f ms, push %5.0f ms%n", j.n(), j.name(), (b - a) / 1e6,
                                (System.nanoTime() - b) / 1e6);
                    }
                    bundleBytes += store.get("commit/" + c.commitSha()).map(x -> x.length).orElse(0);
                } catch (RuntimeException e) {
                    failed++;
                    System.out.println("FAIL " + j.n() + " " + j.name() + ": " + e);
                }
            }
        }
        long t1 = System.nanoTime();
        System.out.printf("cpu %.2f s%n", (((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() - cpu0) / 1e9);
        int ok = 0;
        for (Job j : jobs) {
            try (Repository r = new FileRepositoryBuilder().setGitDir(j.repo().toFile()).setMustExist(true).build();
                 RevWalk rw = new RevWalk(r)) {
                Ref ref = r.exactRef("refs/heads/" + branch(j.n()));
                if (ref != null && rw.parseCommit(ref.getObjectId()).getTree().name().equals(j.expectedTree())) {
                    ok++;
                } else {
                    System.out.println("WRONG TREE " + j.n() + " " + j.name());
                }
                if (ref != null) {
                    RefUpdate u = r.updateRef(ref.getName());
                    u.setForceUpdate(true);
                    u.delete();
                }
            }
        }
        try (Stream<Path> s = Files.walk(cache)) {
            s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
        System.out.printf("pushed trees equal expectedTree: %d of %d (%d jobs failed); bundles %d bytes in all%n",
                ok, jobs.size(), failed, bundleBytes);
        System.out.printf("campaigns: %d jobs in %.2f s%n", jobs.size(), (t1 - t0) / 1e9);
        System.exit(ok == jobs.size() ? 0 : 1);
    }

    /**
     * A warm Lambda has served requests before: load and JIT the code on a synthetic repository (its own engine
     * and cache, nothing shared with the timed run): 300 files of 400 lines, then rounds of patches of every
     * kind the engine handles (partial and whole-file hunks, additions, deletions, renames; few files, read by
     * id, and many, read from a snapshot), each committed and pushed. {@code -Dbench.cold=true} skips it.
     */
    private static void warmUp() throws Exception {
        Path dir = Files.createTempDirectory("campaigns-bench-warmup");
        try {
            Path work = dir.resolve("work");
            String base;
            int files = 300;
            try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init().setDirectory(work.toFile()).call()) {
                for (int f = 0; f < files; f++) {
                    Path p = work.resolve("d" + f % 10 + "/f" + f + ".txt");
                    Files.createDirectories(p.getParent());
                    Files.writeString(p, text(f, -1));
                }
                git.add().addFilepattern(".").call();
                base = git.commit().setMessage("base").setAuthor("w", "w@example.invalid").setCommitter("w", "w@example.invalid")
                        .setSign(false).call().name();
            }
            try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(work.toFile())) {
                git.getRepository().getConfig().setBoolean("uploadpack", null, "allowFilter", true);
                git.getRepository().getConfig().setBoolean("uploadpack", null, "allowAnySHA1InWant", true);
                git.getRepository().getConfig().save();
            }
            String url = work.toUri().toString();
            for (int round = 0; round < 8; round++) {
                // a fresh cache each round, as the first job on a repository; alternately few and many files
                try (GitEngine engine = new GitEngine(GitEngineConfig.defaults().withCacheDir(dir.resolve("cache" + round)),
                        new InMemoryBlobStore())) {
                    StringBuilder patch = new StringBuilder();
                    int touched = round % 2 == 0 ? 5 : 120;
                    for (int t = 0; t < touched; t++) {
                        int f = (round * 37 + t * 7) % files;
                        String path = "d" + f % 10 + "/f" + f + ".txt";
                        patch.append(t % 10 == 9 ? delete(path, text(f, -1)) : edit(path, f, round, t % 3 == 0));
                    }
                    patch.append("diff --git a/new").append(round).append(".txt b/new").append(round)
                            .append(".txt\nnew file mode 100644\n--- /dev/null\n+++ b/new").append(round).append(".txt\n@@ -0,0 +1 @@\n+new\n");
                    CommitResult c = engine.commit(new CommitRequest(url, RemoteCredentials.none(), base,
                            patch.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), "warm-up " + round,
                            BotIdentity.defaultBot(), Instant.EPOCH));
                    engine.push(new PushRequest(url, RemoteCredentials.none(), "warm-up/" + round, c.commitSha()));
                }
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private static String text(int file, int changedLine) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            text.append(i == changedLine ? "changed " : "line ").append(i).append(" of file ").append(file).append('\n');
        }
        return text.toString();
    }

    /** A one-line change at line 200 (three lines of context), or the whole file rewritten. */
    private static String edit(String path, int file, int round, boolean whole) {
        StringBuilder p = new StringBuilder("diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n");
        if (whole) {
            p.append("@@ -1,400 +1,1 @@\n");
            text(file, -1).lines().forEach(l -> p.append('-').append(l).append('\n'));
            p.append("+rewritten in round ").append(round).append('\n');
        } else {
            p.append("@@ -198,7 +198,7 @@\n");
            for (int i = 197; i < 204; i++) {
                String line = "line " + i + " of file " + file;
                p.append(i == 200 ? "-" + line + "\n+changed " + i + " of file " + file + " in round " + round : " " + line).append('\n');
            }
        }
        return p.toString();
    }

    private static String delete(String path, String text) {
        StringBuilder p = new StringBuilder("diff --git a/" + path + " b/" + path + "\ndeleted file mode 100644\n--- a/" + path
                + "\n+++ /dev/null\n@@ -1,400 +0,0 @@\n");
        text.lines().forEach(l -> p.append('-').append(l).append('\n'));
        return p.toString();
    }

    private static String branch(int n) {
        return "campaigns-bench/test-" + n;
    }
}
