package dev.campaigns.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookReceiptTest {
    private static final String SECRET = "whsec-0123456789";
    private final WebhookReceipt receipt = new WebhookReceipt(() -> SECRET);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aGitLabMergeRequestHookWithTheTokenIsQueued() {
        byte[] body = bytes("{\"object_kind\":\"merge_request\",\"project\":{\"path_with_namespace\":\"grp/app\"},"
                + "\"object_attributes\":{\"iid\":7,\"action\":\"open\"}}");
        WebhookReceipt.Outcome ok = receipt.receive(Map.of("X-Gitlab-Event", "Merge Request Hook",
                "X-Gitlab-Token", SECRET, "X-Gitlab-Event-UUID", "u-1"), body);
        assertEquals(202, ok.status());
        assertEquals(new WebhookDelivery("u-1", "pull_request", "opened", "grp/app", List.of(7L)), ok.delivery());

        WebhookReceipt.Outcome wrong = receipt.receive(Map.of("X-Gitlab-Event", "Merge Request Hook",
                "X-Gitlab-Token", "guess", "X-Gitlab-Event-UUID", "u-1"), body);
        assertEquals(401, wrong.status());
        assertNull(wrong.delivery());
        assertFalse(wrong.message().contains(SECRET));
        assertEquals(400, receipt.receive(Map.of("x-gitlab-event", "Merge Request Hook", "x-gitlab-token", SECRET),
                body).status(), "no delivery ID");
        assertEquals(400, receipt.receive(Map.of("x-gitlab-event", "Merge Request Hook", "x-gitlab-token", SECRET,
                "x-gitlab-event-uuid", "u-2"), new byte[0]).status(), "empty body");

        byte[] pipeline = bytes("{\"object_kind\":\"pipeline\",\"project\":{\"path_with_namespace\":\"grp/app\"},"
                + "\"object_attributes\":{\"status\":\"failed\"},\"merge_request\":{\"iid\":7}}");
        assertEquals(List.of(7L), receipt.receive(Map.of("x-gitlab-event", "Pipeline Hook", "x-gitlab-token", SECRET,
                "x-gitlab-event-uuid", "u-3"), pipeline).delivery().numbers());
        byte[] push = bytes("{\"object_kind\":\"push\",\"project\":{\"path_with_namespace\":\"grp/app\"}}");
        WebhookReceipt.Outcome ignored = receipt.receive(Map.of("x-gitlab-event", "Push Hook", "x-gitlab-token",
                SECRET, "x-gitlab-event-uuid", "u-4"), push);
        assertEquals(202, ignored.status());
        assertNull(ignored.delivery());
    }

    @Test
    void aBitbucketServerEventSignedWithTheSecretIsQueued() {
        byte[] body = bytes("{\"eventKey\":\"pr:reviewer:approved\",\"pullRequest\":{\"id\":3,\"toRef\":"
                + "{\"repository\":{\"slug\":\"app\",\"project\":{\"key\":\"PROJ\"}}}}}");
        WebhookReceipt.Outcome ok = receipt.receive(Map.of("X-Event-Key", "pr:reviewer:approved",
                "X-Request-Id", "r-1", "X-Hub-Signature", WebhookSignature.sign(SECRET, body)), body);
        assertEquals(202, ok.status());
        assertEquals(new WebhookDelivery("r-1", "pull_request", "reviewer:approved", "PROJ/app", List.of(3L)),
                ok.delivery());
        assertEquals(401, receipt.receive(Map.of("X-Event-Key", "pr:opened", "X-Request-Id", "r-2",
                "X-Hub-Signature", WebhookSignature.sign("other", body)), body).status());
        assertEquals(401, receipt.receive(Map.of("X-Event-Key", "pr:opened", "X-Request-Id", "r-2"), body).status());
        byte[] ping = bytes("{\"test\":true}");
        assertNull(receipt.receive(Map.of("X-Event-Key", "diagnostics:ping", "X-Request-Id", "r-3",
                "X-Hub-Signature", WebhookSignature.sign(SECRET, ping)), ping).delivery());
    }

    @Test
    void gitHubDeliveriesAreReadAsBefore() {
        byte[] body = bytes("{\"action\":\"closed\",\"number\":5,\"pull_request\":{\"number\":5},"
                + "\"repository\":{\"full_name\":\"acme/app\"}}");
        WebhookReceipt.Outcome ok = receipt.receive(Map.of("X-GitHub-Event", "pull_request", "X-GitHub-Delivery",
                "g-1", "X-Hub-Signature-256", WebhookSignature.sign(SECRET, body)), body);
        assertEquals(new WebhookDelivery("g-1", "pull_request", "closed", "acme/app", List.of(5L)), ok.delivery());
        assertEquals(401, receipt.receive(Map.of("X-GitHub-Event", "pull_request", "X-GitHub-Delivery", "g-1"), body)
                .status());
    }
}
