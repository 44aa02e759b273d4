package dev.campaigns.service;

import java.time.Duration;

/** Where close requests wait for the consumer (SQS in AWS and, through ElasticMQ, locally). */
@FunctionalInterface
public interface ChangesetCloseQueue {
    /** Queues {@code request}, to be delivered no sooner than {@code delay} from now (at most 15 minutes). */
    void send(CloseChangesetsRequest request, Duration delay);
}
