package dev.campaigns.handlers;

import dev.campaigns.service.CloseChangesetsRequest;
import java.time.Duration;

/**
 * Consumes queued close requests: closes on the code host the campaign's own open pull requests a message names
 * and records their state. When GitHub's rate limit stops a message, the changesets not done yet are queued again
 * 15 minutes later (SQS's longest delay) and the message succeeds, so a long close does not use up the redrive
 * limit; any other failure is reported for that message alone, for SQS to retry.
 */
public final class CloseChangesetsHandler extends SqsHandler {
    static final Duration RATE_LIMITED_DELAY = Duration.ofMinutes(15);

    public CloseChangesetsHandler() {
        this(Services.fromEnvironment());
    }

    public CloseChangesetsHandler(Services services) {
        super(services);
    }

    @Override
    protected void handleMessage(String body) {
        CloseChangesetsRequest rest = services.changesets().closeChangesets(CloseChangesetsRequest.fromJson(body));
        if (rest != null) {
            services.changesetCloseQueue().send(rest, RATE_LIMITED_DELAY);
        }
    }
}
