package dev.campaigns.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.campaigns.workflow.PermanentStepFailure;
import dev.campaigns.workflow.TransientStepFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * A failing step is classified by its own error, without reading the code host token: a function whose role may not
 * read the token's secret (here: a Secrets Manager endpoint that refuses every call and counts them) still reports a
 * throttled DynamoDB call as transient, with DynamoDB's message, and asks Secrets Manager nothing.
 */
class StepHandlerClassificationTest {
    private HttpServer secretsManager;
    private final AtomicInteger secretRequests = new AtomicInteger();
    private Services services;

    @BeforeEach
    void start() throws Exception {
        secretsManager = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        secretsManager.createContext("/", exchange -> {
            secretRequests.incrementAndGet();
            byte[] body = "{\"__type\":\"AccessDeniedException\",\"Message\":\"not authorized\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        secretsManager.start();
        services = new Services(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "secret", "CODE_HOST_TOKEN_SECRET_ARN",
                "arn:aws:secretsmanager:us-east-1:000000000000:secret:token-AbCdEf",
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:" + secretsManager.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        secretsManager.stop(0);
    }

    @Test
    void aThrottledCallStaysTransientWithItsOwnMessage() {
        RuntimeException throttled = DynamoDbException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException")
                        .errorMessage("Rate of requests exceeds the allowed throughput.").build())
                .message("Rate of requests exceeds the allowed throughput.").build();
        TransientStepFailure failure = assertThrows(TransientStepFailure.class, () -> run(() -> throttled));
        assertEquals(throttled.getMessage(), failure.getMessage());
        assertTrue(failure.getMessage().startsWith("Rate of requests exceeds the allowed throughput."));
        assertEquals(0, secretRequests.get(), "classification asked Secrets Manager for the token");
    }

    @Test
    void aPermanentErrorKeepsItsMessage() {
        PermanentStepFailure failure = assertThrows(PermanentStepFailure.class,
                () -> run(() -> new IllegalStateException("campaign c does not exist")));
        assertEquals("campaign c does not exist", failure.getMessage());
        assertEquals(0, secretRequests.get());
    }

    private void run(Supplier<RuntimeException> error) throws Exception {
        StepHandler handler = new StepHandler(services::redact, services::prime) {
            @Override
            protected Object step(StepInput input) {
                throw error.get();
            }
        };
        handler.handleRequest(new ByteArrayInputStream("{\"campaignId\":\"c\",\"jobId\":\"00001\"}"
                .getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
    }
}
