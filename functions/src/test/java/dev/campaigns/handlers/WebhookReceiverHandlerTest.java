package dev.campaigns.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.service.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The webhook endpoint's refusals, which it decides before any queue is touched: a wrong signature is 401; a
 * correctly signed delivery that is empty or not a JSON object is 400 (GitHub always sends a JSON object); a signed
 * event that concerns no pull request is accepted and ignored.
 */
class WebhookReceiverHandlerTest {

    static final String SECRET = "webhook-test-secret";
    final WebhookReceiverHandler handler = new WebhookReceiverHandler(() -> SECRET, () -> {
        throw new AssertionError("none of these deliveries may reach the queue");
    });

    private Map<?, ?> deliver(String body, String signature, boolean base64) {
        Map<String, String> headers = new java.util.HashMap<>(Map.of("X-GitHub-Event", "pull_request",
                "X-GitHub-Delivery", "d-1"));
        if (signature != null) {
            headers.put("X-Hub-Signature-256", signature);
        }
        String sent = base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body;
        return (Map<?, ?>) handler.handle(new WebhookReceiverHandler.FunctionUrlEvent(headers, sent, base64));
    }

    private static String sign(String body) {
        return WebhookSignature.sign(SECRET, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSignedEmptyBodyIsABadRequest() {
        for (boolean base64 : new boolean[] {false, true}) {
            Map<?, ?> answer = deliver("", sign(""), base64);
            assertEquals(400, answer.get("statusCode"));
            assertTrue(String.valueOf(answer.get("body")).contains("empty"), String.valueOf(answer.get("body")));
        }
    }

    @Test
    void aSignedBodyThatIsNotAJsonObjectIsABadRequest() {
        for (String body : new String[] {"null", "[1]", "42", "{not json"}) {
            Map<?, ?> answer = deliver(body, sign(body), false);
            assertEquals(400, answer.get("statusCode"), body);
        }
    }

    @Test
    void aWrongOrMissingSignatureIsUnauthorised_evenForAnEmptyBody() {
        assertEquals(401, deliver("", null, false).get("statusCode"));
        assertEquals(401, deliver("", "sha256=" + "0".repeat(64), false).get("statusCode"));
        assertEquals(401, deliver("{}", WebhookSignature.sign("other", "{}".getBytes(StandardCharsets.UTF_8)),
                false).get("statusCode"));
    }

    @Test
    void aSignedDeliveryAboutNoPullRequestIsAcceptedAndIgnored() {
        String ping = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}";
        Map<?, ?> answer = deliver(ping, sign(ping), false);
        assertEquals(202, answer.get("statusCode"));
        assertTrue(String.valueOf(answer.get("body")).startsWith("ignored"));
    }
}
