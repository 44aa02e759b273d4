package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The text hunk matcher alone: git apply's rules on plain bytes, no repository. */
class HunkApplierTest {
    static String apply(String preimage, String diff) {
        ParsedPatch p = MemRepo.patch(diff);
        return new String(HunkApplier.apply(p.files.get(0), preimage.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    static final String TEN = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";

    @Test
    void appliesAtTheNamedLine() {
        assertEquals("1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n",
                apply(TEN, MemRepo.modify("f", "@@ -4,3 +4,3 @@", " 4", "-5", "+five", " 6")));
    }

    @Test
    void searchesOutwardsFromTheHintWhenLinesMoved() {
        // the hunk says line 2, the context is really at lines 6-8: found by searching forwards
        assertEquals("1\n2\n3\n4\n5\n6\nseven\n8\n9\n10\n",
                apply(TEN, MemRepo.modify("f", "@@ -2,3 +2,3 @@", " 6", "-7", "+seven", " 8")));
        // and backwards
        assertEquals("one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
                apply(TEN, MemRepo.modify("f", "@@ -1,2 +1,2 @@", "-1", "+one", " 2")));
    }

    @Test
    void noFuzzAndAnchors() {
        PatchDoesNotApplyException e = assertThrows(PatchDoesNotApplyException.class,
                () -> apply(TEN, MemRepo.modify("f", "@@ -4,3 +4,3 @@", " 4", "-5", "+five", " 6 ")));
        assertTrue(e.getMessage().contains("f") && e.getMessage().contains("@@ -4,3 +4,3 @@"), e.getMessage());
        // a hunk starting at line 1 must match at the beginning: "3\n4\n" elsewhere is not enough
        assertThrows(PatchDoesNotApplyException.class,
                () -> apply("0\n3\n4\n", MemRepo.modify("f", "@@ -1,2 +1,2 @@", "-3", "+three", " 4")));
        // without trailing context, the hunk must match at the end
        assertThrows(PatchDoesNotApplyException.class,
                () -> apply("a\nb\nc\n", MemRepo.modify("f", "@@ -1,2 +1,2 @@", " a", "-b", "+B")));
        assertEquals("a\nb\nC\n", apply("a\nb\nc\n", MemRepo.modify("f", "@@ -2,2 +2,2 @@", " b", "-c", "+C")));
    }

    @Test
    void crlfAndMissingFinalNewlineAreBytes() {
        assertEquals("a\r\nB\r\n", apply("a\r\nb\r\n", MemRepo.modify("f", "@@ -1,2 +1,2 @@", " a\r", "-b\r", "+B\r")));
        assertThrows(PatchDoesNotApplyException.class,
                () -> apply("a\nb\n", MemRepo.modify("f", "@@ -1,2 +1,2 @@", " a\r", "-b\r", "+B\r")));
        assertEquals("a\nb\n", apply("a\nb", MemRepo.modify("f", "@@ -1,2 +1,2 @@", " a", "-b", "\\ No newline at end of file", "+b")));
    }

    @Test
    void linesWrittenByAnEarlierHunkAreNotMatchedAgain() {
        // the second hunk's lines "e b" match first (searching from its hint) where the first hunk wrote them; those
        // lines are taken, so it goes on to the untouched "e b" further down, as git apply does
        String diff = MemRepo.modify("f", "@@ -1,2 +1,2 @@", "-a", "+e", " b") + "@@ -2,2 +2,2 @@\n-e\n+E\n b\n";
        assertEquals("e\nb\nz\nE\nb\n", apply("a\nb\nz\ne\nb\n", diff));
    }

    @Test
    void splitLinesKeepsEveryByte() {
        assertEquals(3, HunkApplier.splitLines("a\n\nb".getBytes(StandardCharsets.UTF_8)).size());
        assertEquals(0, HunkApplier.splitLines(new byte[0]).size());
    }
}
