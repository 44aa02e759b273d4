package dev.campaigns.service;

import java.time.Duration;

/** Where bulk operation requests wait for their consumer (SQS {@code ChangesetOperationsQueue}). */
@FunctionalInterface
public interface ChangesetOperationQueue {
    /** Queues {@code request}, delivered no sooner than {@code delay} from now (at most 15 minutes). */
    void send(ChangesetOperationRequest request, Duration delay);
}
