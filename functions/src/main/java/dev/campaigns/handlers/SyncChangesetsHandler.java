package dev.campaigns.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.campaigns.service.ChangesetService;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scheduled sync (EventBridge schedule): re-reads the stalest changesets within {@code SYNC_REQUEST_BUDGET}
 * code host requests per run and above {@code SYNC_RESERVE_REQUESTS} left in the token's rate-limit window,
 * catching webhooks that never arrived.
 */
public final class SyncChangesetsHandler extends JsonHandler<JsonNode> {
    private final Supplier<ChangesetService> changesets;
    private final int requestBudget;
    private final int reserveRequests;

    public SyncChangesetsHandler() {
        this(Services.fromEnvironment());
    }

    SyncChangesetsHandler(Services services) {
        this(services::changesets, services.syncRequestBudget(), services.syncReserveRequests());
    }

    /**
     * @param requestBudget   code host requests one run may spend ({@code SYNC_REQUEST_BUDGET})
     * @param reserveRequests requests of the rate-limit window left to others ({@code SYNC_RESERVE_REQUESTS})
     */
    public SyncChangesetsHandler(Supplier<ChangesetService> changesets, int requestBudget, int reserveRequests) {
        super(JsonNode.class);
        this.changesets = changesets;
        this.requestBudget = requestBudget;
        this.reserveRequests = reserveRequests;
    }

    @Override
    protected Object handle(JsonNode event) {
        return Map.of("synced", changesets.get().syncStalest(requestBudget, reserveRequests));
    }
}
