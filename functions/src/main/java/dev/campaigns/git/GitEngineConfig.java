package dev.campaigns.git;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and places of a {@link GitEngine}.
 *
 * @param cacheDir       where the per-process cache of fetched bases lives (one bare, shallow repository per
 *                       remote URL); in Lambda this is under {@code /tmp}, reused by warm invocations
 * @param maxPatchBytes  largest patch accepted ({@link PatchTooLargeException} above)
 * @param maxFiles       most files one patch may touch
 * @param maxBlobBytes   largest file the patch may produce (bounds memory: binary hunks inflate)
 * @param timeout        network timeout of one remote operation
 * @param compression    zlib level of the stored bundles (0-9)
 * @param snapshotReads  a patch that must read more base files than this fetches the base's whole snapshot in one
 *                       request instead of its trees and those files by id (see {@code docs/git-engine.md})
 * @param parallelism    threads one commit may use for its CPU-bound parts (applying a large patch's files ahead,
 *                       deflating a large bundle): the calling thread plus {@code parallelism - 1} helper threads
 *                       the engine owns (1: the calling thread alone)
 * @param pushMode       which push transports the push step uses, in which order (see {@link PushMode})
 * @param cacheMaxBytes  the base cache's budget on disk: after each use and each fetch, the least recently used
 *                       repositories not in use are removed until the cache holds at most this many bytes (a
 *                       SnapStart function's {@code /tmp} is 512 MB)
 */
public record GitEngineConfig(Path cacheDir, long maxPatchBytes, int maxFiles, long maxBlobBytes, Duration timeout,
                              int compression, int snapshotReads, int parallelism,
                              PushMode pushMode, long cacheMaxBytes) {
    public static final long DEFAULT_MAX_PATCH_BYTES = 10L << 20;
    public static final int DEFAULT_MAX_FILES = 10_000;
    public static final long DEFAULT_MAX_BLOB_BYTES = 100L << 20;
    /**
     * A server builds a pack of blobs asked for by id object by object (each one's stored delta is against an
     * object it does not send, so it inflates the blob and searches for a new delta), while a snapshot reuses
     * its stored deltas: beyond about 20 blobs the snapshot was cheaper on every repository of the real-diff
     * corpus. A deployment for very large repositories can raise it.
     */
    public static final int DEFAULT_SNAPSHOT_READS = 20;
    /** Half of the 512 MB of {@code /tmp} a SnapStart function has: room for a large fetch and the JVM's own files. */
    public static final long DEFAULT_CACHE_MAX_BYTES = 256L << 20;

    /** How the push step sends a commit. */
    public enum PushMode {
        /**
         * The stored bundle's pack verbatim (needs only the bundle), and JGit's push from the base cache where the
         * remote no longer advertises the base. The default.
         */
        PACK,
        /** JGit's push from the base cache always (fetches the base's commit and trees first): a fallback switch. */
        JGIT
    }

    public GitEngineConfig {
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(pushMode, "pushMode");
        Objects.requireNonNull(timeout, "timeout");
        if (maxPatchBytes <= 0 || maxFiles <= 0 || maxBlobBytes <= 0 || compression < 0 || compression > 9
                || snapshotReads < 0 || parallelism < 1 || cacheMaxBytes < 0) {
            throw new IllegalArgumentException("limits must be positive, compression 0-9, snapshotReads >= 0, "
                    + "parallelism >= 1, cacheMaxBytes >= 0");
        }
    }

    /** The helper threads' default: the available processors, at most 4 (more measured no faster). */
    public static int defaultParallelism() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * 10 MiB patches, 10,000 files, 100 MiB per file, 60 s timeout, cache under {@code java.io.tmpdir} kept to
     * 256 MiB, the pack push, bundles deflated at level 1 (fast; most of a bundle's bytes are new blobs, often already compressed
     * assets), the available processors (at most 4) for a large commit's CPU-bound parts.
     */
    public static GitEngineConfig defaults() {
        return new GitEngineConfig(Path.of(System.getProperty("java.io.tmpdir"), "campaigns-git"),
                DEFAULT_MAX_PATCH_BYTES, DEFAULT_MAX_FILES, DEFAULT_MAX_BLOB_BYTES, Duration.ofSeconds(60), 1,
                DEFAULT_SNAPSHOT_READS, defaultParallelism(), PushMode.PACK,
                DEFAULT_CACHE_MAX_BYTES);
    }

    public GitEngineConfig withCacheDir(Path dir) {
        return new GitEngineConfig(dir, maxPatchBytes, maxFiles, maxBlobBytes, timeout, compression, snapshotReads, parallelism, pushMode, cacheMaxBytes);
    }

    public GitEngineConfig withMaxPatchBytes(long bytes) {
        return new GitEngineConfig(cacheDir, bytes, maxFiles, maxBlobBytes, timeout, compression, snapshotReads, parallelism, pushMode, cacheMaxBytes);
    }

    public GitEngineConfig withMaxFiles(int files) {
        return new GitEngineConfig(cacheDir, maxPatchBytes, files, maxBlobBytes, timeout, compression, snapshotReads, parallelism, pushMode, cacheMaxBytes);
    }

    public GitEngineConfig withMaxBlobBytes(long bytes) {
        return new GitEngineConfig(cacheDir, maxPatchBytes, maxFiles, bytes, timeout, compression, snapshotReads, parallelism, pushMode, cacheMaxBytes);
    }

    public GitEngineConfig withTimeout(Duration t) {
        return new GitEngineConfig(cacheDir, maxPatchBytes, maxFiles, maxBlobBytes, t, compression, snapshotReads, parallelism, pushMode, cacheMaxBytes);
    }

    public GitEngineConfig withCompression(int level) {
        return new GitEngineConfig(cacheDir, maxPatchBytes, maxFiles, maxBlobBytes, timeout, level, snapshotReads, parallelism, pushMode, cacheMaxBytes);
    }

    public GitEngineConfig withSnapshotReads(int reads) {
        return new GitEngineConfig(cacheDir, maxPatchBytes, maxFiles, maxBlobBytes, timeout, compression, reads, parallelism, pushMode, cacheMaxBytes);
    }

    public GitEngineConfig withParallelism(int threads) {
        return new GitEngineConfig(cacheDir, maxPatchBytes, maxFiles, maxBlobBytes, timeout, compression, snapshotReads, threads, pushMode, cacheMaxBytes);
    }

    public GitEngineConfig withPushMode(PushMode mode) {
        return new GitEngineConfig(cacheDir, maxPatchBytes, maxFiles, maxBlobBytes, timeout, compression, snapshotReads, parallelism, mode, cacheMaxBytes);
    }

    public GitEngineConfig withCacheMaxBytes(long bytes) {
        return new GitEngineConfig(cacheDir, maxPatchBytes, maxFiles, maxBlobBytes, timeout, compression, snapshotReads, parallelism, pushMode, bytes);
    }
}
