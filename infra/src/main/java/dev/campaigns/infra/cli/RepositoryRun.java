package dev.campaigns.infra.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * One repository of a plan: a shallow clone (depth 1) of its base branch, the user's command run in it with
 * {@code REPOSITORY=OWNER/NAME} in its environment and a timeout, and every change it made as a diff against the
 * base commit ({@link WorkingTreeDiff}). The clone is deleted afterwards; the command's output goes to a file beside
 * it (never into the diff). Whatever happens is an {@link Outcome}; nothing is thrown, so one repository never stops
 * the others.
 */
final class RepositoryRun {
    /** Lines of a failing command's output shown. */
    static final int TAIL_LINES = 5;

    /** What happened in one repository. */
    record Outcome(String repository, Kind kind, String baseRevision, String baseRef, WorkingTreeDiff.Result diff,
                   String error) {
        enum Kind { CHANGED, UNCHANGED, ERROR }

        static Outcome error(String repository, String error) {
            return new Outcome(repository, Kind.ERROR, null, null, null, error);
        }

        /** One line for the user: files changed, unchanged, or what failed. */
        String describe() {
            return switch (kind) {
                case CHANGED -> repository + ": " + diff.files() + " file" + (diff.files() == 1 ? "" : "s")
                        + " changed (+" + diff.added() + " -" + diff.deleted() + ")";
                case UNCHANGED -> repository + ": unchanged";
                case ERROR -> repository + ": " + error;
            };
        }
    }

    private final List<String> command;
    private final Duration timeout;
    private final String baseRef;
    private final String token;
    private final Path scratch;

    /**
     * @param baseRef the branch to clone, or null for each repository's default branch
     * @param scratch where clones are made (each in its own folder, deleted afterwards)
     */
    RepositoryRun(List<String> command, Duration timeout, String baseRef, String token, Path scratch) {
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.baseRef = baseRef;
        this.token = token;
        this.scratch = scratch;
    }

    Outcome run(RepositorySelector.Selected repo) {
        if (repo.error() != null) {
            return Outcome.error(repo.repository(), repo.error());
        }
        String branch = baseRef != null ? baseRef : repo.defaultBranch();
        Path dir;
        try {
            dir = Files.createTempDirectory(scratch, repo.repository().replace('/', '_') + "-");
        } catch (IOException e) {
            return Outcome.error(repo.repository(), "cannot make a folder for the clone: " + e.getMessage());
        }
        Path tree = dir.resolve("tree");
        Path log = dir.resolve("command.log");
        try (Git git = Git.cloneRepository().setURI(repo.cloneUrl()).setDirectory(tree.toFile()).setDepth(1)
                .setBranch(branch).setCloneAllBranches(false)
                .setCredentialsProvider(token == null ? null : new UsernamePasswordCredentialsProvider(
                        "x-access-token", token)).call()) {
            if (git.getRepository().resolve("HEAD") == null) {
                return Outcome.error(repo.repository(), "clone failed: branch " + branch + " does not exist (or the "
                        + "repository is empty)");
            }
            String base = git.getRepository().resolve("HEAD").name();
            String failure = runCommand(repo.repository(), tree.toFile(), log);
            if (failure != null) {
                return Outcome.error(repo.repository(), failure);
            }
            WorkingTreeDiff.Result diff = WorkingTreeDiff.of(git);
            return new Outcome(repo.repository(), diff.unchanged() ? Outcome.Kind.UNCHANGED : Outcome.Kind.CHANGED,
                    base, branch, diff, null);
        } catch (GitAPIException | org.eclipse.jgit.api.errors.JGitInternalException e) {
            return Outcome.error(repo.repository(), "clone failed: " + rootMessage(e));
        } catch (IOException e) {
            return Outcome.error(repo.repository(), "cannot read the changes: " + e.getMessage());
        } finally {
            delete(dir);
        }
    }

    /** Runs the command; null when it exited 0, else why it failed (exit code or timeout, and its last lines). */
    private String runCommand(String repository, File tree, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(tree).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("REPOSITORY", repository);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return "command could not start: " + e.getMessage();
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                return "command timed out after " + timeout.toSeconds() + " s (--timeout)" + tail(log);
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        return process.exitValue() == 0 ? null : "command failed with exit code " + process.exitValue() + tail(log);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            Deque<String> last = new ArrayDeque<>();
            for (String l : lines) {
                if (!l.isBlank()) {
                    last.addLast(l);
                    if (last.size() > TAIL_LINES) {
                        last.removeFirst();
                    }
                }
            }
            return last.isEmpty() ? "" : "; last output:\n    " + String.join("\n    ", last);
        } catch (IOException e) {
            return "";
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        return t == e ? m : e.getMessage() + " (" + m + ")";
    }

    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temporary folder harms nothing
        }
    }
}
