package dev.campaigns.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;

/** An in-memory repository for the patcher's parts' unit tests: base trees made of (path, content) pairs. */
final class MemRepo implements AutoCloseable {
    final InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("test"));
    final ObjectReader reader = repo.newObjectReader();

    static GitEngineConfig config() {
        return GitEngineConfig.defaults();
    }

    ObjectId blob(String text) {
        return insert(Constants.OBJ_BLOB, text.getBytes(StandardCharsets.UTF_8));
    }

    ObjectId insert(int type, byte[] data) {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId id = ins.insert(type, data);
            ins.flush();
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A tree of {@code pathsAndContents}: path, then content (a String for a regular file; "link:target" makes a
     * symbolic link; "gitlink:sha" a submodule entry).
     */
    ObjectId tree(String... pathsAndContents) {
        DirCache dc = DirCache.newInCore();
        DirCacheBuilder b = dc.builder();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            String path = pathsAndContents[i];
            String content = pathsAndContents[i + 1];
            DirCacheEntry e = new DirCacheEntry(path);
            if (content.startsWith("link:")) {
                e.setFileMode(FileMode.SYMLINK);
                e.setObjectId(blob(content.substring(5)));
            } else if (content.startsWith("gitlink:")) {
                e.setFileMode(FileMode.GITLINK);
                e.setObjectId(ObjectId.fromString(content.substring(8)));
            } else {
                e.setFileMode(FileMode.REGULAR_FILE);
                e.setObjectId(blob(content));
            }
            b.add(e);
        }
        b.finish();
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId id = dc.writeTree(ins);
            ins.flush();
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    BaseTreeView view(ObjectId tree) {
        return new BaseTreeView(reader, tree, config().maxBlobBytes());
    }

    static ParsedPatch patch(String diff) {
        return ParsedPatch.parse(diff.getBytes(StandardCharsets.UTF_8), config());
    }

    /** A diff modifying {@code path} with the given hunk lines (each with its leading ' ', '-' or '+'). */
    static String modify(String path, String hunkHeader, String... lines) {
        StringBuilder b = new StringBuilder("diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n"
                + hunkHeader + "\n");
        for (String l : lines) {
            b.append(l).append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() {
        reader.close();
        repo.close();
    }
}
