package dev.campaigns.git;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which cached repositories to remove to keep the base cache within its budget: the least recently used first,
 * until the total is at most the budget; never one in use (a running commit or push reads it). If the
 * repositories in use alone exceed the budget, every other one goes and those stay until released. Pure: the
 * sizes and times are given.
 */
final class CacheBudget {
    private CacheBudget() {}

    /**
     * One cached repository.
     *
     * @param name     its folder's name
     * @param bytes    its size on disk
     * @param lastUse  when it was last used, in any increasing unit (uses order it: lower is older)
     * @param inUse    whether a commit or push holds it now
     */
    record Entry(String name, long bytes, long lastUse, boolean inUse) {}

    /** The entries to remove, oldest first, to bring the total of {@code entries} to at most {@code maxBytes}. */
    static List<Entry> victims(Collection<Entry> entries, long maxBytes) {
        long total = 0;
        for (Entry e : entries) {
            total += e.bytes();
        }
        List<Entry> candidates = new ArrayList<>();
        for (Entry e : entries) {
            if (!e.inUse()) {
                candidates.add(e);
            }
        }
        candidates.sort(Comparator.comparingLong(Entry::lastUse).thenComparing(Entry::name));
        List<Entry> out = new ArrayList<>();
        for (Entry e : candidates) {
            if (total <= maxBytes) {
                break;
            }
            out.add(e);
            total -= e.bytes();
        }
        return out;
    }
}
