package dev.campaigns.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.git.GitEngineConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The git engine's settings read from the functions' environment. */
class ServicesGitConfigTest {
    @Test
    void defaultsWhenUnset() {
        GitEngineConfig c = new Services(Map.of()).gitConfig();
        assertEquals(GitEngineConfig.DEFAULT_SNAPSHOT_READS, c.snapshotReads());
        assertEquals(GitEngineConfig.defaults().timeout(), c.timeout());
        assertEquals(GitEngineConfig.DEFAULT_CACHE_MAX_BYTES, c.cacheMaxBytes());
    }

    @Test
    void cacheBudgetInMegabytes() {
        assertEquals(100L << 20, new Services(Map.of("GIT_CACHE_MAX_MB", "100")).gitConfig().cacheMaxBytes());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Services(Map.of("GIT_CACHE_MAX_MB", "lots")).gitConfig());
        assertTrue(e.getMessage().contains("GIT_CACHE_MAX_MB") && e.getMessage().contains("lots"), e.getMessage());
    }

    @Test
    void snapshotReadsCacheDirAndTimeoutFromTheEnvironment() {
        GitEngineConfig c = new Services(Map.of("GIT_SNAPSHOT_READS", " 500 ", "GIT_CACHE_DIR", "/tmp/x",
                "CODE_HOST_TIMEOUT_SECONDS", "7")).gitConfig();
        assertEquals(500, c.snapshotReads());
        assertEquals("/tmp/x", c.cacheDir().toString());
        assertEquals(Duration.ofSeconds(7), c.timeout());
    }

    @Test
    void aBadSnapshotReadsValueIsAClearError() {
        for (String bad : new String[] {"-1", "many", "2.5"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new Services(Map.of("GIT_SNAPSHOT_READS", bad)).gitConfig());
            assertTrue(e.getMessage().contains("GIT_SNAPSHOT_READS") && e.getMessage().contains(bad), e.getMessage());
        }
    }
}
