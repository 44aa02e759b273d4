package dev.campaigns.infra.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SQS on loopback (ElasticMQ, in process), with the queues of {@code template.yaml} created from their properties
 * (visibility timeout, redrive policy to the dead-letter queue, maximum message size: 256 KiB unless set), each named
 * after its logical ID, in the stack's region and account, so a queue's ARN is the one IAM policies name
 * ({@code arn:aws:sqs:REGION:ACCOUNT:NAME}). A message over its queue's maximum is refused as SQS refuses it
 * ({@link SqsMessageSizeInterceptor}). The functions reach it through the IAM gateway, the local runtime's own
 * client ({@link #client()}) directly.
 */
public final class LocalSqs implements AutoCloseable {
    /** SQS's MaximumMessageSize of a queue that sets none: 262,144 bytes (256 KiB). */
    static final int DEFAULT_MAXIMUM_MESSAGE_SIZE = 262_144;
    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient client;
    private final Map<String, String> urls = new HashMap<>();
    private final Map<String, String> arns = new HashMap<>();

    private LocalSqs(List<SamTemplate.Queue> queues, String region, String account) {
        this.server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().withAWSRegion(region)
                .withAWSAccountId(account).start();
        int port = server.waitUntilStarted().localAddress().getPort();
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.client = SqsClient.builder().endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        // Dead-letter queues first: a redrive policy names its target's ARN.
        List<SamTemplate.Queue> ordered = new java.util.ArrayList<>(queues);
        ordered.sort((a, b) -> Boolean.compare(a.properties().has("RedrivePolicy"), b.properties().has("RedrivePolicy")));
        for (SamTemplate.Queue q : ordered) {
            Map<QueueAttributeName, String> attributes = new HashMap<>();
            JsonNode p = q.properties();
            if (p.has("VisibilityTimeout")) {
                attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, p.get("VisibilityTimeout").asText());
            }
            JsonNode redrive = p.path("RedrivePolicy");
            if (!redrive.isMissingNode()) {
                String target = redrive.path("deadLetterTargetArn").path("Fn::GetAtt").path(0).asText();
                attributes.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arns.get(target)
                        + "\",\"maxReceiveCount\":\"" + redrive.path("maxReceiveCount").asText("5") + "\"}");
            }
            int maxMessageBytes = p.path("MaximumMessageSize").asInt(DEFAULT_MAXIMUM_MESSAGE_SIZE);
            attributes.put(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, Integer.toString(maxMessageBytes));
            String url = client.createQueue(b -> b.queueName(q.logicalId()).attributes(attributes)).queueUrl();
            SqsMessageSizeInterceptor.register(url, maxMessageBytes);
            urls.put(q.logicalId(), url);
            arns.put(q.logicalId(), client.getQueueAttributes(b -> b.queueUrl(url)
                    .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN));
        }
    }

    public static LocalSqs start(List<SamTemplate.Queue> queues, String region, String account) {
        return new LocalSqs(queues, region, account);
    }

    public URI endpoint() {
        return endpoint;
    }

    public SqsClient client() {
        return client;
    }

    /** Queue URL by logical ID (what {@code Ref} gives). */
    public Map<String, String> urls() {
        return Map.copyOf(urls);
    }

    /** Queue ARN by logical ID. */
    public Map<String, String> arns() {
        return Map.copyOf(arns);
    }

    @Override
    public void close() {
        urls.values().forEach(SqsMessageSizeInterceptor::unregister);
        client.close();
        server.stopAndWait();
    }
}
