package dev.campaigns.git;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.diff.DiffEntry.ChangeType;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.patch.BinaryHunk;
import org.eclipse.jgit.patch.CombinedFileHeader;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.patch.FileHeader.PatchType;
import org.eclipse.jgit.patch.FormatError;
import org.eclipse.jgit.patch.HunkHeader;
import org.eclipse.jgit.patch.Patch;
import org.eclipse.jgit.util.RawParseUtils;

/**
 * A {@code git diff} parsed (headers by JGit's {@link Patch}, hunk bodies here) and checked for form, size and
 * path safety before anything touches a tree ({@link PathPolicy}'s textual rules; its symbolic link rule needs
 * the base tree and runs when the patch is applied).
 */
final class ParsedPatch {
    private static final byte[] DIFF_GIT = "diff --git ".getBytes(StandardCharsets.US_ASCII);

    /** One file's change. Paths are {@code null} on the side that does not exist. */
    record FilePatch(ChangeType type, String oldPath, String newPath, FileMode oldMode, FileMode newMode,
                     AbbreviatedObjectId oldId, AbbreviatedObjectId newId, PatchType patchType,
                     List<Hunk> hunks, BinaryHunk binary) {
        String path() {
            return newPath != null ? newPath : oldPath;
        }
    }

    /** A hunk's pre- and post-image lines (each with its LF, except a last line marked "No newline"). */
    record Hunk(String header, int oldStart, int newStart, List<Line> pre, List<Line> post, int trailingContext) {}

    /** A slice of the patch buffer, compared by content. */
    record Line(byte[] buf, int off, int len) {
        boolean contentEquals(Line o) {
            return len == o.len && java.util.Arrays.equals(buf, off, off + len, o.buf, o.off, o.off + o.len);
        }

        Line withoutLastByte() {
            return new Line(buf, off, len - 1);
        }

        boolean endsWithLf() {
            return len > 0 && buf[off + len - 1] == '\n';
        }
    }

    final List<FilePatch> files;
    final Patch jgitPatch;

    private ParsedPatch(List<FilePatch> files, Patch jgitPatch) {
        this.files = files;
        this.jgitPatch = jgitPatch;
    }

    static ParsedPatch parse(byte[] patch, GitEngineConfig config) {
        if (patch.length > config.maxPatchBytes()) {
            throw new PatchTooLargeException("patch is " + patch.length + " bytes, the limit is " + config.maxPatchBytes());
        }
        Patch p = parseWithJGit(patch);
        List<String> errors = p.getErrors().stream()
                .filter(e -> e.getSeverity() == FormatError.Severity.ERROR)
                .map(ParsedPatch::describe).toList();
        if (!errors.isEmpty()) {
            throw new MalformedPatchException("malformed patch: " + String.join("; ", errors.subList(0, Math.min(3, errors.size()))));
        }
        if (p.getFiles().size() > config.maxFiles()) {
            throw new PatchTooLargeException("patch touches " + p.getFiles().size() + " files, the limit is " + config.maxFiles());
        }
        List<FilePatch> files = new ArrayList<>(p.getFiles().size());
        for (FileHeader fh : p.getFiles()) {
            files.add(toFilePatch(fh));
        }
        return new ParsedPatch(files, p);
    }

    static Patch parseWithJGit(byte[] patch) {
        Patch p = new Patch();
        try {
            p.parse(patch, 0, patch.length);
        } catch (RuntimeException e) {
            throw new MalformedPatchException("malformed patch: " + e.getMessage());
        }
        return p;
    }

    private static String describe(FormatError e) {
        String line = e.getLineText();
        line = line == null ? "" : line.strip();
        if (line.length() > 80) {
            line = line.substring(0, 80) + "...";
        }
        return e.getMessage() + (line.isEmpty() ? "" : " (at \"" + line + "\")");
    }

    private static FilePatch toFilePatch(FileHeader fh) {
        if (fh instanceof CombinedFileHeader) {
            throw new MalformedPatchException("combined diffs (diff --cc) cannot be applied: " + fh.getNewPath());
        }
        if (RawParseUtils.match(fh.getBuffer(), fh.getStartOffset(), DIFF_GIT) < 0) {
            throw new MalformedPatchException("not a git diff: every file must start with \"diff --git\" (near \""
                    + firstLine(fh) + "\")");
        }
        ChangeType type = fh.getChangeType();
        String[] names = headerNames(fh);
        String oldPath = type == ChangeType.ADD ? null : names[0] != null ? names[0] : fh.getOldPath();
        String newPath = type == ChangeType.DELETE ? null : names[1] != null ? names[1] : fh.getNewPath();
        if ((type != ChangeType.ADD && oldPath == null) || (type != ChangeType.DELETE && newPath == null)) {
            throw new MalformedPatchException("git diff header lacks file names near \"" + firstLine(fh) + "\"");
        }
        if (oldPath != null) {
            PathPolicy.checkPath(oldPath);
        }
        if (newPath != null) {
            PathPolicy.checkPath(newPath);
        }
        if (type == ChangeType.MODIFY && !oldPath.equals(newPath)) {
            throw new MalformedPatchException("file names differ without rename or copy headers: " + oldPath + " / " + newPath);
        }
        FileMode oldMode = validMode(fh.getOldMode(), fh);
        FileMode newMode = validMode(fh.getNewMode(), fh);
        List<Hunk> hunks = new ArrayList<>();
        if (fh.getPatchType() == PatchType.UNIFIED) {
            for (HunkHeader hh : fh.getHunks()) {
                hunks.add(parseHunk(hh, fh));
            }
        }
        BinaryHunk binary = fh.getPatchType() == PatchType.GIT_BINARY ? fh.getForwardBinaryHunk() : null;
        if (fh.getPatchType() == PatchType.GIT_BINARY && binary == null) {
            throw new MalformedPatchException(fh.getNewPath() + ": GIT binary patch without data");
        }
        return new FilePatch(type, oldPath, newPath, oldMode, newMode, fh.getOldId(), fh.getNewId(),
                fh.getPatchType(), hunks, binary);
    }

    /**
     * The old and new names from the "---"/"+++" lines, read as git does: a quoted name is dequoted (JGit
     * misreads a quoted name followed by the TAB git appends to names with spaces), an unquoted one ends at
     * a TAB. Rename and copy headers win over them. Null where the header has no such line.
     */
    private static String[] headerNames(FileHeader fh) {
        byte[] b = fh.getBuffer();
        int end = fh.getEndOffset();
        if (!fh.getHunks().isEmpty()) {
            end = fh.getHunks().get(0).getStartOffset();
        } else if (fh.getForwardBinaryHunk() != null) {
            end = fh.getForwardBinaryHunk().getStartOffset();
        }
        String[] names = new String[2];
        String[] moved = new String[2];
        int c = RawParseUtils.nextLF(b, fh.getStartOffset());
        while (c < end) {
            int eol = Math.min(RawParseUtils.nextLF(b, c), end);
            int lineEnd = eol > c && b[eol - 1] == '\n' ? eol - 1 : eol;
            if (startsWith(b, c, "--- ")) {
                names[0] = diffName(b, c + 4, lineEnd);
            } else if (startsWith(b, c, "+++ ")) {
                names[1] = diffName(b, c + 4, lineEnd);
            } else if (startsWith(b, c, "rename from ") || startsWith(b, c, "copy from ")) {
                moved[0] = plainName(b, c + (b[c] == 'r' ? 12 : 10), lineEnd);
            } else if (startsWith(b, c, "rename to ") || startsWith(b, c, "copy to ")) {
                moved[1] = plainName(b, c + (b[c] == 'r' ? 10 : 8), lineEnd);
            }
            c = eol;
        }
        return new String[] {moved[0] != null ? moved[0] : names[0], moved[1] != null ? moved[1] : names[1]};
    }

    private static boolean startsWith(byte[] b, int at, String prefix) {
        return RawParseUtils.match(b, at, prefix.getBytes(StandardCharsets.US_ASCII)) >= 0;
    }

    private static String plainName(byte[] b, int start, int end) {
        if (start < end && b[start] == '"') {
            return dequote(b, start, end);
        }
        return RawParseUtils.decode(b, start, end);
    }

    /** Dequotes the C-style quoted name starting at {@code start} (JGit's dequote wants the quote last). */
    private static String dequote(byte[] b, int start, int end) {
        int close = start + 1;
        while (close < end && b[close] != '"') {
            close += b[close] == '\\' ? 2 : 1;
        }
        if (close >= end) {
            throw new MalformedPatchException("unterminated quoted file name");
        }
        return org.eclipse.jgit.util.QuotedString.GIT_PATH.dequote(b, start, close + 1);
    }

    /** A "---"/"+++" name without its a/ or b/ prefix; null for /dev/null. */
    private static String diffName(byte[] b, int start, int end) {
        String name;
        if (start < end && b[start] == '"') {
            name = dequote(b, start, end);
        } else {
            int tab = start;
            while (tab < end && b[tab] != '\t') {
                tab++;
            }
            name = RawParseUtils.decode(b, start, tab);
        }
        if (name.equals("/dev/null")) {
            return null;
        }
        int slash = name.indexOf('/');
        if (slash < 0) {
            throw new MalformedPatchException("file name without a/ or b/ prefix: " + shortPath(name));
        }
        return name.substring(slash + 1);
    }

    private static FileMode validMode(FileMode m, FileHeader fh) {
        if (m == null || m == FileMode.MISSING) {
            return null;
        }
        if (m == FileMode.TREE || m.getObjectType() == org.eclipse.jgit.lib.Constants.OBJ_BAD) {
            throw new MalformedPatchException("invalid file mode " + m + " for " + fh.getNewPath());
        }
        return m;
    }

    private static String firstLine(FileHeader fh) {
        byte[] b = fh.getBuffer();
        int end = RawParseUtils.nextLF(b, fh.getStartOffset());
        String s = RawParseUtils.decode(b, fh.getStartOffset(), end).strip();
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    static String shortPath(String path) {
        return path.length() > 200 ? path.substring(0, 200) + "..." : path;
    }

    /**
     * Reads a hunk body as {@code git apply} does: ' ' (or an empty line) is context, '-' pre-image only,
     * '+' post-image only, and "\ No newline at end of file" takes the LF off the line before it.
     */
    private static Hunk parseHunk(HunkHeader hh, FileHeader fh) {
        byte[] buf = hh.getBuffer();
        int start = hh.getStartOffset();
        int end = hh.getEndOffset();
        int headerEnd = RawParseUtils.nextLF(buf, start);
        String header = RawParseUtils.decode(buf, start, headerEnd).strip();
        int close = header.indexOf("@@", 2);
        if (close > 0) {
            header = header.substring(0, close + 2);
        }
        List<Line> pre = new ArrayList<>(hh.getOldImage().getLineCount());
        List<Line> post = new ArrayList<>(hh.getNewLineCount());
        int trailing = 0;
        char last = 0;
        int c = headerEnd;
        while (c < end) {
            int eol = RawParseUtils.nextLF(buf, c);
            if (eol > end) {
                eol = end;
            }
            byte first = buf[c];
            switch (first) {
                case ' ' -> {
                    Line l = new Line(buf, c + 1, eol - c - 1);
                    pre.add(l);
                    post.add(l);
                    trailing++;
                    last = ' ';
                }
                case '\n' -> {
                    Line l = new Line(buf, c, 1);
                    pre.add(l);
                    post.add(l);
                    trailing++;
                    last = ' ';
                }
                case '-' -> {
                    pre.add(new Line(buf, c + 1, eol - c - 1));
                    trailing = 0;
                    last = '-';
                }
                case '+' -> {
                    post.add(new Line(buf, c + 1, eol - c - 1));
                    trailing = 0;
                    last = '+';
                }
                case '\\' -> {
                    if (last == ' ' || last == '-') {
                        stripLf(pre, fh, header);
                    }
                    if (last == ' ' || last == '+') {
                        stripLf(post, fh, header);
                    }
                }
                default -> {
                    throw new MalformedPatchException(fh.getNewPath() + ": corrupt line in hunk " + header);
                }
            }
            c = eol;
        }
        if (pre.size() != hh.getOldImage().getLineCount() || post.size() != hh.getNewLineCount()) {
            throw new MalformedPatchException(fh.getNewPath() + ": hunk " + header + " has " + pre.size() + " old and "
                    + post.size() + " new lines");
        }
        return new Hunk(header, hh.getOldImage().getStartLine(), hh.getNewStartLine(), pre, post, trailing);
    }

    private static void stripLf(List<Line> lines, FileHeader fh, String header) {
        if (lines.isEmpty() || !lines.get(lines.size() - 1).endsWithLf()) {
            throw new MalformedPatchException(fh.getNewPath() + ": misplaced \"No newline\" marker in hunk " + header);
        }
        Line l = lines.remove(lines.size() - 1);
        lines.add(l.withoutLastByte());
    }

    /** Line counts in go-diff's way (see {@link DiffStat}); lenient: counts whatever hunks JGit can read. */
    static DiffStat diffStat(Patch p) {
        int added = 0;
        int changed = 0;
        int deleted = 0;
        for (FileHeader fh : p.getFiles()) {
            for (HunkHeader hh : fh.getHunks()) {
                byte[] buf = hh.getBuffer();
                int c = RawParseUtils.nextLF(buf, hh.getStartOffset());
                int end = hh.getEndOffset();
                byte last = 0;
                while (c < end) {
                    int eol = Math.min(RawParseUtils.nextLF(buf, c), end);
                    byte b = eol - c > 1 || buf[c] != '\n' ? buf[c] : 0;
                    if (b == '-') {
                        if (last == '+') {
                            added--;
                            changed++;
                            last = 0;
                        } else {
                            deleted++;
                            last = b;
                        }
                    } else if (b == '+') {
                        if (last == '-') {
                            deleted--;
                            changed++;
                            last = 0;
                        } else {
                            added++;
                            last = b;
                        }
                    } else {
                        last = 0;
                    }
                    c = eol;
                }
            }
        }
        return new DiffStat(added, changed, deleted);
    }
}
