package dev.campaigns.handlers;

import dev.campaigns.domain.OwnerRule;
import java.util.Map;
import java.util.function.Function;

/**
 * An AppSync direct Lambda resolver: dispatches on the field being resolved. What a resolver throws becomes the
 * GraphQL error (its class name the error type, its message the message).
 */
public abstract class ResolverHandler extends JsonHandler<AppSyncEvent> {
    private final OwnerRule ownerRule;
    private final Runnable priming;

    /**
     * @param ownerRule who a caller is ({@code SESSION_OWNED_ROLES})
     * @param priming   the SnapStart priming of the collaborators (builds clients, loads classes; reads no secret)
     */
    protected ResolverHandler(OwnerRule ownerRule, Runnable priming) {
        super(AppSyncEvent.class);
        this.ownerRule = ownerRule;
        this.priming = priming;
    }

    @Override
    protected final Object handle(AppSyncEvent event) {
        Function<AppSyncEvent, Object> resolver = resolvers().get(event.field());
        if (resolver == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " does not resolve " + event.field());
        }
        return resolver.apply(event);
    }

    /** The caller's owner, by the configured {@link dev.campaigns.domain.OwnerRule}; refuses a call without one. */
    protected final String owner(AppSyncEvent event) {
        return event.owner(ownerRule);
    }

    /** Also builds the DynamoDB client and loads the classes the resolvers use. */
    @Override
    protected void prime() {
        super.prime();
        priming.run();
    }

    /** The fields this handler resolves, by "Type.field". */
    protected abstract Map<String, Function<AppSyncEvent, Object>> resolvers();
}
