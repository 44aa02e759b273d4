package dev.campaigns.handlers;

import dev.campaigns.service.ChangesetOperationRequest;
import dev.campaigns.service.ChangesetOperations;

/**
 * Consumes {@code ChangesetOperationsQueue}: acts on the changesets a message names for their bulk operation
 * ({@link ChangesetOperations#run}). When pacing or the code host's rate limit stops it, the changesets left are
 * queued again with the delay and the message succeeds; a transient failure is reported for that message alone.
 */
public final class ChangesetOperationsHandler extends SqsHandler {
    public ChangesetOperationsHandler() {
        this(Services.fromEnvironment());
    }

    public ChangesetOperationsHandler(Services services) {
        super(services);
    }

    @Override
    protected void handleMessage(String body) {
        ChangesetOperations.Continuation rest = services.changesetOperations()
                .run(ChangesetOperationRequest.fromJson(body));
        if (rest != null) {
            services.changesetOperationQueue().send(rest.rest(), rest.delay());
        }
    }
}
