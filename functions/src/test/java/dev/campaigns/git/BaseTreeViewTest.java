package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.lib.FileMode;
import org.junit.jupiter.api.Test;

/** Reading the base tree alone: entries by path, folders, links and submodules, blobs and their size limit. */
class BaseTreeViewTest {
    static final String SUB = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void entriesByPath() throws IOException {
        try (MemRepo m = new MemRepo()) {
            ObjectId root = m.tree("a/b/c.txt", "c\n", "a/d.txt", "d\n", "top", "t\n", "ln", "link:a", "mod", "gitlink:" + SUB);
            BaseTreeView v = m.view(root);
            assertEquals(m.blob("c\n"), v.lookup("a/b/c.txt").id());
            assertTrue(v.lookup("a/b").isTree());
            assertFalse(v.lookup("a/b").isFile());
            assertTrue(v.lookup("ln").isSymlink());
            assertTrue(v.lookup("mod").isGitlink());
            assertFalse(v.lookup("mod").isFile());
            assertTrue(v.lookup("top").isFile());
            assertNull(v.lookup("a/missing"));
            assertNull(v.lookup("top/below"), "a path through a file is no entry");
            assertEquals(root, v.root());
            assertEquals(2, v.tree(v.lookup("a").id()).size());
        }
    }

    @Test
    void rawNamesAreKeysByteForByte() {
        TreeFormatter f = new TreeFormatter();
        byte[] latin1 = {'c', (byte) 0xe9, '.', 't', 'x', 't'}; // not UTF-8
        ObjectId id = ObjectId.fromString(SUB);
        f.append(latin1, 0, latin1.length, FileMode.REGULAR_FILE, id);
        Map<String, BaseTreeView.Entry> entries = BaseTreeView.parse(f.toByteArray());
        BaseTreeView.Entry e = entries.get(new String(latin1, StandardCharsets.ISO_8859_1));
        assertArrayEquals(latin1, e.name());
        assertEquals(id, e.id());
        // a UTF-8 path's key is its UTF-8 bytes
        assertEquals("h\u00c3\u00a9", PathKeys.key("h\u00e9"));
        assertEquals("h\u00e9", PathKeys.fromKey(PathKeys.key("h\u00e9")));
    }

    @Test
    void blobsWithinTheLimitAndMissingTrees() throws IOException {
        try (MemRepo m = new MemRepo()) {
            ObjectId root = m.tree("big.txt", "0123456789\n");
            BaseTreeView v = new BaseTreeView(m.reader, root, 5);
            PatchTooLargeException e = assertThrows(PatchTooLargeException.class, () -> v.blob("big.txt", v.lookup("big.txt").id()));
            assertTrue(e.getMessage().contains("big.txt") && e.getMessage().contains("11 bytes"), e.getMessage());
            assertArrayEquals("0123456789\n".getBytes(StandardCharsets.UTF_8),
                    m.view(root).blob("big.txt", m.blob("0123456789\n")));
            assertTrue(v.hasTree(root));
            ObjectId absent = ObjectId.fromString(SUB);
            assertFalse(v.hasTree(absent));
            IOException missing = assertThrows(IOException.class, () -> new BaseTreeView(m.reader, absent, 5).lookup("x"));
            assertTrue(missing.getMessage().contains(SUB), missing.getMessage());
        }
    }
}
