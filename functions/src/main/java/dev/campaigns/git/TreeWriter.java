package dev.campaigns.git;

import static org.eclipse.jgit.lib.Constants.OBJ_TREE;

import dev.campaigns.git.BaseTreeView.Entry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.TreeFormatter;

/**
 * The new tree being made: the files a patch wrote or removed so far, over the base tree, and their writing as
 * git tree objects. Only the folders on changed paths are rewritten (the others keep their base ids); a folder
 * left empty disappears, as git stores no empty trees; entries are sorted in git's order. New trees go to
 * {@link NewObjects}. Not thread-safe: one per commit.
 */
final class TreeWriter {
    private static final Entry DELETED = new Entry(new byte[0], 0, ObjectId.zeroId());

    private final BaseTreeView base;
    /** Path key -> what the patch made of it so far; {@link #DELETED} for removals. */
    private final TreeMap<String, Entry> changes = new TreeMap<>();

    TreeWriter(BaseTreeView base) {
        this.base = base;
    }

    /** The file (or link, or submodule) at {@code k} after the changes so far, or null; folders are not files. */
    Entry file(String k) throws IOException {
        Entry e = changes.get(k);
        if (e != null) {
            return e == DELETED ? null : e;
        }
        Entry b = base.lookup(k);
        return b == null || b.isTree() ? null : b;
    }

    /** Puts a file with {@code mode} and blob (or submodule commit) {@code id} at {@code k}. */
    void put(String k, int mode, ObjectId id) {
        changes.put(k, new Entry(PathKeys.lastName(k), mode, id));
    }

    /** Removes the file at {@code k}. */
    void delete(String k) {
        changes.put(k, DELETED);
    }

    /** Writes the trees on the changed paths; returns the new root tree's id (the empty tree if nothing is left). */
    ObjectId write(NewObjects out) throws IOException {
        ObjectId root = write("", base.root(), out);
        return root == null ? out.add(OBJ_TREE, new byte[0]) : root;
    }

    /**
     * Rewrites the tree at {@code dir} (base {@code baseId}, null when new) with the changes below it; returns
     * null when it ends up empty.
     */
    private ObjectId write(String dir, ObjectId baseId, NewObjects out) throws IOException {
        String prefix = dir.isEmpty() ? "" : dir + "/";
        Map<String, Entry> entries = baseId == null ? new HashMap<>() : new HashMap<>(base.tree(baseId));
        Map<String, Entry> files = new HashMap<>();
        Set<String> subdirs = new TreeSet<>();
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
                    throw new PatchDoesNotApplyException(PathKeys.fromKey(prefix + f.getKey()), null, "a directory of that name exists");
                }
                entries.put(f.getKey(), f.getValue());
            }
        }
        for (String sub : subdirs) {
            Entry existing = baseId == null ? null : base.tree(baseId).get(sub);
            ObjectId subBase = existing != null && existing.isTree() ? existing.id() : null;
            ObjectId newSub = write(prefix + sub, subBase, out);
            Entry now = entries.get(sub);
            if (newSub == null) {
                if (now != null && now.isTree()) {
                    entries.remove(sub);
                }
                continue;
            }
            if (now != null && !now.isTree()) {
                throw new PatchDoesNotApplyException(PathKeys.fromKey(prefix + sub), null,
                        "is a file, but the patch also puts files under it");
            }
            entries.put(sub, new Entry(PathKeys.lastName(sub), BaseTreeView.TREE, newSub));
        }
        if (entries.isEmpty()) {
            return null;
        }
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(TreeWriter::gitOrder);
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
}
