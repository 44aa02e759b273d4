package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Where a patch may write, table-tested: textual path rules, and the symbolic link rule on a base tree. */
class PathPolicyTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/etc/passwd | absolute path",
            "\\\\server\\x | absolute path",
            "C:/x | absolute path",
            "a/../b | leaves the repository",
            "./a | leaves the repository",
            "a//b | empty path component",
            ".git/config | inside .git",
            "sub/.GIT/hooks/x | inside .git",
            "sub/.git. /x | inside .git",
            "GIT~1/config | inside .git",
            "a/.g\u200cit/x | unsafe path",
    })
    void refusedPaths(String path, String why) {
        PatchRejectedException e = assertThrows(PatchRejectedException.class, () -> PathPolicy.checkPath(path));
        assertTrue(e.getMessage().contains(why), path + " -> " + e.getMessage());
        assertTrue(e.getMessage().contains(path), "the message names the path: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b/c.txt", ".github/workflows/ci.yml", "x.git", "git", ".gitignore", "dir/..x", "h\u00e9llo w\u00f6rld.txt"})
    void allowedPaths(String path) {
        assertDoesNotThrow(() -> PathPolicy.checkPath(path));
    }

    @Test
    void emptyPathIsRefused() {
        assertThrows(PatchRejectedException.class, () -> PathPolicy.checkPath(""));
    }

    static String add(String path) {
        return "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + path + "\n@@ -0,0 +1 @@\n+x\n";
    }

    static String addLink(String path, String target) {
        return "diff --git a/" + path + " b/" + path + "\nnew file mode 120000\n--- /dev/null\n+++ b/" + path
                + "\n@@ -0,0 +1 @@\n+" + target + "\n\\ No newline at end of file\n";
    }

    @Test
    void noWriteThroughALinkOfTheBaseOrOfThePatch() throws Exception {
        try (MemRepo m = new MemRepo()) {
            BaseTreeView base = m.view(m.tree("link", "link:/etc", "dir/file", "x\n"));
            PatchRejectedException e = assertThrows(PatchRejectedException.class,
                    () -> PathPolicy.checkNoWriteThroughLinks(MemRepo.patch(add("link/passwd")), base));
            assertTrue(e.getMessage().contains("link/passwd") && e.getMessage().contains("(link is a link)"), e.getMessage());
            // a link made by the same patch, before or after the write through it
            assertThrows(PatchRejectedException.class, () -> PathPolicy.checkNoWriteThroughLinks(
                    MemRepo.patch(addLink("made", "/etc") + add("made/passwd")), base));
            assertThrows(PatchRejectedException.class, () -> PathPolicy.checkNoWriteThroughLinks(
                    MemRepo.patch(add("made/passwd") + addLink("made", "/etc")), base));
            // writing into a real folder, or making a link alone, is fine
            assertDoesNotThrow(() -> PathPolicy.checkNoWriteThroughLinks(MemRepo.patch(add("dir/new") + addLink("other", "dir")), base));
        }
    }
}
