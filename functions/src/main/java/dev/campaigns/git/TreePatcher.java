package dev.campaigns.git;

import static org.eclipse.jgit.lib.Constants.OBJ_BLOB;

import dev.campaigns.git.BaseTreeView.Entry;
import dev.campaigns.git.ParsedPatch.FilePatch;
import dev.campaigns.git.ParsedPatch.Hunk;
import dev.campaigns.git.ParsedPatch.Line;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.diff.DiffEntry.ChangeType;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.patch.FileHeader.PatchType;

/**
 * Applies a {@link ParsedPatch} to a base tree without a worktree or an index, with the semantics of
 * {@code git apply --cached}: file patches in order, each seeing the results of those before it; files to
 * change must exist and files to create must not; deletions must empty the file; modes and types must agree.
 * The parts it puts together each hold one rule:
 * <ul>
 *   <li>{@link PathPolicy}: where a patch may write (no write through a symbolic link);</li>
 *   <li>{@link BaseTreeView}: the base's entries and blobs; {@link FetchPlan}'s spelled-out pre-images stand in
 *       for blobs never fetched;</li>
 *   <li>{@link HunkApplier}: text hunks; {@link BinaryPatch}: literal and delta binary hunks;</li>
 *   <li>{@link TreeWriter}: the changed files and the new trees (only those on touched paths are rewritten).</li>
 * </ul>
 * New blobs and trees go to {@link NewObjects}, never to the repository.
 *
 * <p>A large patch's text files are applied ahead of their turn on {@link ParallelWork} (see {@link #prepare}).
 */
final class TreePatcher {
    /** Patches below this size of hunks are applied on the calling thread alone. */
    static final long PARALLEL_PATCH_BYTES = 256 << 10;
    /** Patches changing fewer text files than this are applied on the calling thread alone. */
    static final int PARALLEL_PATCH_FILES = 8;
    private static final byte[] SUBPROJECT = "Subproject commit ".getBytes(StandardCharsets.US_ASCII);

    private final BaseTreeView base;
    private final Map<ObjectId, byte[]> preimages;
    private final NewObjects out;
    private final long maxBlobBytes;
    private final BinaryPatch binary;
    private final ParallelWork parallel;
    private final TreeWriter tree;

    /**
     * @param preimages base blobs the patch spells out whole ({@link FetchPlan#preimages}), used in place of
     *                  reading them
     */
    TreePatcher(BaseTreeView base, Map<ObjectId, byte[]> preimages, NewObjects out, long maxBlobBytes, ParallelWork parallel) {
        this.base = base;
        this.preimages = preimages;
        this.out = out;
        this.maxBlobBytes = maxBlobBytes;
        this.binary = new BinaryPatch(maxBlobBytes);
        this.parallel = parallel;
        this.tree = new TreeWriter(base);
    }

    /** Applies every file patch, then writes the new trees; returns the new root tree id. */
    ObjectId apply(ParsedPatch patch) throws IOException {
        PathPolicy.checkNoWriteThroughLinks(patch, base);
        Prepared[] ready = prepare(patch);
        for (int i = 0; i < patch.files.size(); i++) {
            applyFile(patch.files.get(i), ready[i]);
        }
        return tree.write(out);
    }

    /** A text file patch applied ahead of its turn to the base blob {@code preimage}: its result and blob id. */
    record Prepared(ObjectId preimage, byte[] result, ObjectId id) {}

    /**
     * Applies a large patch's text hunks to base files ahead of time, on the calling thread and the engine's
     * helper threads (each with its own object reader): matching hunks, building results and hashing them are
     * independent per file. The patch is still applied in order afterwards, and a prepared result is used only
     * if the file's content at its turn is still the base blob it was computed from; anything that failed here
     * (a hunk that does not apply, a file too large) is simply done again in order, which raises the error in
     * its place. Returns one slot per file patch, null where nothing was prepared.
     */
    Prepared[] prepare(ParsedPatch patch) throws IOException {
        List<FilePatch> files = patch.files;
        Prepared[] ready = new Prepared[files.size()];
        long bytes = 0;
        List<Integer> todo = new ArrayList<>();
        List<Entry> bases = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            FilePatch fp = files.get(i);
            if (fp.patchType() != PatchType.UNIFIED || fp.hunks().isEmpty() || fp.type() == ChangeType.ADD || fp.oldPath() == null) {
                continue;
            }
            Entry e = base.lookup(PathKeys.key(fp.oldPath()));
            if (e == null || !e.isFile()) {
                continue;
            }
            todo.add(i);
            bases.add(e);
            for (Hunk h : fp.hunks()) {
                for (Line l : h.pre()) {
                    bytes += l.len();
                }
            }
        }
        if (parallel.parallelism() < 2 || todo.size() < PARALLEL_PATCH_FILES || bytes < PARALLEL_PATCH_BYTES) {
            return ready;
        }
        AtomicInteger next = new AtomicInteger();
        ObjectReader mine = base.reader();
        parallel.run(todo.size() - 1, callingThread -> {
            try (ObjectReader r = callingThread ? null : mine.newReader()) {
                ObjectReader reader = callingThread ? mine : r;
                MessageDigest digest = NewObjects.newSha1();
                for (int t = next.getAndIncrement(); t < todo.size(); t = next.getAndIncrement()) {
                    Entry e = bases.get(t);
                    FilePatch fp = files.get(todo.get(t));
                    try {
                        byte[] result = HunkApplier.apply(fp, content(PathKeys.key(fp.oldPath()), e, reader));
                        ready[todo.get(t)] = new Prepared(e.id(), result, NewObjects.idFor(digest, OBJ_BLOB, result));
                    } catch (IOException | RuntimeException ignored) {
                        // done again in order, where the error is raised
                    }
                }
            }
        });
        return ready;
    }

    // ---- one file ------------------------------------------------------------------------------------

    private void applyFile(FilePatch fp, Prepared prepared) throws IOException {
        String display = fp.path();
        Entry old = null;
        if (fp.type() != ChangeType.ADD) {
            old = tree.file(PathKeys.key(fp.oldPath()));
            if (old == null) {
                throw new PatchDoesNotApplyException(fp.oldPath(), null, "does not exist in the base tree");
            }
            if (fp.oldMode() != null && typeOf(fp.oldMode().getBits()) != typeOf(old.mode())) {
                throw new PatchDoesNotApplyException(fp.oldPath(), null, "wrong type: the patch expects mode "
                        + fp.oldMode() + ", the tree has " + Integer.toOctalString(old.mode()));
            }
        }
        if (fp.type() == ChangeType.ADD || fp.type() == ChangeType.RENAME || fp.type() == ChangeType.COPY) {
            if (tree.file(PathKeys.key(fp.newPath())) != null) {
                throw new PatchDoesNotApplyException(fp.newPath(), null, "already exists in the base tree");
            }
        }
        int newMode;
        if (fp.type() == ChangeType.DELETE) {
            newMode = 0;
        } else if (fp.newMode() != null) {
            newMode = fp.newMode().getBits();
        } else {
            newMode = old != null ? old.mode() : FileMode.REGULAR_FILE.getBits();
        }
        if (old != null && newMode != 0 && typeOf(newMode) != typeOf(old.mode())) {
            throw new PatchDoesNotApplyException(display, null, "new mode " + Integer.toOctalString(newMode)
                    + " does not match old mode " + Integer.toOctalString(old.mode()));
        }

        boolean empty;
        ObjectId id = null;
        if (fp.patchType() == PatchType.BINARY) {
            throw new PatchDoesNotApplyException(display, null,
                    "binary change without data (\"Binary files differ\"): make the diff with git diff --binary");
        } else if (fp.patchType() != PatchType.GIT_BINARY && fp.hunks().isEmpty() && old != null) {
            // rename, copy, mode change or removal without hunks: the content stays the base blob, unread
            empty = old.id().equals(Constants.EMPTY_BLOB_ID);
            id = old.id();
        } else {
            byte[] result;
            ObjectId resultId = null;
            if (fp.patchType() == PatchType.GIT_BINARY) {
                byte[] preimage = FetchPlan.readsBaseContent(fp) ? content(PathKeys.key(fp.oldPath()), old, base.reader()) : null;
                result = binary.apply(fp, old == null ? null : old.id(), preimage);
            } else if (prepared != null && old != null && old.id().equals(prepared.preimage())) {
                result = prepared.result();
                resultId = prepared.id();
            } else {
                result = HunkApplier.apply(fp, old == null ? new byte[0] : content(PathKeys.key(fp.oldPath()), old, base.reader()));
            }
            if (result.length > maxBlobBytes) {
                throw new PatchTooLargeException(display + ": result is " + result.length + " bytes, the limit is " + maxBlobBytes);
            }
            empty = result.length == 0;
            if (fp.type() != ChangeType.DELETE) {
                id = newMode == BaseTreeView.GITLINK ? parseGitlink(display, result)
                        : resultId != null ? out.add(OBJ_BLOB, result, resultId) : out.add(OBJ_BLOB, result);
            }
        }

        if (fp.type() == ChangeType.DELETE) {
            if (!empty) {
                throw new PatchDoesNotApplyException(display, null, "removal patch leaves file contents");
            }
            tree.delete(PathKeys.key(fp.oldPath()));
            return;
        }
        if (fp.type() == ChangeType.RENAME) {
            tree.delete(PathKeys.key(fp.oldPath()));
        }
        tree.put(PathKeys.key(fp.newPath()), FileMode.fromBits(newMode).getBits(), id);
    }

    private static int typeOf(int mode) {
        return mode & 0170000;
    }

    /**
     * The content of {@code e} (at key {@code k}, for messages) as the patch sees it: a submodule's
     * {@code Subproject commit} line, a blob this patch made, a pre-image the patch spelled out, or the base
     * blob read through {@code r}.
     */
    private byte[] content(String k, Entry e, ObjectReader r) throws IOException {
        if (e.isGitlink()) {
            return ("Subproject commit " + e.id().name() + "\n").getBytes(StandardCharsets.US_ASCII);
        }
        NewObjects.Obj made = out.get(e.id());
        if (made != null) {
            return made.data();
        }
        byte[] spelled = preimages.get(e.id());
        if (spelled != null) {
            return spelled;
        }
        return base.blob(k, e.id(), r);
    }

    private static ObjectId parseGitlink(String path, byte[] text) {
        int n = text.length;
        if (n > 0 && text[n - 1] == '\n') {
            n--;
        }
        if (n != SUBPROJECT.length + Constants.OBJECT_ID_STRING_LENGTH
                || !Arrays.equals(text, 0, SUBPROJECT.length, SUBPROJECT, 0, SUBPROJECT.length)) {
            throw new PatchDoesNotApplyException(path, null, "corrupt patch for submodule");
        }
        String hex = new String(text, SUBPROJECT.length, Constants.OBJECT_ID_STRING_LENGTH, StandardCharsets.US_ASCII);
        if (!ObjectId.isId(hex)) {
            throw new PatchDoesNotApplyException(path, null, "corrupt patch for submodule");
        }
        return ObjectId.fromString(hex);
    }
}
