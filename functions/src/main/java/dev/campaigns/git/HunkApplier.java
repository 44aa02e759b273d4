package dev.campaigns.git;

import dev.campaigns.git.ParsedPatch.FilePatch;
import dev.campaigns.git.ParsedPatch.Hunk;
import dev.campaigns.git.ParsedPatch.Line;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.jgit.util.RawParseUtils;

/**
 * Text hunks applied to a file's bytes as {@code git apply} matches them: byte for byte (CRLF, long lines and
 * missing final newlines included), no fuzz, at the line the hunk names or the nearest one outwards where it
 * matches (git's {@code find_pos}); a hunk starting at line 1 must match at the beginning, one without trailing
 * context at the end; lines an earlier hunk wrote are never matched again. Pure: no git objects, thread-safe.
 */
final class HunkApplier {
    private HunkApplier() {}

    /** {@code preimage} with every hunk of {@code fp} applied in order. */
    static byte[] apply(FilePatch fp, byte[] preimage) {
        List<Line> img = splitLines(preimage);
        List<Boolean> patched = new ArrayList<>(Collections.nCopies(img.size(), Boolean.FALSE));
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
                patched.addAll(at + common, Collections.nCopies(h.post().size() - common, Boolean.TRUE));
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

    /** The lines of {@code data}, each with its LF (the last one without, if the data does not end in one). */
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
}
