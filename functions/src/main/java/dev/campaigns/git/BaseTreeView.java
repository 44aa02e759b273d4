package dev.campaigns.git;

import static org.eclipse.jgit.lib.Constants.OBJ_BLOB;
import static org.eclipse.jgit.lib.Constants.OBJ_TREE;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;

/**
 * The base commit's tree as the patcher reads it: entries by path key, folder by folder (each tree parsed once
 * and kept), and blobs by id within the size limit. Only the trees on the paths asked for are read, so the cost
 * follows the patch, not the repository. Not thread-safe (its tree cache); blobs may be read through other
 * readers on other threads ({@link #blob(String, ObjectId, ObjectReader)}).
 */
final class BaseTreeView {
    static final int GITLINK = FileMode.GITLINK.getBits();
    static final int SYMLINK = FileMode.SYMLINK.getBits();
    static final int TREE = FileMode.TREE.getBits();

    /** A tree entry: raw name bytes (may be any encoding), mode bits, object id. */
    record Entry(byte[] name, int mode, ObjectId id) {
        boolean isTree() {
            return (mode & 0170000) == TREE;
        }

        boolean isGitlink() {
            return mode == GITLINK;
        }

        boolean isSymlink() {
            return mode == SYMLINK;
        }

        /** A file the patch can read: neither a folder nor a submodule. */
        boolean isFile() {
            return !isTree() && !isGitlink();
        }
    }

    private final ObjectReader reader;
    private final ObjectId root;
    private final long maxBlobBytes;
    private final Map<ObjectId, Map<String, Entry>> trees = new HashMap<>();

    BaseTreeView(ObjectReader reader, ObjectId root, long maxBlobBytes) {
        this.reader = reader;
        this.root = root;
        this.maxBlobBytes = maxBlobBytes;
    }

    ObjectId root() {
        return root;
    }

    ObjectReader reader() {
        return reader;
    }

    /** The base entry (file, link, submodule or folder) at path key {@code k}, or null. */
    Entry lookup(String k) throws IOException {
        ObjectId tree = root;
        int from = 0;
        while (true) {
            int slash = k.indexOf('/', from);
            String name = slash < 0 ? k.substring(from) : k.substring(from, slash);
            Entry e = tree(tree).get(name);
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

    /** Whether the tree {@code id} can be read (it was read already, or the object is present). */
    boolean hasTree(ObjectId id) throws IOException {
        return trees.containsKey(id) || reader.has(id);
    }

    /** The entries of the tree {@code id}, by name key; parsed once. */
    Map<String, Entry> tree(ObjectId id) throws IOException {
        Map<String, Entry> cached = trees.get(id);
        if (cached != null) {
            return cached;
        }
        byte[] raw;
        try {
            raw = reader.open(id, OBJ_TREE).getCachedBytes();
        } catch (MissingObjectException e) {
            throw new IOException("base tree object " + id.name() + " is missing from the cache", e);
        }
        Map<String, Entry> entries = parse(raw);
        trees.put(id, entries);
        return entries;
    }

    /** A raw tree object's entries, by name key. */
    static Map<String, Entry> parse(byte[] raw) {
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
            entries.put(PathKeys.ofName(name), new Entry(name, mode, ObjectId.fromRaw(raw, nul + 1)));
            p = nul + 1 + Constants.OBJECT_ID_LENGTH;
        }
        return entries;
    }

    /** The blob {@code id} (the file at key {@code k}, for messages), read through this view's reader. */
    byte[] blob(String k, ObjectId id) throws IOException {
        return blob(k, id, reader);
    }

    /**
     * The blob {@code id} read through {@code r} (a worker thread's own reader); a file above the size limit is
     * a {@link PatchTooLargeException}.
     */
    byte[] blob(String k, ObjectId id, ObjectReader r) throws IOException {
        try {
            var loader = r.open(id, OBJ_BLOB);
            if (loader.getSize() > maxBlobBytes) {
                throw new PatchTooLargeException(PathKeys.fromKey(k) + " is " + loader.getSize() + " bytes, the limit is " + maxBlobBytes);
            }
            return loader.getCachedBytes((int) Math.min(maxBlobBytes, Integer.MAX_VALUE - 64));
        } catch (LargeObjectException ex) {
            throw new PatchTooLargeException(PathKeys.fromKey(k) + " is too large to patch in memory");
        }
    }
}
