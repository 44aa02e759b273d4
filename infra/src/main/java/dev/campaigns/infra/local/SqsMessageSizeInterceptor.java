package dev.campaigns.infra.local;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * SQS's message size limit for the local queues. ElasticMQ accepts any message up to 1 MiB whatever the queue's
 * {@code MaximumMessageSize}; SQS refuses a message larger than its queue's (256 KiB, 262,144 bytes, unless the
 * template sets another) with {@code InvalidParameterValue}. Registered for every SDK client of the JVM through
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}, this refuses such a SendMessage before it is
 * sent, with SQS's error, for the queues {@link LocalSqs} created; it does nothing for other requests.
 */
public final class SqsMessageSizeInterceptor implements ExecutionInterceptor {
    private static final Map<String, Integer> MAX_BYTES_BY_QUEUE_URL = new ConcurrentHashMap<>();

    static void register(String queueUrl, int maxBytes) {
        MAX_BYTES_BY_QUEUE_URL.put(queueUrl, maxBytes);
    }

    static void unregister(String queueUrl) {
        MAX_BYTES_BY_QUEUE_URL.remove(queueUrl);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof SendMessageRequest send)) {
            return;
        }
        Integer max = MAX_BYTES_BY_QUEUE_URL.get(send.queueUrl());
        if (max == null) {
            return;
        }
        if (size(send) > max) {
            throw (SqsException) SqsException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                    .serviceName("Sqs").errorCode("InvalidParameterValue")
                    .errorMessage("One or more parameters are invalid. Reason: Message must be shorter than " + max
                            + " bytes.").build()).build();
        }
    }

    /** The message's size as SQS counts it: the body and each attribute's name, type and value. */
    static long size(SendMessageRequest send) {
        long n = utf8(send.messageBody());
        if (send.hasMessageAttributes()) {
            for (Map.Entry<String, MessageAttributeValue> a : send.messageAttributes().entrySet()) {
                n += utf8(a.getKey()) + utf8(a.getValue().dataType()) + utf8(a.getValue().stringValue());
                if (a.getValue().binaryValue() != null) {
                    n += a.getValue().binaryValue().asByteArray().length;
                }
            }
        }
        return n;
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
