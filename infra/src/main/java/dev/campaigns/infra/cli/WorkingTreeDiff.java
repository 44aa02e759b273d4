package dev.campaigns.infra.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.util.Base85;

/**
 * Every change in a working tree against its HEAD commit, as one unified diff that {@code git apply} (and the git
 * engine) applies: new, changed and deleted files (what {@code git add -A} stages, so {@code .gitignore} holds),
 * mode changes, and binary files as {@code GIT binary patch} literals with full object IDs.
 */
final class WorkingTreeDiff {
    /** What changed: the diff (empty when nothing did), files changed, lines added and deleted. */
    record Result(String patch, int files, int added, int deleted) {
        boolean unchanged() {
            return files == 0;
        }
    }

    private WorkingTreeDiff() {
    }

    static Result of(Git git) throws IOException, GitAPIException {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        Repository repo = git.getRepository();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int added = 0;
        int deleted = 0;
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader);
             DiffFormatter formatter = new DiffFormatter(out)) {
            formatter.setRepository(repo);
            formatter.setAbbreviationLength(40);
            CanonicalTreeParser base = new CanonicalTreeParser(null, reader,
                    walk.parseCommit(repo.resolve("HEAD")).getTree());
            List<DiffEntry> entries = formatter.scan(base, new DirCacheIterator(repo.readDirCache()));
            for (DiffEntry e : entries) {
                byte[] before = content(reader, e.getOldId().toObjectId(), e.getOldMode());
                byte[] after = content(reader, e.getNewId().toObjectId(), e.getNewMode());
                if (RawText.isBinary(before) || RawText.isBinary(after)) {
                    formatter.flush();
                    out.write(binary(e, after).getBytes(StandardCharsets.UTF_8));
                } else {
                    int start = out.size();
                    formatter.format(e);
                    formatter.flush();
                    String text = new String(out.toByteArray(), start, out.size() - start, StandardCharsets.UTF_8);
                    boolean hunks = false;
                    for (String line : text.split("\n")) {
                        if (line.startsWith("@@")) {
                            hunks = true;
                        } else if (hunks && line.startsWith("+")) {
                            added++;
                        } else if (hunks && line.startsWith("-")) {
                            deleted++;
                        }
                    }
                }
            }
            formatter.flush();
            return new Result(out.toString(StandardCharsets.UTF_8), entries.size(), added, deleted);
        }
    }

    private static byte[] content(ObjectReader reader, ObjectId id, FileMode mode) throws IOException {
        if (id == null || id.equals(ObjectId.zeroId()) || mode == FileMode.MISSING || mode == FileMode.GITLINK) {
            return new byte[0];
        }
        return reader.open(id).getBytes();
    }

    /** A file whose old or new content is binary, as {@code git diff --binary} writes it (the forward literal). */
    private static String binary(DiffEntry e, byte[] after) {
        StringBuilder s = new StringBuilder();
        String oldPath = e.getChangeType() == DiffEntry.ChangeType.ADD ? e.getNewPath() : e.getOldPath();
        String newPath = e.getChangeType() == DiffEntry.ChangeType.DELETE ? e.getOldPath() : e.getNewPath();
        s.append("diff --git a/").append(oldPath).append(" b/").append(newPath).append('\n');
        String index = "index " + e.getOldId().name() + ".." + e.getNewId().name();
        switch (e.getChangeType()) {
            case ADD -> s.append("new file mode ").append(e.getNewMode()).append('\n').append(index).append('\n');
            case DELETE -> s.append("deleted file mode ").append(e.getOldMode()).append('\n').append(index)
                    .append('\n');
            default -> {
                if (!e.getOldMode().equals(e.getNewMode())) {
                    s.append("old mode ").append(e.getOldMode()).append('\n')
                            .append("new mode ").append(e.getNewMode()).append('\n').append(index).append('\n');
                } else {
                    s.append(index).append(' ').append(e.getNewMode()).append('\n');
                }
            }
        }
        byte[] content = e.getChangeType() == DiffEntry.ChangeType.DELETE ? new byte[0] : after;
        s.append("GIT binary patch\n").append("literal ").append(content.length).append('\n');
        byte[] deflated = deflate(content);
        for (int i = 0; i < deflated.length; i += 52) {
            int n = Math.min(52, deflated.length - i);
            s.append(n <= 26 ? (char) ('A' + n - 1) : (char) ('a' + n - 27));
            s.append(new String(Base85.encode(deflated, i, n), StandardCharsets.US_ASCII)).append('\n');
        }
        return s.append('\n').toString();
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return out.toByteArray();
    }
}
