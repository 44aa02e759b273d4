package dev.campaigns.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    @Test
    void matchesGitHubsDocumentedExample() {
        // docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!"
        assertEquals("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                WebhookSignature.sign("It's a Secret to Everybody", "Hello, World!".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void verifiesOnlyTheExactBodyWithTheExactSecret() {
        byte[] body = "{\"action\":\"closed\"}".getBytes(StandardCharsets.UTF_8);
        String header = WebhookSignature.sign("s3cret", body);
        assertTrue(WebhookSignature.verify("s3cret", body, header));
        assertFalse(WebhookSignature.verify("other", body, header));
        assertFalse(WebhookSignature.verify("s3cret", "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8), header));
        assertFalse(WebhookSignature.verify("s3cret", body, null));
        assertFalse(WebhookSignature.verify("s3cret", body, header.replace("sha256=", "sha1=")));
        assertFalse(WebhookSignature.verify("s3cret", body, header.substring(0, header.length() - 1)));
    }

    @Test
    void withoutASecretEveryDeliveryIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WebhookSignature.verify("", new byte[0], "sha256=00"));
        assertTrue(e.getMessage().contains("no webhook secret"));
    }

    @Test
    void aDeliveryNamesThePullRequestsItConcerns() {
        byte[] review = "{\"action\":\"submitted\",\"pull_request\":{\"number\":7},\"repository\":{\"full_name\":\"o/r\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(7L), WebhookDelivery.parse("d1", "pull_request_review", review).numbers());
        byte[] check = "{\"check_run\":{\"pull_requests\":[{\"number\":3},{\"number\":4}]},\"repository\":{\"full_name\":\"o/r\"}}"
                .getBytes(StandardCharsets.UTF_8);
        WebhookDelivery d = WebhookDelivery.parse("d2", "check_run", check);
        assertEquals(List.of(3L, 4L), d.numbers());
        assertEquals(d, WebhookDelivery.fromJson(d.toJson()));
        assertEquals(List.of(), WebhookDelivery.parse("d3", "ping", "{\"zen\":\"x\"}".getBytes(StandardCharsets.UTF_8))
                .numbers());
        assertThrows(InvalidInputException.class, () -> WebhookDelivery.parse("d4", "pull_request",
                "not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void onlyAPullRequestsOpenedEventIsOpened() {
        byte[] opened = "{\"action\":\"opened\",\"pull_request\":{\"number\":9},\"repository\":{\"full_name\":\"o/r\"}}"
                .getBytes(StandardCharsets.UTF_8);
        WebhookDelivery d = WebhookDelivery.parse("d5", "pull_request", opened);
        assertEquals("opened", d.action());
        assertTrue(d.isOpened());
        assertEquals(d, WebhookDelivery.fromJson(d.toJson()));
        assertFalse(WebhookDelivery.parse("d6", "pull_request", new String(opened, StandardCharsets.UTF_8)
                .replace("opened", "reopened").getBytes(StandardCharsets.UTF_8)).isOpened());
        assertFalse(WebhookDelivery.parse("d7", "pull_request_review", opened).isOpened());
        // a queued message written before the action was recorded still reads
        assertEquals(null, WebhookDelivery.fromJson("{\"delivery\":\"d8\",\"event\":\"pull_request\",\"repository\":\"o/r\","
                + "\"numbers\":[1]}").action());
    }
}
