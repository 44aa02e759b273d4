package dev.campaigns.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The clients sign with the credentials the function's environment holds, as Lambda hands an execution role's
 * temporary credentials over: access key, secret key and session token.
 */
class ServicesCredentialsTest {
    @Test
    void requestsAreSignedWithTheEnvironmentsSessionCredentials() throws Exception {
        AtomicReference<String> authorization = new AtomicReference<>();
        AtomicReference<String> token = new AtomicReference<>();
        HttpServer dynamo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        dynamo.createContext("/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            token.set(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"));
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        dynamo.start();
        try {
            Services services = new Services(Map.of("AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "ASIAEXAMPLEKEY",
                    "AWS_SECRET_ACCESS_KEY", "secret", "AWS_SESSION_TOKEN", "session-token-1",
                    "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:" + dynamo.getAddress().getPort()));
            services.dynamo().describeLimits();
            assertTrue(authorization.get().startsWith("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEY/"),
                    authorization.get());
            assertTrue(authorization.get().contains("/eu-west-1/dynamodb/aws4_request"), authorization.get());
            assertEquals("session-token-1", token.get());
        } finally {
            dynamo.stop(0);
        }
    }
}
