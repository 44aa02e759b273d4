package dev.campaigns.handlers;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart priming: Lambda snapshots each function's initialised JVM (template.yaml: {@code SnapStart:
 * ApplyOn: PublishedVersions}) and restores it instead of starting a JVM. What runs before the snapshot is then free
 * at every cold start, so before the checkpoint this resource runs the handler's priming: Jackson reading and
 * writing the handler's event type, the AWS SDK clients built (no request sent), the heavy libraries' classes
 * loaded. Priming has no side effects: nothing is read from or written to any service, and no secret is fetched
 * (a token must not live in a snapshot).
 *
 * <p>The CRaC context keeps weak references, so the handler keeps this resource in a field. Without a CRaC JVM
 * (tests, the embedded runtime) the hooks never run; {@link #prime()} can also be called directly.
 */
public final class SnapStartPriming implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);
    private final Runnable priming;

    private SnapStartPriming(Runnable priming) {
        this.priming = priming;
    }

    /** Registers {@code priming} to run before the snapshot; keep the returned resource referenced. */
    public static SnapStartPriming register(Runnable priming) {
        SnapStartPriming resource = new SnapStartPriming(priming);
        Core.getGlobalContext().register(resource);
        return resource;
    }

    /** Runs the priming now; a failure is logged and ignored (priming only saves time). */
    public void prime() {
        try {
            priming.run();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("priming failed (the function still works, its cold start is slower): {}", e.toString());
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to refresh: clients hold no connection and no credentials were resolved before the snapshot
    }

    /** Loads and initialises classes by name (those absent are skipped). */
    static void load(String... classNames) {
        for (String name : classNames) {
            try {
                Class.forName(name, true, SnapStartPriming.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // not on this function's path
            }
        }
    }
}
