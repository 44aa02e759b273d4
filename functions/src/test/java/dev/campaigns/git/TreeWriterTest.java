package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

/** The new trees alone: the ids equal those JGit's DirCache writes for the same files (git's order, no empty trees). */
class TreeWriterTest {
    static final int FILE = FileMode.REGULAR_FILE.getBits();

    @Test
    void writesTheTreeGitWouldAndOnlyTheChangedFolders() throws IOException {
        try (MemRepo m = new MemRepo()) {
            ObjectId root = m.tree("a/x.txt", "x\n", "a.txt", "t\n", "keep/k", "k\n", "old/only", "o\n");
            TreeWriter w = new TreeWriter(m.view(root));
            w.put("a/new/deep.txt", FILE, m.blob("deep\n"));
            w.put("a0", FILE, m.blob("zero\n"));     // '0' sorts after "a/" but "a.txt" before it
            w.delete("old/only");                     // the folder disappears with its last file
            NewObjects out = new NewObjects();
            ObjectId written = w.write(out);
            assertEquals(m.tree("a/x.txt", "x\n", "a/new/deep.txt", "deep\n", "a.txt", "t\n", "a0", "zero\n", "keep/k", "k\n"), written);
            // written: the root, a/ and a/new/; keep/ is referenced by its base id
            assertEquals(3, out.all().size());
            assertNull(out.get(m.view(root).lookup("keep").id()));
        }
    }

    @Test
    void filesAfterTheChangesAndNothingChanged() throws IOException {
        try (MemRepo m = new MemRepo()) {
            ObjectId root = m.tree("f", "1\n", "d/g", "2\n");
            TreeWriter w = new TreeWriter(m.view(root));
            assertEquals(m.blob("1\n"), w.file("f").id());
            assertNull(w.file("d"), "a folder is not a file");
            w.delete("f");
            assertNull(w.file("f"));
            w.put("f", FILE, m.blob("again\n"));
            assertEquals(m.blob("again\n"), w.file("f").id());
            assertEquals(root, new TreeWriter(m.view(root)).write(new NewObjects()), "no change: the base tree itself");
            TreeWriter all = new TreeWriter(m.view(root));
            all.delete("f");
            all.delete("d/g");
            assertEquals(ObjectId.fromString("4b825dc642cb6eb9a060e54bf8d69288fbee4904"), all.write(new NewObjects()), "git's empty tree");
        }
    }

    @Test
    void fileAndFolderOfOneName() throws IOException {
        try (MemRepo m = new MemRepo()) {
            ObjectId root = m.tree("d/g", "2\n", "f", "1\n");
            TreeWriter fileOverFolder = new TreeWriter(m.view(root));
            fileOverFolder.put("d", FILE, m.blob("x\n"));
            PatchDoesNotApplyException e = assertThrows(PatchDoesNotApplyException.class, () -> fileOverFolder.write(new NewObjects()));
            assertTrue(e.getMessage().contains("a directory of that name exists"), e.getMessage());

            TreeWriter folderOverFile = new TreeWriter(m.view(root));
            folderOverFile.put("f/under", FILE, m.blob("x\n"));
            e = assertThrows(PatchDoesNotApplyException.class, () -> folderOverFile.write(new NewObjects()));
            assertTrue(e.getMessage().contains("is a file"), e.getMessage());

            // the folder emptied and a file put in its place in one patch: allowed, as git allows it
            TreeWriter replace = new TreeWriter(m.view(root));
            replace.delete("d/g");
            replace.put("d", FILE, m.blob("x\n"));
            assertEquals(m.tree("d", "x\n", "f", "1\n"), replace.write(new NewObjects()));
        }
    }
}
