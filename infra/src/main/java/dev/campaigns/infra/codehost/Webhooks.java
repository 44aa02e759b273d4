package dev.campaigns.infra.codehost;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.campaigns.service.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The local code host's webhooks: like a GitHub repository webhook, every pull request change is POSTed as JSON to
 * the target URL with {@code X-GitHub-Event}, {@code X-GitHub-Delivery} and {@code X-Hub-Signature-256}
 * (HMAC-SHA256 of the body with the secret), one at a time in order on a background thread. A GitLab host sends
 * {@code X-Gitlab-Event}, {@code X-Gitlab-Event-UUID} and the secret as {@code X-Gitlab-Token}; a Bitbucket Server
 * host {@code X-Event-Key}, {@code X-Request-Id} and {@code X-Hub-Signature} (the same HMAC).
 *
 * <p>For tests, a {@link Mode} can drop deliveries (a missed webhook), send each twice (GitHub redelivers with the
 * same delivery ID), or hold them back to be {@link #release released} later, optionally in reverse order.
 */
public final class Webhooks implements AutoCloseable {

    /** What happens to the next deliveries. */
    public enum Mode { DELIVER, DROP, DUPLICATE, HOLD }

    /** One delivery as sent (or dropped). */
    public record Delivery(String id, String event, String body, boolean dropped) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "local-code-host-webhooks");
        t.setDaemon(true);
        return t;
    });
    private final List<Delivery> log = Collections.synchronizedList(new ArrayList<>());
    private final List<Delivery> held = new ArrayList<>();
    private volatile URI target;
    private volatile String secret;
    private volatile Mode mode = Mode.DELIVER;
    private volatile dev.campaigns.codehost.CodeHostKind kind = dev.campaigns.codehost.CodeHostKind.GITHUB;

    /** Delivers as {@code k} does: its event, delivery-ID and authentication headers. */
    void speak(dev.campaigns.codehost.CodeHostKind k) {
        this.kind = k;
    }

    /** Sends deliveries to {@code url}, signed with {@code secret}; null stops sending. */
    public void target(String url, String secret) {
        this.target = url == null ? null : URI.create(url);
        this.secret = secret;
    }

    public void mode(Mode m) {
        this.mode = m;
    }

    /** Sends the held deliveries, in reverse order of their events when {@code reversed}, and goes back to DELIVER. */
    public synchronized void release(boolean reversed) {
        List<Delivery> out = new ArrayList<>(held);
        held.clear();
        if (reversed) {
            Collections.reverse(out);
        }
        mode = Mode.DELIVER;
        out.forEach(this::send);
    }

    /** Every delivery so far, in order (dropped ones flagged). */
    public List<Delivery> deliveries() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Waits until every delivery handed to the sender has been POSTed. */
    public void awaitSent() {
        try {
            sender.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("webhook deliveries did not finish", e);
        }
    }

    synchronized void emit(String event, ObjectNode payload) {
        if (target == null) {
            return;
        }
        Delivery d = new Delivery(UUID.randomUUID().toString(), event, payload.toString(), mode == Mode.DROP);
        switch (mode) {
            case DROP -> log.add(d);
            case HOLD -> held.add(d);
            case DUPLICATE -> {
                send(d);
                send(d);
            }
            default -> send(d);
        }
    }

    private void send(Delivery d) {
        log.add(d);
        URI to = target;
        String key = secret;
        sender.execute(() -> {
            byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
            HttpRequest.Builder request = HttpRequest.newBuilder(to).timeout(Duration.ofSeconds(10))
                    .header("content-type", "application/json");
            switch (kind) {
                case GITLAB -> request.header("x-gitlab-event", d.event()).header("x-gitlab-event-uuid", d.id())
                        .header("x-gitlab-token", key).header("user-agent", "GitLab/local");
                case BITBUCKET_SERVER -> request.header("x-event-key", d.event()).header("x-request-id", d.id())
                        .header("x-hub-signature", WebhookSignature.sign(key, body))
                        .header("user-agent", "Atlassian HttpClient/local");
                default -> request.header("x-github-event", d.event()).header("x-github-delivery", d.id())
                        .header("user-agent", "GitHub-Hookshot/local")
                        .header("x-hub-signature-256", WebhookSignature.sign(key, body));
            }
            try {
                http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                System.err.println("local code host: webhook delivery " + d.id() + " failed: " + e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
