package dev.campaigns.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The scheduled sync (EventBridge schedule): re-reads the stalest changesets within {@code SYNC_REQUEST_BUDGET}
 * code host requests per run and above {@code SYNC_RESERVE_REQUESTS} left in the token's rate-limit window,
 * catching webhooks that never arrived.
 */
public final class SyncChangesetsHandler extends JsonHandler<JsonNode> {
    private final Services services;

    public SyncChangesetsHandler() {
        this(Services.fromEnvironment());
    }

    public SyncChangesetsHandler(Services services) {
        super(JsonNode.class);
        this.services = services;
    }

    @Override
    protected Object handle(JsonNode event) {
        return Map.of("synced", services.changesets().syncStalest(services.syncRequestBudget(),
                services.syncReserveRequests()));
    }
}
