package dev.campaigns.git;

import static org.eclipse.jgit.lib.Constants.OBJ_BLOB;
import static org.eclipse.jgit.lib.Constants.OBJ_TREE;

import dev.campaigns.git.ParsedPatch.FilePatch;
import dev.campaigns.git.ParsedPatch.Hunk;
import dev.campaigns.git.ParsedPatch.Line;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.InflaterInputStream;
import org.eclipse.jgit.diff.DiffEntry.ChangeType;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.patch.BinaryHunk;
import org.eclipse.jgit.patch.FileHeader.PatchType;
import org.eclipse.jgit.util.RawParseUtils;
import org.eclipse.jgit.util.io.BinaryDeltaInputStream;
import org.eclipse.jgit.util.io.BinaryHunkInputStream;

/**
 * Applies a {@link ParsedPatch} to a base tree without a worktree or an index, with the semantics of
 * {@code git apply --cached}: hunks must match exactly (no fuzz), at an offset searched outwards from the line
 * the hunk names; a hunk starting at line 1 must match at the beginning, one without trailing context at the
 * end; files to change must exist and files to create must not; binary patches are checked against the
 * pre- and post-image ids. File patches are applied in order, each seeing the results of those before it.
 *
 * <p>Only the trees on the paths the patch touches are read and rewritten, so the work follows the size of
 * the change, not of the repository. New blobs and trees go to {@link NewObjects}, never to the repository.
 */
final class TreePatcher {
    private static final int GITLINK = FileMode.GITLINK.getBits();
    private static final int SYMLINK = FileMode.SYMLINK.getBits();
    private static final int TREE = FileMode.TREE.getBits();
    private static final byte[] SUBPROJECT = "Subproject commit ".getBytes(StandardCharsets.US_ASCII);

    /** A tree entry: raw name bytes (may be any encoding), mode bits, object id. */
    record Entry(byte[] name, int mode, ObjectId id) {
        boolean isTree() {
            return (mode & 0170000) == TREE;
        }
    }

    private static final Entry DELETED = new Entry(new byte[0], 0, ObjectId.zeroId());

    private final ObjectReader reader;
    private final NewObjects out;
    private final GitEngineConfig config;
    private final ObjectId baseTree;
    private final Map<ObjectId, Map<String, Entry>> treeCache = new HashMap<>();
    /** Base blobs whose exact content the patch spells out (see {@link #baseBlobs}), by id. */
    private final Map<ObjectId, byte[]> described = new HashMap<>();
    private final java.security.MessageDigest sha1 = NewObjects.newSha1();
    /** Path (bytes as ISO-8859-1 chars) -> what the patch made of it so far; DELETED for removals. */
    private final TreeMap<String, Entry> changes = new TreeMap<>();

    TreePatcher(ObjectReader reader, NewObjects out, GitEngineConfig config, ObjectId baseTree) {
        this.reader = reader;
        this.out = out;
        this.config = config;
        this.baseTree = baseTree;
    }

    /** Applies every file patch, then writes the new trees; returns the new root tree id. */
    ObjectId apply(ParsedPatch patch) throws IOException {
        checkSymlinks(patch);
        Prepared[] ready = prepare(patch);
        for (int i = 0; i < patch.files.size(); i++) {
            applyFile(patch.files.get(i), ready[i]);
        }
        ObjectId root = writeTree("", baseTree);
        return root == null ? out.add(OBJ_TREE, new byte[0]) : root;
    }

    /** A text file patch applied ahead of its turn to the base blob {@code preimage}: its result and blob id. */
    private record Prepared(ObjectId preimage, byte[] result, ObjectId id) {}

    /** Patches below this size are applied on the calling thread alone. */
    private static final long PARALLEL_PATCH_BYTES = 256 << 10;

    /**
     * Applies a large patch's text hunks to base files ahead of time, on the available processors (the calling
     * thread and the common pool, each with its own object reader): matching hunks, building results and hashing
     * them are independent per file. The patch is still applied in order afterwards, and a prepared result is
     * used only if the file's content at its turn is still the base blob it was computed from; anything that
     * failed here (a hunk that does not apply, a file too large) is simply done again in order, which raises
     * the error in its place.
     */
    private Prepared[] prepare(ParsedPatch patch) throws IOException {
        List<FilePatch> files = patch.files;
        Prepared[] ready = new Prepared[files.size()];
        int workers = Math.min(4, Runtime.getRuntime().availableProcessors());
        long bytes = 0;
        List<Integer> todo = new ArrayList<>();
        List<Entry> bases = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            FilePatch fp = files.get(i);
            if (fp.patchType() != PatchType.UNIFIED || fp.hunks().isEmpty() || fp.type() == ChangeType.ADD || fp.oldPath() == null) {
                continue;
            }
            Entry e = lookupBase(key(fp.oldPath()));
            if (e == null || e.isTree() || e.mode() == GITLINK) {
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
        if (workers < 2 || todo.size() < 8 || bytes < PARALLEL_PATCH_BYTES) {
            return ready;
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Consumer<ObjectReader> work = r -> {
            java.security.MessageDigest digest = NewObjects.newSha1();
            for (int t = next.getAndIncrement(); t < todo.size(); t = next.getAndIncrement()) {
                Entry e = bases.get(t);
                FilePatch fp = files.get(todo.get(t));
                try {
                    byte[] result = applyHunks(fp, content(key(fp.oldPath()), e, r));
                    ready[todo.get(t)] = new Prepared(e.id(), result, NewObjects.idFor(digest, OBJ_BLOB, result));
                } catch (IOException | RuntimeException ignored) {
                    // done again in order, where the error is raised
                }
            }
        };
        List<java.util.concurrent.CompletableFuture<Void>> others = new ArrayList<>();
        List<ObjectReader> readers = new ArrayList<>();
        try {
            for (int w = 1; w < workers; w++) {
                ObjectReader r = reader.newReader();
                readers.add(r);
                others.add(java.util.concurrent.CompletableFuture.runAsync(() -> work.accept(r)));
            }
            work.accept(reader);
            for (java.util.concurrent.CompletableFuture<Void> f : others) {
                f.join();
            }
        } finally {
            readers.forEach(ObjectReader::close);
        }
        return ready;
    }

    /**
     * The base trees on the patch's paths that are not in the cache yet, nearest the root first: those below
     * a missing tree cannot be named until it is fetched, so callers repeat until none is missing (once per
     * folder level). Reads only trees that are present.
     */
    Set<ObjectId> missingTrees(ParsedPatch patch) throws IOException {
        Set<ObjectId> missing = new java.util.LinkedHashSet<>();
        for (FilePatch fp : patch.files) {
            for (String path : new String[] {fp.oldPath(), fp.newPath()}) {
                if (path == null) {
                    continue;
                }
                String k = key(path);
                ObjectId tree = baseTree;
                int from = 0;
                while (true) {
                    // a missing id is checked once: each miss makes JGit rescan the pack directory
                    if (missing.contains(tree) || !treeCache.containsKey(tree) && !reader.has(tree)) {
                        missing.add(tree);
                        break;
                    }
                    int slash = k.indexOf('/', from);
                    if (slash < 0) {
                        break;
                    }
                    Entry e = readTree(tree).get(k.substring(from, slash));
                    if (e == null || !e.isTree()) {
                        break;
                    }
                    tree = e.id();
                    from = slash + 1;
                }
            }
        }
        return missing;
    }

    /**
     * The base tree's blobs this patch must read: the pre-images of the files it changes, deletes, renames or
     * copies, except those the patch itself spells out. Reads only trees: the cache may hold a base without
     * its blobs, and fetches exactly these.
     *
     * <p>A text patch whose hunks run from line 1 to the end of the file without a gap holds the whole
     * pre-image (context and removed lines): deletions, small files, rewritten and one-line (minified) files.
     * Its bytes are kept when their blob id equals the base tree's entry, which proves them the file's exact
     * content, and the blob is neither fetched nor read. Binary literals and hunk-less changes (renames,
     * copies, mode changes) need no pre-image at all: the ids in the patch and the tree are enough.
     */
    Set<ObjectId> baseBlobs(ParsedPatch patch) throws IOException {
        Set<ObjectId> ids = new java.util.LinkedHashSet<>();
        for (FilePatch fp : patch.files) {
            if (!readsBaseContent(fp)) {
                continue;
            }
            Entry e = lookupBase(key(fp.oldPath()));
            if (e == null || e.isTree() || e.mode() == GITLINK || described.containsKey(e.id())) {
                continue;
            }
            byte[] spelled = spelledOut(fp);
            if (spelled != null && spelled.length <= config.maxBlobBytes() && NewObjects.idFor(sha1, OBJ_BLOB, spelled).equals(e.id())) {
                described.put(e.id(), spelled);
            } else {
                ids.add(e.id());
            }
        }
        return ids;
    }

    /**
     * Whether applying {@code fp} may need its base file's content: text hunks, binary deltas. Additions,
     * binary literals and hunk-less changes never do.
     */
    static boolean readsBaseContent(FilePatch fp) {
        if (fp.type() == ChangeType.ADD || fp.oldPath() == null) {
            return false;
        }
        return switch (fp.patchType()) {
            case GIT_BINARY -> fp.binary() != null && fp.binary().getType() == BinaryHunk.Type.DELTA_DEFLATED;
            case BINARY -> false;
            default -> !fp.hunks().isEmpty();
        };
    }

    /**
     * Whether {@code fp}'s hunks look like the whole pre-image: contiguous from line 1 and ending at the end of
     * the file as far as the patch shows (the last hunk has fewer than three lines of trailing context, or its
     * last line has no newline). An estimate for choosing how to fetch; {@link #baseBlobs} checks the id.
     */
    static boolean likelySpelledOut(FilePatch fp) {
        if (spelledOutLength(fp) < 0) {
            return false;
        }
        Hunk last = fp.hunks().get(fp.hunks().size() - 1);
        return last.trailingContext() < 3 || last.pre().isEmpty() || !last.pre().get(last.pre().size() - 1).endsWithLf();
    }

    /** The hunks' pre-image lines, concatenated, when they run from line 1 without a gap; else null. */
    static byte[] spelledOut(FilePatch fp) {
        int length = spelledOutLength(fp);
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        int p = 0;
        for (Hunk h : fp.hunks()) {
            for (Line l : h.pre()) {
                System.arraycopy(l.buf(), l.off(), bytes, p, l.len());
                p += l.len();
            }
        }
        return bytes;
    }

    private static int spelledOutLength(FilePatch fp) {
        if (fp.patchType() != PatchType.UNIFIED || fp.hunks().isEmpty()) {
            return -1;
        }
        long length = 0;
        int next = 1;
        for (Hunk h : fp.hunks()) {
            int start = h.pre().isEmpty() ? h.oldStart() + 1 : h.oldStart();
            if (start != next) {
                return -1;
            }
            next = start + h.pre().size();
            for (Line l : h.pre()) {
                length += l.len();
            }
        }
        return length > Integer.MAX_VALUE - 64 ? -1 : (int) length;
    }

    // ---- safety: no write through a symbolic link --------------------------------------------------

    private void checkSymlinks(ParsedPatch patch) throws IOException {
        Set<String> linksMadeByPatch = new HashSet<>();
        for (FilePatch fp : patch.files) {
            if (fp.newPath() != null && fp.newMode() != null && fp.newMode().getBits() == SYMLINK) {
                linksMadeByPatch.add(key(fp.newPath()));
            }
        }
        for (FilePatch fp : patch.files) {
            if (fp.newPath() == null) {
                continue;
            }
            String k = key(fp.newPath());
            for (int slash = k.indexOf('/'); slash > 0; slash = k.indexOf('/', slash + 1)) {
                String parent = k.substring(0, slash);
                Entry base = lookupBase(parent);
                if (linksMadeByPatch.contains(parent) || (base != null && base.mode() == SYMLINK)) {
                    throw new PatchRejectedException("writes through a symbolic link: " + ParsedPatch.shortPath(fp.newPath())
                            + " (" + ParsedPatch.shortPath(fromKey(parent)) + " is a link)");
                }
            }
        }
    }

    // ---- one file ------------------------------------------------------------------------------------

    private void applyFile(FilePatch fp, Prepared prepared) throws IOException {
        String display = fp.path();
        Entry old = null;
        if (fp.type() != ChangeType.ADD) {
            old = lookup(key(fp.oldPath()));
            if (old == null) {
                throw new PatchDoesNotApplyException(fp.oldPath(), null, "does not exist in the base tree");
            }
            if (fp.oldMode() != null && typeOf(fp.oldMode().getBits()) != typeOf(old.mode())) {
                throw new PatchDoesNotApplyException(fp.oldPath(), null, "wrong type: the patch expects mode "
                        + fp.oldMode() + ", the tree has " + Integer.toOctalString(old.mode()));
            }
        }
        if (fp.type() == ChangeType.ADD || fp.type() == ChangeType.RENAME || fp.type() == ChangeType.COPY) {
            if (lookup(key(fp.newPath())) != null) {
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
                result = applyBinary(fp, old, readsBaseContent(fp) ? content(key(fp.oldPath()), old) : null);
            } else if (prepared != null && old != null && old.id().equals(prepared.preimage())) {
                result = prepared.result();
                resultId = prepared.id();
            } else {
                result = applyHunks(fp, old == null ? new byte[0] : content(key(fp.oldPath()), old));
            }
            if (result.length > config.maxBlobBytes()) {
                throw new PatchTooLargeException(display + ": result is " + result.length + " bytes, the limit is " + config.maxBlobBytes());
            }
            empty = result.length == 0;
            if (fp.type() != ChangeType.DELETE) {
                id = newMode == GITLINK ? parseGitlink(display, result)
                        : resultId != null ? out.add(OBJ_BLOB, result, resultId) : out.add(OBJ_BLOB, result);
            }
        }

        if (fp.type() == ChangeType.DELETE) {
            if (!empty) {
                throw new PatchDoesNotApplyException(display, null, "removal patch leaves file contents");
            }
            changes.put(key(fp.oldPath()), DELETED);
            return;
        }
        if (fp.type() == ChangeType.RENAME) {
            changes.put(key(fp.oldPath()), DELETED);
        }
        String newKey = key(fp.newPath());
        changes.put(newKey, new Entry(lastName(newKey), canonical(newMode), id));
    }

    private static int typeOf(int mode) {
        return mode & 0170000;
    }

    private static int canonical(int mode) {
        return FileMode.fromBits(mode).getBits();
    }

    private byte[] content(String k, Entry e) throws IOException {
        return content(k, e, reader);
    }

    /** The content of {@code e} (at key {@code k}, for messages) read through {@code r}. */
    private byte[] content(String k, Entry e, ObjectReader r) throws IOException {
        if (e.mode() == GITLINK) {
            return ("Subproject commit " + e.id().name() + "\n").getBytes(StandardCharsets.US_ASCII);
        }
        NewObjects.Obj made = out.get(e.id());
        if (made != null) {
            return made.data();
        }
        byte[] spelled = described.get(e.id());
        if (spelled != null) {
            return spelled;
        }
        try {
            var loader = r.open(e.id(), OBJ_BLOB);
            if (loader.getSize() > config.maxBlobBytes()) {
                throw new PatchTooLargeException(fromKey(k) + " is " + loader.getSize() + " bytes, the limit is " + config.maxBlobBytes());
            }
            return loader.getCachedBytes((int) Math.min(config.maxBlobBytes(), Integer.MAX_VALUE - 64));
        } catch (LargeObjectException ex) {
            throw new PatchTooLargeException(fromKey(k) + " is too large to patch in memory");
        }
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

    // ---- text hunks, as git apply matches them ------------------------------------------------------

    private static byte[] applyHunks(FilePatch fp, byte[] preimage) {
        List<Line> img = splitLines(preimage);
        List<Boolean> patched = new ArrayList<>(img.size());
        for (int i = 0; i < img.size(); i++) {
            patched.add(Boolean.FALSE);
        }
        for (Hunk h : fp.hunks()) {
            boolean matchBeginning = h.oldStart() <= 1;
            boolean matchEnd = h.trailingContext() == 0;
            int hint = h.newStart() > 0 ? h.newStart() - 1 : 0;
            int at = findPos(img, patched, h.pre(), hint, matchBeginning, matchEnd);
            if (at < 0) {
                throw new PatchDoesNotApplyException(fp.oldPath() != null ? fp.oldPath() : fp.newPath(), h.header(),
                        "does not apply (its context or removed lines are not in the file)");
            }
            int common = Math.min(h.pre().size(), h.post().size());
            for (int i = 0; i < common; i++) {
                img.set(at + i, h.post().get(i));
                patched.set(at + i, Boolean.TRUE);
            }
            if (h.pre().size() > common) {
                img.subList(at + common, at + h.pre().size()).clear();
                patched.subList(at + common, at + h.pre().size()).clear();
            } else if (h.post().size() > common) {
                img.addAll(at + common, h.post().subList(common, h.post().size()));
                patched.addAll(at + common, java.util.Collections.nCopies(h.post().size() - common, Boolean.TRUE));
            }
        }
        int size = 0;
        for (Line l : img) {
            size += l.len();
        }
        byte[] result = new byte[size];
        int p = 0;
        for (Line l : img) {
            System.arraycopy(l.buf(), l.off(), result, p, l.len());
            p += l.len();
        }
        return result;
    }

    static List<Line> splitLines(byte[] data) {
        List<Line> lines = new ArrayList<>();
        int c = 0;
        while (c < data.length) {
            int eol = RawParseUtils.nextLF(data, c);
            lines.add(new Line(data, c, eol - c));
            c = eol;
        }
        return lines;
    }

    /** git's find_pos: try the hinted line, then alternately one further forward and one further back. */
    private static int findPos(List<Line> img, List<Boolean> patched, List<Line> pre, int line,
                               boolean matchBeginning, boolean matchEnd) {
        int nr = img.size();
        if (matchBeginning) {
            line = 0;
        } else if (matchEnd) {
            line = nr - pre.size();
        }
        if (line > nr || line < 0) {
            line = nr;
        }
        int backwards = line;
        int forwards = line;
        int current = line;
        for (int i = 0; ; i++) {
            if (matches(img, patched, pre, current, matchBeginning, matchEnd)) {
                return current;
            }
            while (true) {
                if (backwards == 0 && forwards == nr) {
                    return -1;
                }
                if ((i & 1) != 0) {
                    if (backwards == 0) {
                        i++;
                        continue;
                    }
                    current = --backwards;
                } else {
                    if (forwards == nr) {
                        i++;
                        continue;
                    }
                    current = ++forwards;
                }
                break;
            }
        }
    }

    private static boolean matches(List<Line> img, List<Boolean> patched, List<Line> pre, int at,
                                   boolean matchBeginning, boolean matchEnd) {
        if (pre.size() + at > img.size()) {
            return false;
        }
        if (matchEnd && pre.size() + at != img.size()) {
            return false;
        }
        if (matchBeginning && at != 0) {
            return false;
        }
        for (int i = 0; i < pre.size(); i++) {
            if (patched.get(at + i) || !pre.get(i).contentEquals(img.get(at + i))) {
                return false;
            }
        }
        return true;
    }

    // ---- binary patches -------------------------------------------------------------------------------

    private byte[] applyBinary(FilePatch fp, Entry old, byte[] preimage) {
        String path = fp.path();
        AbbreviatedObjectId oldId = fp.oldId();
        ObjectId actualOld = old == null ? ObjectId.zeroId() : old.id();
        if (oldId != null && !(old == null && oldId.prefixCompare(ObjectId.zeroId()) == 0)
                && oldId.prefixCompare(actualOld) != 0) {
            throw new PatchDoesNotApplyException(path, null, "the binary patch applies to " + oldId.name()
                    + ", which does not match the current contents " + actualOld.name());
        }
        BinaryHunk hunk = fp.binary();
        int start = RawParseUtils.nextLF(hunk.getBuffer(), hunk.getStartOffset());
        int length = hunk.getEndOffset() - start;
        long declared = hunk.getSize();
        if (declared > config.maxBlobBytes()) {
            throw new PatchTooLargeException(path + ": binary hunk of " + declared + " bytes, the limit is " + config.maxBlobBytes());
        }
        byte[] data = inflate(path, hunk.getBuffer(), start, length, (int) declared);
        byte[] result;
        switch (hunk.getType()) {
            case LITERAL_DEFLATED -> result = data;
            case DELTA_DEFLATED -> {
                try (BinaryDeltaInputStream in = new BinaryDeltaInputStream(preimage, new ByteArrayInputStream(data))) {
                    long size = in.getExpectedResultSize();
                    if (size > config.maxBlobBytes()) {
                        throw new PatchTooLargeException(path + ": binary delta makes " + size + " bytes, the limit is " + config.maxBlobBytes());
                    }
                    result = in.readNBytes((int) size);
                    if (result.length != size || in.read() != -1 || !in.isFullyConsumed()) {
                        throw new MalformedPatchException(path + ": corrupt binary delta");
                    }
                } catch (IOException | RuntimeException e) {
                    if (e instanceof GitEngineException g) {
                        throw g;
                    }
                    throw new MalformedPatchException(path + ": corrupt binary delta (" + e.getMessage() + ")");
                }
            }
            default -> throw new MalformedPatchException(path + ": unknown binary hunk type");
        }
        AbbreviatedObjectId newId = fp.newId();
        if (newId != null && fp.type() != ChangeType.DELETE) {
            ObjectId got = NewObjects.idFor(OBJ_BLOB, result);
            if (newId.prefixCompare(got) != 0) {
                throw new PatchDoesNotApplyException(path, null, "binary patch creates incorrect result (expected "
                        + newId.name() + ", got " + got.name() + ")");
            }
        }
        return result;
    }

    private static byte[] inflate(String path, byte[] buf, int start, int length, int declared) {
        try (InputStream in = new InflaterInputStream(new BinaryHunkInputStream(new ByteArrayInputStream(buf, start, length)))) {
            byte[] data = in.readNBytes(declared);
            if (data.length != declared || in.read() != -1) {
                throw new MalformedPatchException(path + ": corrupt binary patch (size does not match)");
            }
            return data;
        } catch (IOException | RuntimeException e) {
            if (e instanceof GitEngineException g) {
                throw g;
            }
            Throwable c = e.getCause() instanceof DataFormatException ? e.getCause() : e;
            throw new MalformedPatchException(path + ": corrupt binary patch (" + c.getMessage() + ")");
        }
    }

    // ---- reading the base tree -----------------------------------------------------------------------

    /** The file at {@code k} after the changes so far, or null (directories are not files). */
    private Entry lookup(String k) throws IOException {
        Entry e = changes.get(k);
        if (e != null) {
            return e == DELETED ? null : e;
        }
        Entry b = lookupBase(k);
        return b == null || b.isTree() ? null : b;
    }

    private Entry lookupBase(String k) throws IOException {
        ObjectId tree = baseTree;
        int from = 0;
        while (true) {
            int slash = k.indexOf('/', from);
            String name = slash < 0 ? k.substring(from) : k.substring(from, slash);
            Entry e = readTree(tree).get(name);
            if (e == null || slash < 0) {
                return e;
            }
            if (!e.isTree()) {
                return null;
            }
            tree = e.id();
            from = slash + 1;
        }
    }

    private Map<String, Entry> readTree(ObjectId id) throws IOException {
        Map<String, Entry> cached = treeCache.get(id);
        if (cached != null) {
            return cached;
        }
        byte[] raw;
        try {
            raw = reader.open(id, OBJ_TREE).getCachedBytes();
        } catch (MissingObjectException e) {
            throw new IOException("base tree object " + id.name() + " is missing from the cache", e);
        }
        Map<String, Entry> entries = new HashMap<>();
        int p = 0;
        while (p < raw.length) {
            int mode = 0;
            while (raw[p] != ' ') {
                mode = (mode << 3) + (raw[p++] - '0');
            }
            p++;
            int nul = p;
            while (raw[nul] != 0) {
                nul++;
            }
            byte[] name = Arrays.copyOfRange(raw, p, nul);
            ObjectId oid = ObjectId.fromRaw(raw, nul + 1);
            entries.put(new String(name, StandardCharsets.ISO_8859_1), new Entry(name, mode, oid));
            p = nul + 1 + Constants.OBJECT_ID_LENGTH;
        }
        treeCache.put(id, entries);
        return entries;
    }

    // ---- writing the new trees -----------------------------------------------------------------------

    /**
     * Rewrites the tree at {@code dir} (base {@code baseId}, null when new) with the changes below it; returns
     * null when it ends up empty (git stores no empty trees).
     */
    private ObjectId writeTree(String dir, ObjectId baseId) throws IOException {
        String prefix = dir.isEmpty() ? "" : dir + "/";
        Map<String, Entry> entries = baseId == null ? new HashMap<>() : new HashMap<>(readTree(baseId));
        Map<String, Entry> files = new HashMap<>();
        Set<String> subdirs = new java.util.TreeSet<>();
        for (Map.Entry<String, Entry> c : changes.tailMap(prefix, true).entrySet()) {
            String k = c.getKey();
            if (!k.startsWith(prefix)) {
                break;
            }
            String rest = k.substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                files.put(rest, c.getValue());
            } else {
                subdirs.add(rest.substring(0, slash));
            }
        }
        for (Map.Entry<String, Entry> f : files.entrySet()) {
            Entry existing = entries.get(f.getKey());
            if (f.getValue() == DELETED) {
                if (existing != null && !existing.isTree()) {
                    entries.remove(f.getKey());
                }
            } else {
                if (existing != null && existing.isTree() && !subdirs.contains(f.getKey())) {
                    throw new PatchDoesNotApplyException(fromKey(prefix + f.getKey()), null, "a directory of that name exists");
                }
                entries.put(f.getKey(), f.getValue());
            }
        }
        for (String sub : subdirs) {
            Entry existing = baseId == null ? null : readTree(baseId).get(sub);
            ObjectId subBase = existing != null && existing.isTree() ? existing.id() : null;
            ObjectId newSub = writeTree(prefix + sub, subBase);
            Entry now = entries.get(sub);
            if (newSub == null) {
                if (now != null && now.isTree()) {
                    entries.remove(sub);
                }
                continue;
            }
            if (now != null && !now.isTree()) {
                throw new PatchDoesNotApplyException(fromKey(prefix + sub), null,
                        "is a file, but the patch also puts files under it");
            }
            entries.put(sub, new Entry(sub.getBytes(StandardCharsets.ISO_8859_1), TREE, newSub));
        }
        if (entries.isEmpty()) {
            return null;
        }
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(TreePatcher::gitOrder);
        TreeFormatter fmt = new TreeFormatter();
        for (Entry e : sorted) {
            fmt.append(e.name(), 0, e.name().length, FileMode.fromBits(e.mode()), e.id());
        }
        byte[] raw = fmt.toByteArray();
        if (baseId != null && baseId.equals(NewObjects.idFor(OBJ_TREE, raw))) {
            return baseId;
        }
        return out.add(OBJ_TREE, raw);
    }

    /** git's tree order: by name bytes, a tree's name compared as if it ended in '/'. */
    static int gitOrder(Entry a, Entry b) {
        byte[] x = a.name();
        byte[] y = b.name();
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            int d = (x[i] & 0xff) - (y[i] & 0xff);
            if (d != 0) {
                return d;
            }
        }
        int cx = x.length > n ? x[n] & 0xff : (a.isTree() ? '/' : 0);
        int cy = y.length > n ? y[n] & 0xff : (b.isTree() ? '/' : 0);
        return cx - cy;
    }

    // ---- path keys: the UTF-8 bytes of a path, one char per byte --------------------------------------

    static String key(String path) {
        return new String(path.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    static String fromKey(String k) {
        return new String(k.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static byte[] lastName(String k) {
        return k.substring(k.lastIndexOf('/') + 1).getBytes(StandardCharsets.ISO_8859_1);
    }
}
