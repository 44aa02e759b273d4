package dev.campaigns.infra.local.iam;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An HTTP answer of a local AWS service: status, headers and body. */
public record Answer(int status, Map<String, String> headers, byte[] body) {
    public Answer {
        headers = Map.copyOf(headers);
    }

    /** A JSON answer of {@code service} (its protocol's content type). */
    public static Answer json(LocalService service, int status, String json) {
        return new Answer(status, Map.of("Content-Type", service.contentType()), json.getBytes(StandardCharsets.UTF_8));
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
