package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.junit.jupiter.api.Test;

/** What a patch needs from its base, worked out alone: trees on its paths, blobs to read, spelled-out pre-images. */
class FetchPlanTest {
    static final String FIVE = "1\n2\n3\n4\n5\n";

    static String rewrite(String path, String whole, String to) {
        StringBuilder b = new StringBuilder("diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n@@ -1,"
                + whole.lines().count() + " +1 @@\n");
        whole.lines().forEach(l -> b.append('-').append(l).append('\n'));
        return b.append('+').append(to).append('\n').toString();
    }

    @Test
    void blobsToReadLeaveOutWhatThePatchSpellsOut() throws IOException {
        try (MemRepo m = new MemRepo()) {
            ObjectId root = m.tree("part.txt", FIVE, "whole.txt", "w1\nw2\n", "short.txt", FIVE + "6\n", "gone.txt", "bye\n",
                    "moved.txt", "m\n");
            String diff = MemRepo.modify("part.txt", "@@ -1,4 +1,4 @@", "-1", "+one", " 2", " 3", " 4")   // stops before the end
                    + rewrite("whole.txt", "w1\nw2\n", "new")                                             // the whole file
                    + rewrite("short.txt", FIVE, "new")                     // looks whole, but the file has a sixth line
                    + "diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n"
                    + "diff --git a/moved.txt b/renamed.txt\nsimilarity index 100%\nrename from moved.txt\nrename to renamed.txt\n"
                    + PathPolicyTest.add("added.txt");
            ParsedPatch p = MemRepo.patch(diff);
            FetchPlan plan = new FetchPlan(m.view(root), MemRepo.config().maxBlobBytes());
            assertEquals(Set.of(m.blob(FIVE), m.blob(FIVE + "6\n")), plan.blobsToRead(p),
                    "part.txt, and short.txt whose spelled-out bytes do not have its blob's id");
            assertEquals(Set.of(m.blob("w1\nw2\n"), m.blob("bye\n")), plan.preimages().keySet());
            assertArrayEquals("bye\n".getBytes(StandardCharsets.UTF_8), plan.preimages().get(m.blob("bye\n")));
            // the estimate made before the base is fetched counts part.txt only: short.txt looks whole
            assertEquals(1, FetchPlan.estimatedReads(p));
        }
    }

    @Test
    void spelledOutIsContiguousFromLineOne() {
        ParsedPatch whole = MemRepo.patch(rewrite("f", FIVE, "x"));
        assertArrayEquals(FIVE.getBytes(StandardCharsets.UTF_8), FetchPlan.spelledOut(whole.files.get(0)));
        assertTrue(FetchPlan.likelySpelledOut(whole.files.get(0)));
        ParsedPatch middle = MemRepo.patch(MemRepo.modify("f", "@@ -2,3 +2,3 @@", " 2", "-3", "+three", " 4"));
        assertEquals(null, FetchPlan.spelledOut(middle.files.get(0)));
        assertFalse(FetchPlan.likelySpelledOut(middle.files.get(0)));
        assertFalse(FetchPlan.readsBaseContent(MemRepo.patch(PathPolicyTest.add("n")).files.get(0)));
        assertTrue(FetchPlan.readsBaseContent(middle.files.get(0)));
        assertTrue(FetchPlan.readsBaseContent(MemRepo.patch(BinaryPatchTest.DELTA).files.get(0)));
        assertFalse(FetchPlan.readsBaseContent(MemRepo.patch(BinaryPatchTest.LITERAL).files.get(0)));
    }

    @Test
    void missingTreesOneFolderLevelAtATime() throws IOException {
        try (MemRepo full = new MemRepo(); InMemoryRepository partial = new InMemoryRepository(new DfsRepositoryDescription("partial"));
             ObjectReader reader = partial.newObjectReader()) {
            ObjectId root = full.tree("a/b/c.txt", "c\n", "a/x.txt", "x\n", "other/y.txt", "y\n");
            ParsedPatch p = MemRepo.patch(MemRepo.modify("a/b/c.txt", "@@ -1 +1 @@", "-c", "+C"));
            FetchPlan nothing = new FetchPlan(new BaseTreeView(reader, root, 100), 100);
            assertEquals(List.of(root), List.copyOf(nothing.missingTrees(p)), "nothing cached: the root first");

            copy(full, partial, root);
            BaseTreeView view = new BaseTreeView(reader, root, 100);
            ObjectId a = full.view(root).lookup("a").id();
            assertEquals(List.of(a), List.copyOf(new FetchPlan(view, 100).missingTrees(p)), "the next level on the path, not other/");
            copy(full, partial, a);
            ObjectId b = full.view(root).lookup("a/b").id();
            assertEquals(List.of(b), List.copyOf(new FetchPlan(view, 100).missingTrees(p)));
            copy(full, partial, b);
            assertTrue(new FetchPlan(view, 100).missingTrees(p).isEmpty());
        }
    }

    static void copy(MemRepo from, InMemoryRepository to, ObjectId tree) throws IOException {
        byte[] raw = from.reader.open(tree, Constants.OBJ_TREE).getCachedBytes();
        try (ObjectInserter ins = to.newObjectInserter()) {
            ins.insert(Constants.OBJ_TREE, raw);
            ins.flush();
        }
    }
}
