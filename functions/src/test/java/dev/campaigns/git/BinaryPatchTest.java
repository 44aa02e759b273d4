package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

/** Binary hunks alone (diffs made by git diff --binary): literal, delta, id checks, corrupt data, size limit. */
class BinaryPatchTest {
    /** 4096 bytes, byte i = i % 251. */
    static byte[] base() {
        byte[] b = new byte[4096];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    static final ObjectId BASE_ID = ObjectId.fromString("18a43fa7840c37c6e6b89439b05d0427d1bd8d64");
    static final String DELTA = """
            diff --git a/bin b/bin
            index 18a43fa7840c37c6e6b89439b05d0427d1bd8d64..0ef904437dd44d12b4f6ebb8c108c11666066140 100644
            GIT binary patch
            delta 20
            bcmZorXi%7t!pOckkR_O#k#qAyW_K0<J^lrc

            delta 20
            ccmZorXi%7tvN?bygMIS@<{RvjA27!N08tqS@&Et;

            """;
    static final String LITERAL = """
            diff --git a/new.bin b/new.bin
            new file mode 100644
            index 0000000000000000000000000000000000000000..96dddac9339e53e390cafd5b874583095782fb74
            GIT binary patch
            literal 5
            McmZR`OD$&r00Y_qO8@`>

            literal 0
            HcmV?d00001

            """;

    static final BinaryPatch PATCH = new BinaryPatch(MemRepo.config().maxBlobBytes());

    static ParsedPatch.FilePatch file(String diff) {
        return MemRepo.patch(diff).files.get(0);
    }

    @Test
    void literalMakesTheNewContent() {
        assertArrayEquals(new byte[] {0, 'n', 'e', 'w', 0}, PATCH.apply(file(LITERAL), null, null));
    }

    @Test
    void deltaAppliesToItsPreimage() {
        byte[] expected = base();
        expected[100] = 7;
        expected[3000] = 9;
        assertArrayEquals(expected, PATCH.apply(file(DELTA), BASE_ID, base()));
    }

    @Test
    void preAndPostImageIdsAreChecked() {
        // the file is not the blob the patch was made against
        PatchDoesNotApplyException e = assertThrows(PatchDoesNotApplyException.class,
                () -> PATCH.apply(file(DELTA), ObjectId.fromString("1111111111111111111111111111111111111111"), base()));
        assertTrue(e.getMessage().contains("18a43fa7"), e.getMessage());
        // the right id but other bytes: the result's id differs from the one the patch names
        byte[] other = base();
        other[5] = 42;
        PatchDoesNotApplyException post = assertThrows(PatchDoesNotApplyException.class, () -> PATCH.apply(file(DELTA), BASE_ID, other));
        assertTrue(post.getMessage().contains("incorrect result"), post.getMessage());
        // a literal creating a file that exists
        assertThrows(PatchDoesNotApplyException.class, () -> PATCH.apply(file(LITERAL), BASE_ID, null));
    }

    @Test
    void corruptDataAndDeclaredSizesAreRefusedBeforeInflating() {
        assertThrows(MalformedPatchException.class, () -> PATCH.apply(file(LITERAL.replace("literal 5", "literal 6")), null, null));
        assertThrows(MalformedPatchException.class, () -> PATCH.apply(file(LITERAL.replace("McmZR`", "MXmZR`")), null, null));
        PatchTooLargeException big = assertThrows(PatchTooLargeException.class,
                () -> new BinaryPatch(4).apply(file(LITERAL), null, null));
        assertTrue(big.getMessage().contains("5 bytes"), big.getMessage());
        // a delta whose result would exceed the limit: refused from its header, before it is built
        assertThrows(PatchTooLargeException.class, () -> new BinaryPatch(100).apply(file(DELTA), BASE_ID, base()));
    }
}
