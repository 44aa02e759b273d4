package dev.campaigns.handlers;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.campaigns.service.ChangesetEventQueue;
import dev.campaigns.service.InvalidInputException;
import dev.campaigns.service.WebhookDelivery;
import dev.campaigns.service.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook endpoint (a Lambda function URL): verifies GitHub's {@code X-Hub-Signature-256} over the raw body
 * with the webhook secret, and enqueues what the delivery concerns on SQS for {@link ChangesetEventsHandler}. It
 * answers fast (GitHub gives up after 10 s) and does no code host calls itself. A bad signature is 401 and enqueues
 * nothing; the secret never appears in logs or answers.
 */
public final class WebhookReceiverHandler extends JsonHandler<WebhookReceiverHandler.FunctionUrlEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiverHandler.class);
    private final Supplier<String> webhookSecret;
    private final Supplier<ChangesetEventQueue> queue;

    /** The part of a function URL (payload format 2.0) event this handler reads. */
    public record FunctionUrlEvent(Map<String, String> headers, String body,
                                   @JsonProperty("isBase64Encoded") boolean isBase64Encoded) {
    }

    public WebhookReceiverHandler() {
        this(Services.fromEnvironment());
    }

    public WebhookReceiverHandler(Services services) {
        this(services::webhookSecret, services::changesetEventQueue);
    }

    /**
     * @param webhookSecret the secret deliveries are signed with (read from Secrets Manager on first use)
     * @param queue         where accepted deliveries go
     */
    public WebhookReceiverHandler(Supplier<String> webhookSecret, Supplier<ChangesetEventQueue> queue) {
        super(FunctionUrlEvent.class);
        this.webhookSecret = webhookSecret;
        this.queue = queue;
    }

    @Override
    protected Object handle(FunctionUrlEvent event) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (event.headers() != null) {
            headers.putAll(event.headers());
        }
        String raw = event.body() == null ? "" : event.body();
        byte[] body = event.isBase64Encoded() ? Base64.getDecoder().decode(raw) : raw.getBytes(StandardCharsets.UTF_8);
        if (!WebhookSignature.verify(webhookSecret.get(), body, headers.get("x-hub-signature-256"))) {
            String delivery = String.valueOf(headers.get("x-github-delivery")).replaceAll("[^A-Za-z0-9-]", "?");
            LOG.warn("refused webhook delivery {}: missing or wrong signature", delivery.substring(0,
                    Math.min(64, delivery.length())));
            return response(401, "bad signature");
        }
        String delivery = headers.get("x-github-delivery");
        String type = headers.get("x-github-event");
        if (delivery == null || type == null) {
            return response(400, "X-GitHub-Delivery and X-GitHub-Event are required");
        }
        WebhookDelivery parsed;
        try {
            parsed = WebhookDelivery.parse(delivery, type.toLowerCase(Locale.ROOT), body);
        } catch (InvalidInputException e) {
            return response(400, e.getMessage());
        }
        if (parsed.numbers().isEmpty()) {
            return response(202, "ignored: concerns no pull request");
        }
        queue.get().send(parsed);
        return response(202, "queued");
    }

    private static Map<String, Object> response(int status, String message) {
        return Map.of("statusCode", status, "headers", Map.of("content-type", "text/plain"), "body", message);
    }
}
