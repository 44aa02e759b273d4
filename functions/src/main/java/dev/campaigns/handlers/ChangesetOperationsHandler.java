package dev.campaigns.handlers;

import dev.campaigns.service.ChangesetOperationQueue;
import dev.campaigns.service.ChangesetOperationRequest;
import dev.campaigns.service.ChangesetOperations;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Consumes {@code ChangesetOperationsQueue}: acts on the changesets a message names for their bulk operation
 * ({@link ChangesetOperations#run}). When pacing or the code host's rate limit stops it, the changesets left are
 * queued again with the delay and the message succeeds; a transient failure is reported for that message alone.
 */
public final class ChangesetOperationsHandler extends SqsHandler {
    private final Supplier<ChangesetOperations> operations;
    private final Supplier<ChangesetOperationQueue> queue;

    public ChangesetOperationsHandler() {
        this(Services.fromEnvironment());
    }

    ChangesetOperationsHandler(Services services) {
        this(services::changesetOperations, services::changesetOperationQueue, services::redact);
    }

    public ChangesetOperationsHandler(Supplier<ChangesetOperations> operations, Supplier<ChangesetOperationQueue> queue,
                                      UnaryOperator<String> redact) {
        super(redact);
        this.operations = operations;
        this.queue = queue;
    }

    @Override
    protected void handleMessage(String body) {
        ChangesetOperations.Continuation rest = operations.get()
                .run(ChangesetOperationRequest.fromJson(body));
        if (rest != null) {
            queue.get().send(rest.rest(), rest.delay());
        }
    }
}
