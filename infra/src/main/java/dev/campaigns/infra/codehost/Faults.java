package dev.campaigns.infra.codehost;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The faults currently injected by a {@link LocalCodeHost}. The first registered fault that claims a request applies;
 * exhausted faults stay listed (their {@link Fault#hits()} remain readable) but no longer match. Thread-safe.
 */
public final class Faults {

    private final List<Fault> faults = new CopyOnWriteArrayList<>();

    /** Registers {@code fault} and returns it (to read its hits later). */
    public Fault add(Fault fault) {
        faults.add(fault);
        return fault;
    }

    /** Removes every fault. */
    public void clear() {
        faults.clear();
    }

    Fault claim(String method, String path) {
        for (Fault fault : faults) {
            if (fault.claim(method, path)) {
                return fault;
            }
        }
        return null;
    }
}
