package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.campaigns.blob.InMemoryBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test against {@code git apply --cached}: random repositories and random changes (edits anywhere
 * in a file, whole rewrites, deletions, additions, renames, files without a final newline, CRLF lines, empty
 * files, one-line files), diffed by git with 1, 3 and 5 lines of context, must give the engine exactly git's
 * tree. It covers the paths where the engine does not read the base file: hunks that spell the whole file out
 * (checked by blob id) and hunk-less renames; the last rounds' files are long enough (up to 2,400 lines) for the
 * parallel apply of large patches. Seeds are fixed, so a failure names a reproducible case.
 */
class RandomDiffTest {
    static final Instant WHEN = Instant.parse("2022-02-02T02:02:02Z");

    @TempDir
    Path tmp;

    static Stream<Arguments> rounds() {
        List<Arguments> out = new ArrayList<>();
        for (long seed = 1; seed <= 12; seed++) {
            out.add(Arguments.of(seed, new int[] {1, 3, 5}[(int) (seed % 3)]));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "seed {0}, -U{1}")
    @MethodSource("rounds")
    void theEngineGivesGitApplysTree(long seed, int context) {
        assumeTrue(GitCli.available(), "git CLI not installed");
        Random random = new Random(seed);
        WorkRepo repo = new WorkRepo(tmp.resolve("work"));
        int files = 40;
        List<String> contents = new ArrayList<>();
        int scale = seed > 9 ? 40 : 1;
        for (int f = 0; f < files; f++) {
            String text = randomText(random, f, scale);
            contents.add(text);
            repo.write(path(f), text);
        }
        String base = repo.commit("base");
        for (int f = 0; f < files; f++) {
            String text = contents.get(f);
            switch (random.nextInt(8)) {
                case 0 -> repo.delete(path(f));
                case 1 -> repo.write(path(f), randomText(random, f + 1000, scale));                 // rewrite
                case 2 -> {                                                                             // rename
                    repo.delete(path(f));
                    repo.write("moved/" + path(f), random.nextBoolean() ? text : edit(random, text));
                }
                case 3 -> repo.write(path(f), text.endsWith("\n") ? text.substring(0, text.length() - 1) : text + "\n");
                case 4, 5, 6 -> repo.write(path(f), edit(random, text));
                default -> {
                }
            }
        }
        repo.write("added/new-" + seed + ".txt", randomText(random, 7, 1));
        byte[] patch = repo.stagedDiff("--binary", "-M", "-U" + context);
        String expected = repo.gitApply(base, patch);
        try (GitEngine engine = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("cache")), new InMemoryBlobStore())) {
            CommitResult r = engine.preview(new CommitRequest(repo.url(), RemoteCredentials.none(), base, patch, "random",
                    BotIdentity.defaultBot(), WHEN));
            assertEquals(expected, r.treeSha(), () -> "seed " + seed + ", -U" + context + ": tree differs from git apply for\n"
                    + new String(patch, StandardCharsets.UTF_8));
        }
    }

    private static String path(int f) {
        return "d" + f % 4 + "/file " + f + ".txt";
    }

    /** 0 to 60 × scale lines, sometimes CRLF, sometimes without a final newline, sometimes one long line or empty. */
    private static String randomText(Random random, int salt, int scale) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return "";
        }
        if (kind == 1) {
            return "one line " + salt + " " + "x".repeat(random.nextInt(500));
        }
        String eol = kind == 2 ? "\r\n" : "\n";
        int lines = 1 + random.nextInt(60 * scale);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            // few distinct lines, so hunks can match at more than one place
            b.append("line ").append(random.nextInt(12)).append(scale > 1 ? " of a long file, padded so its hunks are large" : "")
                    .append(eol);
        }
        if (random.nextInt(4) == 0) {
            b.setLength(b.length() - eol.length());
        }
        return b.toString();
    }

    /** Replaces, inserts or removes a few lines anywhere. */
    private static String edit(Random random, String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("(?<=\n)", -1)));
        lines.removeIf(String::isEmpty);
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            int at = lines.isEmpty() ? 0 : random.nextInt(lines.size());
            switch (random.nextInt(3)) {
                case 0 -> lines.add(at, "inserted " + random.nextInt(1000) + "\n");
                case 1 -> {
                    if (!lines.isEmpty()) {
                        lines.remove(at);
                    }
                }
                default -> {
                    if (!lines.isEmpty()) {
                        String old = lines.get(at);
                        lines.set(at, "changed " + random.nextInt(1000) + (old.endsWith("\n") ? "\n" : ""));
                    }
                }
            }
        }
        return String.join("", lines);
    }
}
