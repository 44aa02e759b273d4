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

    @Test
    void eachHostDeliversToItsOwnPathAndTheRepositoryIsNamedWithItsHost() {
        java.util.List<dev.campaigns.service.WebhookDelivery> queued = new java.util.ArrayList<>();
        WebhookReceiverHandler routed = new WebhookReceiverHandler(() -> SECRET, () -> queued::add,
                dev.campaigns.codehost.CodeHostConfig.parseList("""
                        [{"name": "github.com", "type": "github", "apiUrl": "https://api.github.com",
                          "gitUrl": "https://github.com/", "secretArn": "a"},
                         {"name": "gitlab.example.com", "type": "gitlab", "apiUrl": "https://gitlab.example.com/api/v4",
                          "gitUrl": "https://gitlab.example.com/", "secretArn": "b"},
                         {"name": "gitlab2.example.com", "type": "gitlab", "apiUrl": "https://g2.example.com/api/v4",
                          "gitUrl": "https://g2.example.com/", "secretArn": "c", "webhookSecretArn": "arn:own"}]"""),
                host -> host.webhookSecretArn() == null ? SECRET : "own-secret-of-" + host.webhookSecretArn());
        String gitlab = "{\"object_kind\":\"merge_request\",\"project\":{\"path_with_namespace\":\"group/app\"},"
                + "\"object_attributes\":{\"iid\":7,\"action\":\"close\"}}";
        Map<String, String> gitlabHeaders = Map.of("X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Token", SECRET,
                "X-Gitlab-Event-UUID", "u-1");
        Map<?, ?> answer = (Map<?, ?>) routed.handle(new WebhookReceiverHandler.FunctionUrlEvent(gitlabHeaders,
                gitlab, false, "/gitlab.example.com"));
        assertEquals(202, answer.get("statusCode"), String.valueOf(answer));
        assertEquals("gitlab.example.com/group/app", queued.get(0).repository());
        assertEquals(java.util.List.of(7L), queued.get(0).numbers());

        String github = "{\"action\":\"closed\",\"pull_request\":{\"number\":3},\"repository\":{\"full_name\":"
                + "\"acme/app\"}}";
        for (String root : new String[] {"/", "/github.com"}) {
            Map<?, ?> a = (Map<?, ?>) routed.handle(new WebhookReceiverHandler.FunctionUrlEvent(Map.of(
                    "X-GitHub-Event", "pull_request", "X-GitHub-Delivery", "d" + root, "X-Hub-Signature-256",
                    sign(github)), github, false, root));
            assertEquals(202, a.get("statusCode"), root);
            assertEquals("acme/app", queued.get(queued.size() - 1).repository(), "the default host names none");
        }

        Map<?, ?> unknown = (Map<?, ?>) routed.handle(new WebhookReceiverHandler.FunctionUrlEvent(gitlabHeaders,
                gitlab, false, "/gitlab.other.org"));
        assertEquals(404, unknown.get("statusCode"));
        assertTrue(String.valueOf(unknown.get("body")).contains("no code host gitlab.other.org is configured"),
                String.valueOf(unknown.get("body")));
        assertEquals(3, queued.size(), "nothing queued for an unknown host");

        // a host with a webhook secret of its own: deliveries there are checked with it, and only with it
        Map<?, ?> wrongSecret = (Map<?, ?>) routed.handle(new WebhookReceiverHandler.FunctionUrlEvent(gitlabHeaders,
                gitlab, false, "/gitlab2.example.com"));
        assertEquals(401, wrongSecret.get("statusCode"));
        Map<?, ?> ownSecret = (Map<?, ?>) routed.handle(new WebhookReceiverHandler.FunctionUrlEvent(Map.of(
                "X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Token", "own-secret-of-arn:own",
                "X-Gitlab-Event-UUID", "u-2"), gitlab, false, "/gitlab2.example.com"));
        assertEquals(202, ownSecret.get("statusCode"));
        assertEquals("gitlab2.example.com/group/app", queued.get(queued.size() - 1).repository());
    }
}
