package dev.campaigns.handlers;

import dev.campaigns.service.ChangesetService;
import dev.campaigns.service.WebhookDelivery;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** Consumes queued webhook deliveries: each message syncs the changesets it names, once per delivery ID. */
public final class ChangesetEventsHandler extends SqsHandler {
    private final Supplier<ChangesetService> changesets;

    public ChangesetEventsHandler() {
        this(Services.fromEnvironment());
    }

    ChangesetEventsHandler(Services services) {
        this(services::changesets, services::redact);
    }

    public ChangesetEventsHandler(Supplier<ChangesetService> changesets, UnaryOperator<String> redact) {
        super(redact);
        this.changesets = changesets;
    }

    @Override
    protected void handleMessage(String body) {
        changesets.get().handleDelivery(WebhookDelivery.fromJson(body));
    }
}
