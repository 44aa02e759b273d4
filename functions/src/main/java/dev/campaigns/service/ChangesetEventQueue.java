package dev.campaigns.service;

/** Where verified webhook deliveries wait for the consumer (SQS in AWS and, through ElasticMQ, locally). */
@FunctionalInterface
public interface ChangesetEventQueue {
    void send(WebhookDelivery delivery);
}
