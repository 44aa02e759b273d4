package dev.campaigns.service;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The code host access of one function, built (and the code host token read from Secrets Manager) the first time a
 * step that talks to the code host asks for it. Functions that never talk to the code host never read the token,
 * so their roles need no access to its secret.
 *
 * <p>{@link #redact} never reads the token: it redacts with the token if this function has already read it, and
 * otherwise leaves the text as it is. A text cannot hold the token of a function that never read it; an error that
 * reached a recording step from another function was redacted by that function before it left it.
 */
public final class OnDemandCodeHostAccess implements Supplier<CodeHostAccess> {
    private final Supplier<CodeHostAccess> factory;
    private volatile CodeHostAccess access;

    /** @param factory builds the access (reads the token); called at most once */
    public OnDemandCodeHostAccess(Supplier<CodeHostAccess> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** An access built already (tests, tools). */
    public static OnDemandCodeHostAccess of(CodeHostAccess access) {
        OnDemandCodeHostAccess built = new OnDemandCodeHostAccess(() -> access);
        built.access = Objects.requireNonNull(access, "access");
        return built;
    }

    /** The access, built on first use. */
    @Override
    public CodeHostAccess get() {
        CodeHostAccess a = access;
        if (a == null) {
            synchronized (this) {
                a = access;
                if (a == null) {
                    a = Objects.requireNonNull(factory.get(), "the code host access factory returned null");
                    access = a;
                }
            }
        }
        return a;
    }

    /** Whether the access (and so the token) has been built in this function. */
    public boolean built() {
        return access != null;
    }

    /** {@code text} with the token replaced by "***" if this function has read the token; never reads it. */
    public String redact(String text) {
        CodeHostAccess a = access;
        return a == null ? text : a.redact(text);
    }
}
