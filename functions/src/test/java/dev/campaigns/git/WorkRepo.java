package dev.campaigns.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;

/** A scratch repository with a worktree, driven by the git CLI, to make real diffs and git's own results. */
final class WorkRepo {
    final Path dir;

    WorkRepo(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GitCli.run(dir, null, "init", "-q", "-b", "main");
        GitCli.run(dir, null, "config", "core.autocrlf", "false");
        GitCli.run(dir, null, "config", "core.quotepath", "true");
    }

    String url() {
        return dir.toUri().toString();
    }

    WorkRepo write(String path, String text) {
        return write(path, text.getBytes(StandardCharsets.UTF_8));
    }

    WorkRepo write(String path, byte[] data) {
        try {
            Path p = dir.resolve(path);
            Files.createDirectories(p.getParent());
            Files.deleteIfExists(p);
            Files.write(p, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    WorkRepo exec(String path, boolean exec) {
        try {
            Files.setPosixFilePermissions(dir.resolve(path), PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    WorkRepo symlink(String path, String target) {
        try {
            Path p = dir.resolve(path);
            Files.createDirectories(p.getParent());
            Files.deleteIfExists(p);
            Files.createSymbolicLink(p, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    WorkRepo delete(String path) {
        GitCli.run(dir, null, "rm", "-rq", "--cached", "--", path);
        try {
            Path p = dir.resolve(path);
            if (Files.isDirectory(p) && !Files.isSymbolicLink(p)) {
                try (var s = Files.walk(p)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
                }
            } else {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A submodule entry (gitlink) without a submodule checkout. */
    WorkRepo gitlink(String path, String sha) {
        GitCli.run(dir, null, "update-index", "--add", "--cacheinfo", "160000," + sha + "," + path);
        return this;
    }

    WorkRepo removeGitlink(String path) {
        GitCli.run(dir, null, "update-index", "--force-remove", path);
        return this;
    }

    /** Stages everything and commits; returns the commit SHA. */
    String commit(String message) {
        GitCli.run(dir, null, "add", "-A");
        GitCli.runFull(dir, null, Map.of("GIT_AUTHOR_DATE", "2001-01-01T00:00:00Z", "GIT_COMMITTER_DATE", "2001-01-01T00:00:00Z"),
                true, "commit", "-q", "--allow-empty", "-m", message);
        return GitCli.out(dir, "rev-parse", "HEAD");
    }

    /** Stages everything; returns {@code git diff --cached} of it against HEAD with {@code flags}. */
    byte[] stagedDiff(String... flags) {
        GitCli.run(dir, null, "add", "-A");
        String[] args = new String[flags.length + 2];
        args[0] = "diff";
        args[1] = "--cached";
        System.arraycopy(flags, 0, args, 2, flags.length);
        return GitCli.run(dir, null, args);
    }

    /** The tree {@code git apply --cached} makes of {@code patch} on {@code base} (in a scratch index). */
    String gitApply(String base, byte[] patch) {
        Map<String, String> env = Map.of("GIT_INDEX_FILE", dir.resolve(".git/scratch-index").toString());
        GitCli.runFull(dir, null, env, true, "read-tree", base);
        GitCli.runFull(dir, patch, env, true, "apply", "--cached", "-");
        return new String(GitCli.runFull(dir, null, env, true, "write-tree"), StandardCharsets.UTF_8).strip();
    }

    /**
     * What {@code git apply --cached} + {@code git commit -m} give for {@code patch} on {@code base} as the bot
     * at {@code when} (HEAD must be at {@code base}; it is put back there afterwards).
     */
    String gitApplyAndCommit(String base, byte[] patch, String message, Instant when) {
        String date = "@" + when.getEpochSecond() + " +0000";
        Map<String, String> env = Map.of("GIT_INDEX_FILE", dir.resolve(".git/scratch-index").toString(),
                "GIT_AUTHOR_DATE", date, "GIT_COMMITTER_DATE", date);
        GitCli.runFull(dir, null, env, true, "read-tree", base);
        GitCli.runFull(dir, patch, env, true, "apply", "--cached", "-");
        GitCli.runFull(dir, null, env, true, "commit", "-q", "-m", message);
        String made = GitCli.out(dir, "rev-parse", "HEAD");
        GitCli.run(dir, null, "update-ref", "HEAD", base);
        return made;
    }

    /** Resets worktree and index to {@code rev}. */
    void reset(String rev) {
        GitCli.run(dir, null, "reset", "-q", "--hard", rev);
        GitCli.run(dir, null, "clean", "-qfdx");
    }
}
