package dev.campaigns.service;

import java.time.Duration;

/**
 * Where cancelCampaign hands the jobs it caught mid pull request to the close queue's consumer (SQS in AWS and,
 * through ElasticMQ, locally), and where that consumer puts back the ones to look at again.
 */
@FunctionalInterface
public interface InFlightPullRequestQueue {
    /** Queues {@code request}, to be delivered no sooner than {@code delay} from now (at most 15 minutes). */
    void send(InFlightPullRequestsRequest request, Duration delay);
}
