package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * The patcher's file-level rules and its parallel pre-apply on an injected executor, on in-memory trees: the same
 * tree whether files are prepared ahead or not, a prepared result never used once its file changed, and the error
 * of the first file that does not apply.
 */
class TreePatcherTest {
    static final int FILES = TreePatcher.PARALLEL_PATCH_FILES + 2;
    static final int LINES = (int) (TreePatcher.PARALLEL_PATCH_BYTES / FILES / 8) + 10;

    /** Each file: LINES lines "fNN-LLLLL\n"-like (at least 8 bytes each). */
    static String content(int f) {
        StringBuilder b = new StringBuilder();
        for (int l = 0; l < LINES; l++) {
            b.append(String.format("f%02d-%05d%n", f, l).replace("\r", ""));
        }
        return b.toString();
    }

    /** A large patch: every file rewritten whole (its pre-image lines count towards the parallel threshold). */
    static String largePatch(int broken) {
        StringBuilder diff = new StringBuilder();
        for (int f = 0; f < FILES; f++) {
            String text = content(f);
            StringBuilder hunk = new StringBuilder();
            text.lines().forEach(l -> hunk.append('-').append(l).append('\n'));
            if (f == broken) {
                hunk.setLength(hunk.length() - 1);
                hunk.append("x\n"); // its last removed line is not in the file
            }
            hunk.append("+rewritten ").append(f).append('\n');
            diff.append("diff --git a/f").append(f).append(" b/f").append(f).append("\n--- a/f").append(f).append("\n+++ b/f").append(f)
                    .append("\n@@ -1,").append(LINES).append(" +1 @@\n").append(hunk);
        }
        return diff.toString();
    }

    static ObjectId base(MemRepo m) {
        List<String> files = new ArrayList<>();
        for (int f = 0; f < FILES; f++) {
            files.add("f" + f);
            files.add(content(f));
        }
        return m.tree(files.toArray(String[]::new));
    }

    static TreePatcher patcher(MemRepo m, ObjectId root, ParallelWork parallel) {
        return new TreePatcher(m.view(root), Map.of(), new NewObjects(), MemRepo.config().maxBlobBytes(), parallel);
    }

    @Test
    void largePatchesArePreparedOnTheInjectedExecutorWithTheSameResult() throws IOException {
        try (MemRepo m = new MemRepo()) {
            ObjectId root = base(m);
            ParsedPatch patch = MemRepo.patch(largePatch(-1));
            AtomicInteger helpers = new AtomicInteger();
            // an executor that runs each helper at once, before the calling thread starts: helpers do all the work
            ParallelWork inline = new ParallelWork(r -> {
                helpers.incrementAndGet();
                r.run();
            }, 3);
            TreePatcher.Prepared[] ready = patcher(m, root, inline).prepare(patch);
            assertEquals(2, helpers.get(), "parallelism 3: two helpers on the injected executor");
            for (TreePatcher.Prepared p : ready) {
                assertNotNull(p, "every text file prepared ahead");
            }
            assertEquals(m.blob("rewritten 3\n"), ready[3].id());

            ObjectId parallelTree = patcher(m, root, inline).apply(patch);
            ObjectId sequentialTree = patcher(m, root, ParallelWork.pool(1)).apply(patch);
            assertEquals(sequentialTree, parallelTree);
            List<String> expected = new ArrayList<>();
            for (int f = 0; f < FILES; f++) {
                expected.add("f" + f);
                expected.add("rewritten " + f + "\n");
            }
            assertEquals(m.tree(expected.toArray(String[]::new)), parallelTree);
        }
    }

    @Test
    void smallPatchesAndParallelismOneStayOnTheCallingThread() throws IOException {
        try (MemRepo m = new MemRepo()) {
            ObjectId root = base(m);
            AtomicInteger helpers = new AtomicInteger();
            ParallelWork counting = new ParallelWork(r -> {
                helpers.incrementAndGet();
                r.run();
            }, 4);
            TreePatcher.Prepared[] ready = patcher(m, root, counting).prepare(MemRepo.patch(MemRepo.modify("f1", "@@ -1 +1 @@", "-f01-00000", "+x")));
            assertNull(ready[0]);
            assertEquals(0, helpers.get());
            for (TreePatcher.Prepared p : patcher(m, root, ParallelWork.pool(1)).prepare(MemRepo.patch(largePatch(-1)))) {
                assertNull(p);
            }
        }
    }

    @Test
    void theFirstFileThatDoesNotApplyIsNamedEvenWhenPreparedAhead() throws IOException {
        try (MemRepo m = new MemRepo()) {
            ObjectId root = base(m);
            ParallelWork inline = new ParallelWork(Runnable::run, 4);
            PatchDoesNotApplyException e = assertThrows(PatchDoesNotApplyException.class,
                    () -> patcher(m, root, inline).apply(MemRepo.patch(largePatch(5))));
            assertTrue(e.getMessage().startsWith("f5"), e.getMessage());
        }
    }

    @Test
    void aPreparedResultIsUsedOnlyWhileItsFileIsStillTheBase() throws IOException {
        try (MemRepo m = new MemRepo()) {
            ObjectId root = base(m);
            // f2 patched twice: first its first line, then its last line. The second patch also applies to the base,
            // so it is prepared ahead against it; at its turn f2 is no longer the base, and it must be redone in
            // order (using the prepared result would lose the first change)
            String large = largePatch(-1);
            int from = large.indexOf("diff --git a/f2 ");
            int to = large.indexOf("diff --git a/f3 ");
            String last = String.format("f02-%05d", LINES - 1);
            String twice = large.substring(0, from)
                    + MemRepo.modify("f2", "@@ -1,2 +1,2 @@", "-f02-00000", "+first", " f02-00001")
                    + large.substring(to)
                    + MemRepo.modify("f2", "@@ -" + (LINES - 1) + ",2 +" + (LINES - 1) + ",2 @@",
                            String.format(" f02-%05d", LINES - 2), "-" + last, "+last");
            ParsedPatch patch = MemRepo.patch(twice);
            TreePatcher.Prepared[] ready = patcher(m, root, new ParallelWork(Runnable::run, 4)).prepare(patch);
            assertNotNull(ready[ready.length - 1], "the second patch of f2 was prepared against the base");

            NewObjects out = new NewObjects();
            ObjectId tree = new TreePatcher(m.view(root), Map.of(), out, MemRepo.config().maxBlobBytes(), new ParallelWork(Runnable::run, 4))
                    .apply(patch);
            String expected = content(2).replace("f02-00000\n", "first\n").replace(last + "\n", "last\n");
            assertEquals(m.blob(expected), BaseTreeView.parse(out.get(tree).data()).get("f2").id());
        }
    }

    @Test
    void fileLevelRules() throws IOException {
        try (MemRepo m = new MemRepo()) {
            ObjectId root = m.tree("a.txt", "a\n", "empty", "");
            ParallelWork one = ParallelWork.pool(1);
            assertThrows(PatchDoesNotApplyException.class, () -> patcher(m, root, one).apply(MemRepo.patch(PathPolicyTest.add("a.txt"))),
                    "creating a file that exists");
            assertThrows(PatchDoesNotApplyException.class, () -> patcher(m, root, one).apply(
                    MemRepo.patch(MemRepo.modify("missing", "@@ -1 +1 @@", "-a", "+b"))), "changing a file that does not exist");
            PatchDoesNotApplyException left = assertThrows(PatchDoesNotApplyException.class, () -> patcher(m, root, one).apply(MemRepo.patch(
                    "diff --git a/a.txt b/a.txt\ndeleted file mode 100644\n--- a/a.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-b\n")));
            assertTrue(left.getMessage().contains("a.txt"), left.getMessage());
            PatchDoesNotApplyException binary = assertThrows(PatchDoesNotApplyException.class, () -> patcher(m, root, one).apply(MemRepo.patch(
                    "diff --git a/a.txt b/a.txt\nindex 1111111..2222222 100644\nBinary files a/a.txt and b/a.txt differ\n")));
            assertTrue(binary.getMessage().contains("--binary"), binary.getMessage());
            // a hunk-less rename keeps the blob unread; removing an empty file needs no hunk
            ObjectId renamed = patcher(m, root, one).apply(MemRepo.patch(
                    "diff --git a/a.txt b/b.txt\nsimilarity index 100%\nrename from a.txt\nrename to b.txt\n"
                            + "diff --git a/empty b/empty\ndeleted file mode 100644\n"));
            assertEquals(m.tree("b.txt", "a\n"), renamed);
        }
    }
}
