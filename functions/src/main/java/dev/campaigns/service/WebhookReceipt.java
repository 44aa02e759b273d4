package dev.campaigns.service;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Accepts or refuses one webhook delivery from any code host, by its headers: GitLab ({@code X-Gitlab-Event}, the
 * secret as {@code X-Gitlab-Token}, {@code X-Gitlab-Event-UUID}), Bitbucket Server ({@code X-Event-Key}, an
 * HMAC-SHA256 {@code X-Hub-Signature}, {@code X-Request-Id}) or GitHub ({@code X-GitHub-Event},
 * {@code X-Hub-Signature-256}, {@code X-GitHub-Delivery}). Authentication comes first: an unauthenticated delivery
 * is 401 whatever else is wrong with it. The secret never appears in an outcome.
 */
public final class WebhookReceipt {

    /**
     * What to answer, and the delivery to queue when it concerns pull requests (else null).
     */
    public record Outcome(int status, String message, WebhookDelivery delivery) {
    }

    private final Supplier<String> secret;

    public WebhookReceipt(Supplier<String> secret) {
        this.secret = Objects.requireNonNull(secret, "secret");
    }

    /** @param rawHeaders the request's headers, any case */
    public Outcome receive(Map<String, String> rawHeaders, byte[] body) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (rawHeaders != null) {
            headers.putAll(rawHeaders);
        }
        WebhookDelivery parsed;
        try {
            if (headers.containsKey("x-gitlab-event")) {
                if (!WebhookSignature.verifyToken(secret.get(), headers.get("x-gitlab-token"))) {
                    return new Outcome(401, "bad token", null);
                }
                String uuid = headers.getOrDefault("x-gitlab-event-uuid", headers.get("x-gitlab-webhook-uuid"));
                if (uuid == null) {
                    return new Outcome(400, "X-Gitlab-Event-UUID is required", null);
                }
                parsed = WebhookDelivery.parseGitLab(uuid, body);
            } else if (headers.containsKey("x-event-key")) {
                if (!WebhookSignature.verify(secret.get(), body, headers.get("x-hub-signature"))) {
                    return new Outcome(401, "bad signature", null);
                }
                String id = headers.get("x-request-id");
                if (id == null) {
                    return new Outcome(400, "X-Request-Id is required", null);
                }
                parsed = WebhookDelivery.parseBitbucketServer(id, headers.get("x-event-key"), body);
            } else {
                if (!WebhookSignature.verify(secret.get(), body, headers.get("x-hub-signature-256"))) {
                    return new Outcome(401, "bad signature", null);
                }
                String delivery = headers.get("x-github-delivery");
                String type = headers.get("x-github-event");
                if (delivery == null || type == null) {
                    return new Outcome(400, "X-GitHub-Delivery and X-GitHub-Event are required", null);
                }
                parsed = WebhookDelivery.parse(delivery, type.toLowerCase(java.util.Locale.ROOT), body);
            }
        } catch (InvalidInputException e) {
            return new Outcome(400, e.getMessage(), null);
        }
        if (parsed.numbers().isEmpty()) {
            return new Outcome(202, "ignored: concerns no pull request", null);
        }
        return new Outcome(202, "queued", parsed);
    }
}
