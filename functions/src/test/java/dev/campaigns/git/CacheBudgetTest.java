package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which repositories leave the cache: least recently used first, never one in use, only down to the budget. */
class CacheBudgetTest {
    static CacheBudget.Entry e(String name, long bytes, long lastUse, boolean inUse) {
        return new CacheBudget.Entry(name, bytes, lastUse, inUse);
    }

    static List<String> victims(long max, CacheBudget.Entry... entries) {
        return CacheBudget.victims(List.of(entries), max).stream().map(CacheBudget.Entry::name).toList();
    }

    @Test
    void withinTheBudgetNothingGoes() {
        assertEquals(List.of(), victims(300, e("a", 100, 1, false), e("b", 200, 2, false)));
        assertEquals(List.of(), victims(0));
    }

    @Test
    void leastRecentlyUsedFirstUntilWithinTheBudget() {
        // 600 bytes, budget 300: c (oldest) and a go; b, the most recent, stays
        assertEquals(List.of("c", "a"), victims(300, e("a", 200, 5, false), e("b", 250, 9, false), e("c", 150, 1, false)));
        // one old large repository is enough
        assertEquals(List.of("big"), victims(300, e("big", 500, 0, false), e("small", 100, 7, false)));
        // repositories found on disk (negative times) go before any used here
        assertEquals(List.of("found"), victims(200, e("found", 100, -1, false), e("used", 150, 1, false)));
    }

    @Test
    void aRepositoryInUseNeverGoes() {
        assertEquals(List.of("b"), victims(300, e("a", 400, 1, true), e("b", 100, 2, false)));
        // in use and alone above the budget: it stays, the others go
        assertEquals(List.of("b", "c"), victims(0, e("a", 400, 1, true), e("b", 100, 2, false), e("c", 1, 3, false)));
        assertEquals(List.of(), victims(10, e("a", 400, 1, true)));
    }

    @Test
    void tiesGoByName() {
        assertEquals(List.of("a"), victims(100, e("b", 100, 1, false), e("a", 100, 1, false)));
    }
}
