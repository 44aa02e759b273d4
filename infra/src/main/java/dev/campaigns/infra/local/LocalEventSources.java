package dev.campaigns.infra.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.campaigns.infra.sfn.InvocationResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Lambda's SQS event source mappings, locally: one thread per {@code Type: SQS} event of the template long-polls
 * its queue, invokes the function with an SQS event of up to {@code BatchSize} records, and deletes the messages
 * that succeeded: all of them, or, with {@code ReportBatchItemFailures}, all but the reported ones. As in AWS, the
 * mapping receives and deletes with the consuming function's role (through the IAM gateway, so the role must allow
 * it). A failed message becomes visible again after one second (in AWS: when the visibility timeout ends; the local
 * runtime shortens that wait with its own client, which is no call of the function's) and after the queue's
 * {@code maxReceiveCount} lands in its dead-letter queue.
 */
public final class LocalEventSources implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Thread> pollers = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger inFlight = new AtomicInteger();

    private final List<SqsClient> clients = new ArrayList<>();

    /**
     * @param pollerClient an SQS client signed with the role of the function (by logical ID) that consumes a queue
     */
    public LocalEventSources(List<SamTemplate.FunctionEvent> events, LocalSqs sqs, LocalLambdas lambdas,
                             java.util.function.Function<String, SqsClient> pollerClient) {
        for (SamTemplate.FunctionEvent e : events) {
            if (!"SQS".equals(e.type())) {
                continue;
            }
            String queue = e.properties().path("Queue").path("Fn::GetAtt").path(0).asText();
            String url = sqs.urls().get(queue);
            if (url == null) {
                throw new IllegalStateException(e.functionLogicalId() + " reads unknown queue " + queue);
            }
            int batch = e.properties().path("BatchSize").asInt(10);
            boolean partial = false;
            for (JsonNode t : e.properties().path("FunctionResponseTypes")) {
                partial |= "ReportBatchItemFailures".equals(t.asText());
            }
            String arn = sqs.arns().get(queue);
            boolean reportsFailures = partial;
            SqsClient client = pollerClient.apply(e.functionLogicalId());
            clients.add(client);
            Thread t = new Thread(() -> poll(client, sqs.client(), url, arn, batch, reportsFailures,
                    e.functionLogicalId(), lambdas), "sqs-event-source-" + e.functionLogicalId());
            t.setDaemon(true);
            t.start();
            pollers.add(t);
        }
    }

    private void poll(SqsClient sqs, SqsClient runtime, String url, String arn, int batch, boolean partial,
                      String function, LocalLambdas lambdas) {
        while (running.get()) {
            try {
                List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(Math.min(10, batch))
                        .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
                if (messages.isEmpty()) {
                    continue;
                }
                inFlight.incrementAndGet();
                try {
                    deliver(sqs, runtime, url, arn, partial, function, lambdas, messages);
                } finally {
                    inFlight.decrementAndGet();
                }
            } catch (RuntimeException ex) {
                if (running.get()) {
                    System.err.println("local SQS event source for " + function + ": " + ex.getMessage());
                    sleep(500);
                }
            }
        }
    }

    private static void deliver(SqsClient sqs, SqsClient runtime, String url, String arn, boolean partial,
                                String function, LocalLambdas lambdas, List<Message> messages) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributesAsStrings().forEach(attributes::put);
            r.putObject("messageAttributes");
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", arn);
            r.put("awsRegion", "us-east-1");
        }
        InvocationResult result = lambdas.invoke(function, event.toString());
        Set<String> failed = new HashSet<>();
        if (result.isFunctionError()) {
            messages.forEach(m -> failed.add(m.messageId()));
        } else if (partial) {
            try {
                for (JsonNode f : JSON.readTree(result.payloadJson()).path("batchItemFailures")) {
                    failed.add(f.path("itemIdentifier").asText());
                }
            } catch (java.io.IOException e) {
                messages.forEach(m -> failed.add(m.messageId()));
            }
        }
        for (Message m : messages) {
            if (failed.contains(m.messageId())) {
                runtime.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())
                        .visibilityTimeout(1));
            } else {
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
    }

    /** Whether a batch is being handled right now. */
    public boolean busy() {
        return inFlight.get() > 0;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread t : pollers) {
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clients.forEach(SqsClient::close);
    }
}
