package dev.campaigns.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.git.BotIdentity;
import dev.campaigns.git.RemoteCredentials;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The token is read on first use only, once; redaction never reads it. */
class OnDemandCodeHostAccessTest {
    private static final String TOKEN = "ghp_onDemand0123456789";

    @Test
    void redactionBeforeTheTokenIsReadLeavesTheTextAndReadsNothing() {
        AtomicInteger reads = new AtomicInteger();
        OnDemandCodeHostAccess access = new OnDemandCodeHostAccess(() -> {
            reads.incrementAndGet();
            return new CodeHostAccess(null, new RemoteCredentials(TOKEN), new BotIdentity("bot", "bot@example.com"));
        });
        assertEquals("failed: no such table", access.redact("failed: no such table"));
        assertEquals(null, access.redact(null));
        assertFalse(access.built());
        assertEquals(0, reads.get(), "redaction read the token");
    }

    @Test
    void afterTheFirstUseTheTokenIsReadOnceAndRedacted() {
        AtomicInteger reads = new AtomicInteger();
        OnDemandCodeHostAccess access = new OnDemandCodeHostAccess(() -> {
            reads.incrementAndGet();
            return new CodeHostAccess(null, new RemoteCredentials(TOKEN), new BotIdentity("bot", "bot@example.com"));
        });
        CodeHostAccess first = access.get();
        assertSame(first, access.get());
        assertEquals(1, reads.get());
        assertTrue(access.built());
        assertEquals("push to https://x-access-token:***@host refused",
                access.redact("push to https://x-access-token:" + TOKEN + "@host refused"));
    }
}
