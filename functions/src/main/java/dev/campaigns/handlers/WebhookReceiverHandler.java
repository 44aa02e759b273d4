package dev.campaigns.handlers;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.campaigns.codehost.CodeHostConfig;
import dev.campaigns.codehost.CodeHostRegistry;
import dev.campaigns.service.ChangesetEventQueue;
import dev.campaigns.service.WebhookDelivery;
import dev.campaigns.service.WebhookReceipt;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook endpoint (a Lambda function URL): verifies the delivery with the webhook secret as its code host
 * signs it (GitHub's {@code X-Hub-Signature-256}, Bitbucket Server's {@code X-Hub-Signature}, GitLab's
 * {@code X-Gitlab-Token}; see {@link WebhookReceipt}), and enqueues what the delivery concerns on SQS for {@link ChangesetEventsHandler}. It
 * With several code hosts, each delivers to {@code <function URL>/<host name>} (the default host also to the URL
 * itself), and the delivery's repository is named as the service names it ({@code host/owner/name}). It
 * answers fast (GitHub gives up after 10 s) and does no code host calls itself. A bad signature is 401 and enqueues
 * nothing; the secret never appears in logs or answers.
 */
public final class WebhookReceiverHandler extends JsonHandler<WebhookReceiverHandler.FunctionUrlEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiverHandler.class);
    private final WebhookReceipt receipt;
    private final Supplier<ChangesetEventQueue> queue;
    private final CodeHostRegistry hosts;
    private final Function<CodeHostConfig, String> hostSecret;
    private final Map<String, WebhookReceipt> hostReceipts = new java.util.concurrent.ConcurrentHashMap<>();

    /** The part of a function URL (payload format 2.0) event this handler reads. */
    public record FunctionUrlEvent(Map<String, String> headers, String body,
                                   @JsonProperty("isBase64Encoded") boolean isBase64Encoded, String rawPath) {
        public FunctionUrlEvent(Map<String, String> headers, String body, boolean isBase64Encoded) {
            this(headers, body, isBase64Encoded, "/");
        }
    }

    public WebhookReceiverHandler() {
        this(Services.fromEnvironment());
    }

    WebhookReceiverHandler(Services services) {
        this(services::webhookSecret, services::changesetEventQueue, services.configuration().codeHosts(),
                services::webhookSecret);
    }

    /** Deliveries from the default code host only (at the URL's root). */
    public WebhookReceiverHandler(Supplier<String> webhookSecret, Supplier<ChangesetEventQueue> queue) {
        this(webhookSecret, queue, null, null);
    }

    /**
     * @param webhookSecret the secret deliveries are signed with (read from Secrets Manager on first use)
     * @param queue         where accepted deliveries go
     */
    /**
     * @param hosts the configured code hosts: each delivers to {@code <function URL>/<host name>}, the default one
     *              also to the URL itself; null: the default host only
     * @param hostSecret the webhook secret of a host (read on first use); null: {@code webhookSecret} for all
     */
    public WebhookReceiverHandler(Supplier<String> webhookSecret, Supplier<ChangesetEventQueue> queue,
                                  List<CodeHostConfig> hosts, Function<CodeHostConfig, String> hostSecret) {
        super(FunctionUrlEvent.class);
        this.receipt = new WebhookReceipt(webhookSecret);
        this.hostSecret = hostSecret;
        this.queue = queue;
        this.hosts = hosts == null ? null : new CodeHostRegistry(hosts, h -> {
            throw new IllegalStateException("the webhook receiver does not talk to code hosts");
        });
    }

    @Override
    protected Object handle(FunctionUrlEvent event) {
        String raw = event.body() == null ? "" : event.body();
        byte[] body = event.isBase64Encoded() ? Base64.getDecoder().decode(raw) : raw.getBytes(StandardCharsets.UTF_8);
        String path = event.rawPath() == null ? "" : event.rawPath().replaceAll("^/+|/+$", "");
        CodeHostConfig host = path.isEmpty() && hosts != null ? hosts.defaultHost() : null;
        if (!path.isEmpty()) {
            host = hosts == null ? null : hosts.host(path).orElse(null);
            if (host == null) {
                return response(404, "no code host " + path.replaceAll("[^A-Za-z0-9.:-]", "?") + " is configured"
                        + " here: deliver to this URL (the default code host) or to this URL/<host name>");
            }
        }
        WebhookReceipt.Outcome outcome = receipt(host).receive(event.headers(), body);
        if (outcome.status() == 401) {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (event.headers() != null) {
                headers.putAll(event.headers());
            }
            String delivery = String.valueOf(headers.getOrDefault("x-github-delivery", headers.getOrDefault(
                    "x-gitlab-event-uuid", headers.get("x-request-id")))).replaceAll("[^A-Za-z0-9-]", "?");
            LOG.warn("refused webhook delivery {}: missing or wrong signature", delivery.substring(0,
                    Math.min(64, delivery.length())));
        }
        if (outcome.delivery() != null) {
            WebhookDelivery d = outcome.delivery();
            queue.get().send(host == null || d.repository() == null ? d : new WebhookDelivery(d.delivery(),
                    d.event(), d.action(), hosts.qualify(host, d.repository()), d.numbers()));
        }
        return response(outcome.status(), outcome.message());
    }

    /** The receipt checking deliveries of {@code host} (null: the default path) with that host's secret. */
    private WebhookReceipt receipt(CodeHostConfig host) {
        if (host == null || hostSecret == null) {
            return receipt;
        }
        return hostReceipts.computeIfAbsent(host.name(), n -> new WebhookReceipt(() -> hostSecret.apply(host)));
    }

    private static Map<String, Object> response(int status, String message) {
        return Map.of("statusCode", status, "headers", Map.of("content-type", "text/plain"), "body", message);
    }
}
