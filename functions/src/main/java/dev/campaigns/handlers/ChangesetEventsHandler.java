package dev.campaigns.handlers;

import dev.campaigns.service.WebhookDelivery;

/** Consumes queued webhook deliveries: each message syncs the changesets it names, once per delivery ID. */
public final class ChangesetEventsHandler extends SqsHandler {
    public ChangesetEventsHandler() {
        this(Services.fromEnvironment());
    }

    public ChangesetEventsHandler(Services services) {
        super(services);
    }

    @Override
    protected void handleMessage(String body) {
        services.changesets().handleDelivery(WebhookDelivery.fromJson(body));
    }
}
