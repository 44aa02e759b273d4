package dev.campaigns.git;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.storage.file.WindowCacheConfig;

/**
 * Sizes JGit's process-wide pack caches for the engine's work, once per JVM. JGit's defaults are made for
 * small embedded uses (10 MiB of 8 KiB pack windows read into the heap, 10 MiB of delta bases): a job reads
 * base blobs at the end of long delta chains, and a cold window cache re-reads the pack file for every
 * object. These are closer to git's own defaults (windows memory-mapped, so off the heap, 64 KiB each; a
 * 64 MiB delta base cache). The settings are JGit's global state, not ours to hold: this only installs them.
 */
final class JGitCaches {
    static final long PACK_WINDOWS_BYTES = 256L << 20;
    static final int WINDOW_BYTES = 64 << 10;
    static final int DELTA_BASE_CACHE_BYTES = 64 << 20;

    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private JGitCaches() {}

    static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            WindowCacheConfig c = new WindowCacheConfig();
            c.setPackedGitLimit(PACK_WINDOWS_BYTES);
            c.setPackedGitWindowSize(WINDOW_BYTES);
            c.setPackedGitMMAP(true);
            c.setDeltaBaseCacheLimit(DELTA_BASE_CACHE_BYTES);
            c.install();
        }
    }
}
