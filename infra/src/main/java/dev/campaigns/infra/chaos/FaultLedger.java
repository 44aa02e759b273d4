package dev.campaigns.infra.chaos;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** How many faults of each kind were actually injected (not merely drawn). Thread-safe. */
public final class FaultLedger {
    private final AtomicLongArray counts = new AtomicLongArray(FaultKind.values().length);

    public void record(FaultKind kind) {
        counts.incrementAndGet(kind.ordinal());
    }

    void add(FaultKind kind, long n) {
        counts.addAndGet(kind.ordinal(), n);
    }

    public long count(FaultKind kind) {
        return counts.get(kind.ordinal());
    }

    public long total() {
        long total = 0;
        for (int i = 0; i < counts.length(); i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** Every kind with its count, in declaration order. */
    public Map<FaultKind, Long> byKind() {
        Map<FaultKind, Long> out = new EnumMap<>(FaultKind.class);
        for (FaultKind k : FaultKind.values()) {
            out.put(k, count(k));
        }
        return out;
    }
}
