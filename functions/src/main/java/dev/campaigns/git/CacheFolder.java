package dev.campaigns.git;

import dev.campaigns.util.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The base cache's folder: one bare repository per remote URL (named after a hash of the URL), each used under a
 * {@link Lease}, and kept within a budget on disk.
 *
 * <p>The cache is disposable (a Lambda's {@code /tmp} dies with its container), but a warm container's
 * {@code /tmp} is small (512 MB under SnapStart) and would otherwise fill with the bases of every repository it
 * served. When a lease ends, and after each fetch ({@link #evictAfterChange}), the least recently used
 * repositories no lease holds are removed until the folder is within {@code maxBytes} ({@link CacheBudget}). A
 * repository in use is never removed under a running commit or push; one removed is fetched again when next
 * needed. A removed folder is first renamed (atomic, under this object's lock, so no new lease can see it half
 * deleted), then deleted. Folders left by an earlier engine or process are measured once and count as older than
 * anything used here. The guarantee is for the users of one engine (one JVM); processes sharing one cache folder
 * may remove each other's repositories.
 */
final class CacheFolder implements AutoCloseable {
    /** Folders being deleted after eviction (renamed first) start with this. */
    private static final String EVICTED = ".evicted-";

    private final Path dir;
    private final long maxBytes;
    /** Guards {@link #slots}, {@link #tick} and {@link #scanned}. */
    private final Object state = new Object();
    /** The repositories by folder name, including those found on disk and not yet used. */
    private final Map<String, Slot> slots = new java.util.HashMap<>();
    private long tick;
    private boolean scanned;

    /** The folder {@code dir} (created on first lease), kept to {@code maxBytes} ({@link Long#MAX_VALUE}: unbounded). */
    CacheFolder(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** Where the repository of {@code url} lives: {@code <key>.git}. */
    Path directoryFor(String url) {
        return dir.resolve(key(url) + ".git");
    }

    /** A remote's name in the folder (its repository, its lock file): a hash of the URL, which may hold secrets. */
    static String key(String url) {
        return Digests.sha256Hex(url, 12);
    }

    /** One cached repository: its folder, the remote it holds (null for a folder found on disk), its users. */
    private static final class Slot {
        final String name;
        final Path gitDir;
        String url;
        Repository repo;
        int users;
        long lastUse;
        long bytes;

        Slot(String name, Path gitDir) {
            this.name = name;
            this.gitDir = gitDir;
        }
    }

    /**
     * A use of one remote's cache repository (a commit, a JGit push): while any lease on it is open, it is not
     * evicted. Every method that reads or fetches into the repository of a URL needs one. Closing it (once) may
     * evict other repositories.
     */
    final class Lease implements AutoCloseable {
        private final Slot slot;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        private Lease(Slot slot) {
            this.slot = slot;
        }

        /** The cache repository (bare, shallow bases). */
        Repository repo() {
            return slot.repo;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                synchronized (state) {
                    slot.users--;
                    slot.lastUse = ++tick;
                }
                evict(slot);
            }
        }
    }

    /** A lease on the cache repository of {@code url}, created (an empty bare repository) on first use. */
    Lease lease(String url) {
        synchronized (state) {
            Slot slot = slots.computeIfAbsent(directoryFor(url).getFileName().toString(), n -> new Slot(n, dir.resolve(n)));
            if (slot.repo == null) {
                slot.repo = open(slot.gitDir);
            }
            slot.url = url;
            slot.users++;
            slot.lastUse = ++tick;
            return new Lease(slot);
        }
    }

    private static Repository open(Path gitDir) {
        try {
            Files.createDirectories(gitDir.getParent());
            if (!Files.exists(gitDir.resolve("config"))) {
                Git.init().setBare(true).setGitDir(gitDir.toFile()).setDirectory(gitDir.toFile()).call().close();
            }
            Repository r = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setBare().build();
            StoredConfig cfg = r.getConfig();
            cfg.setInt("gc", null, "auto", 0);
            cfg.setBoolean("core", null, "logAllRefUpdates", false);
            cfg.save();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the base cache " + gitDir, e);
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot create the base cache " + gitDir, e);
        }
    }

    /** The repository of {@code url}, which the caller holds a lease on. */
    Repository repo(String url) {
        synchronized (state) {
            Slot slot = slots.get(directoryFor(url).getFileName().toString());
            if (slot == null || slot.users == 0 || slot.repo == null) {
                throw new IllegalStateException("the cache repository of a remote is used without a lease");
            }
            return slot.repo;
        }
    }

    /** After a fetch into {@code url}'s repository: measures it and keeps the folder within its budget. */
    void evictAfterChange(String url) {
        evict(slotOf(url));
    }

    /**
     * Measures {@code changed} (null: nothing changed), then removes the least recently used repositories no
     * lease holds until the cache is within its budget. Sizes are read outside the lock; the removal (closing the
     * repository, renaming its folder) under it; the deletion of the renamed folders outside it again.
     */
    private void evict(Slot changed) {
        if (maxBytes == Long.MAX_VALUE) {
            return;
        }
        long size = changed == null ? 0 : sizeOf(changed.gitDir);
        List<Path> renamed = new java.util.ArrayList<>();
        synchronized (state) {
            if (changed != null && slots.get(changed.name) == changed) {
                changed.bytes = size;
            }
            scanOnce();
            List<CacheBudget.Entry> entries = new java.util.ArrayList<>();
            for (Slot s : slots.values()) {
                entries.add(new CacheBudget.Entry(s.name, s.bytes, s.lastUse, s.users > 0));
            }
            for (CacheBudget.Entry victim : CacheBudget.victims(entries, maxBytes)) {
                Slot s = slots.remove(victim.name());
                if (s.repo != null) {
                    s.repo.close();
                }
                Path to = dir.resolve(EVICTED + s.name + "-" + (++tick));
                try {
                    Files.move(s.gitDir, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    renamed.add(to);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // deleted by someone else already
                } catch (IOException e) {
                    deleteTree(s.gitDir); // cannot rename: delete in place, while no lease can be taken
                }
            }
        }
        renamed.forEach(CacheFolder::deleteTree);
    }

    /** The slot of {@code url}'s repository, if any. */
    private Slot slotOf(String url) {
        synchronized (state) {
            return slots.get(directoryFor(url).getFileName().toString());
        }
    }

    /**
     * Once per cache: the repositories an earlier engine or process left in the folder, measured, older than
     * anything used here (in the order of their folders' times); leftovers of an interrupted eviction deleted.
     */
    private void scanOnce() {
        if (scanned) {
            return;
        }
        scanned = true;
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> found = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> list = Files.list(dir)) {
            list.forEach(p -> {
                String name = p.getFileName().toString();
                if (name.startsWith(EVICTED)) {
                    deleteTree(p);
                } else if (name.endsWith(".git") && Files.isDirectory(p) && !slots.containsKey(name)) {
                    found.add(p);
                }
            });
        } catch (IOException e) {
            return; // nothing to learn: only what this engine uses is evicted
        }
        found.sort(java.util.Comparator.comparing(CacheFolder::modified));
        for (int i = 0; i < found.size(); i++) {
            Path p = found.get(i);
            Slot slot = new Slot(p.getFileName().toString(), p);
            slot.bytes = sizeOf(p);
            slot.lastUse = i - found.size(); // negative: older than every use here
            slots.put(slot.name, slot);
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** The bytes of the files under {@code p} (0 if it is gone). */
    static long sizeOf(Path p) {
        long[] total = {0};
        try {
            Files.walkFileTree(p, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                    total[0] += attrs.size();
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE; // deleted meanwhile
                }
            });
        } catch (IOException e) {
            // gone, or unreadable: counts as what was seen
        }
        return total[0];
    }

    private static void deleteTree(Path p) {
        try (java.util.stream.Stream<Path> walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException ignored) {
                    // best effort: a later scan deletes what is left
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Closes the repositories (their folders stay, for the next engine). */
    @Override
    public void close() {
        synchronized (state) {
            for (Slot s : slots.values()) {
                if (s.repo != null) {
                    s.repo.close();
                    s.repo = null;
                }
            }
        }
    }
}
