package dev.campaigns.git;

import static org.eclipse.jgit.lib.Constants.OBJ_BLOB;

import dev.campaigns.git.ParsedPatch.FilePatch;
import dev.campaigns.git.ParsedPatch.Hunk;
import dev.campaigns.git.ParsedPatch.Line;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.diff.DiffEntry.ChangeType;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.patch.BinaryHunk;
import org.eclipse.jgit.patch.FileHeader.PatchType;

/**
 * What a patch needs from its base, worked out before the base's content is fetched: the trees on its paths
 * ({@link #missingTrees}, one folder level at a time), the blobs it must read ({@link #blobsToRead}), and the
 * pre-images it spells out itself, which are then neither fetched nor read ({@link #preimages}).
 *
 * <p>A text patch whose hunks run from line 1 to the end of the file without a gap holds the whole pre-image
 * (context and removed lines): deletions, small files, rewritten and one-line (minified) files. Its bytes are
 * kept when their blob id equals the base tree's entry, which proves them the file's exact content. Binary
 * literals and hunk-less changes (renames, copies, mode changes) need no pre-image at all: the ids in the patch
 * and the tree are enough.
 */
final class FetchPlan {
    private final BaseTreeView base;
    private final long maxBlobBytes;
    private final MessageDigest sha1 = NewObjects.newSha1();
    /** Base blobs whose exact content the patch spells out, by id. */
    private final Map<ObjectId, byte[]> preimages = new HashMap<>();

    FetchPlan(BaseTreeView base, long maxBlobBytes) {
        this.base = base;
        this.maxBlobBytes = maxBlobBytes;
    }

    /**
     * How many base files {@code patch} will likely read (those it changes and does not spell out): before any
     * fetch, to choose between the base's snapshot and its trees plus those files by id.
     */
    static long estimatedReads(ParsedPatch patch) {
        return patch.files.stream().filter(f -> readsBaseContent(f) && !likelySpelledOut(f)).count();
    }

    /**
     * The base trees on the patch's paths that are not in the cache yet, nearest the root first: those below
     * a missing tree cannot be named until it is fetched, so callers repeat until none is missing (once per
     * folder level). Reads only trees that are present.
     */
    Set<ObjectId> missingTrees(ParsedPatch patch) throws IOException {
        Set<ObjectId> missing = new LinkedHashSet<>();
        for (FilePatch fp : patch.files) {
            for (String path : new String[] {fp.oldPath(), fp.newPath()}) {
                if (path == null) {
                    continue;
                }
                String k = PathKeys.key(path);
                ObjectId tree = base.root();
                int from = 0;
                while (true) {
                    // a missing id is checked once: each miss makes JGit rescan the pack directory
                    if (missing.contains(tree) || !base.hasTree(tree)) {
                        missing.add(tree);
                        break;
                    }
                    int slash = k.indexOf('/', from);
                    if (slash < 0) {
                        break;
                    }
                    BaseTreeView.Entry e = base.tree(tree).get(k.substring(from, slash));
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
     * copies, except those the patch itself spells out (kept in {@link #preimages}). Reads only trees: the cache
     * may hold a base without its blobs, and fetches exactly these.
     */
    Set<ObjectId> blobsToRead(ParsedPatch patch) throws IOException {
        Set<ObjectId> ids = new LinkedHashSet<>();
        for (FilePatch fp : patch.files) {
            if (!readsBaseContent(fp)) {
                continue;
            }
            BaseTreeView.Entry e = base.lookup(PathKeys.key(fp.oldPath()));
            if (e == null || !e.isFile() || preimages.containsKey(e.id())) {
                continue;
            }
            byte[] spelled = spelledOut(fp);
            if (spelled != null && spelled.length <= maxBlobBytes && NewObjects.idFor(sha1, OBJ_BLOB, spelled).equals(e.id())) {
                preimages.put(e.id(), spelled);
            } else {
                ids.add(e.id());
            }
        }
        return ids;
    }

    /** The base blobs the patch spells out whole, by id (their content proven by the id). */
    Map<ObjectId, byte[]> preimages() {
        return Collections.unmodifiableMap(preimages);
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
     * last line has no newline). An estimate for choosing how to fetch; {@link #blobsToRead} checks the id.
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
}
