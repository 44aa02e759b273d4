package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.demo.GraphQLClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * AppSync's limits in the local AppSync (request execution time, evaluated request and response size of a Lambda
 * resolver call, with AppSync's errors), a function URL's (413 over 6 MB), and SQS's message size, on
 * limits-test-template.yaml's functions ({@link LimitsTestHandler}). The request execution time is lowered from
 * AppSync's 30 s to 2 s here so that the test does not wait 30 s; the stack and every other test run with 30 s.
 */
class AppSyncAndEventLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static LocalLambdas lambdas;
    static LocalAppSync appSync;
    static LocalFunctionUrls urls;
    static GraphQLClient graphql;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        SamTemplate template = LambdaLimitsTest.testTemplate();
        lambdas = new LocalLambdas(template.functions(), f -> LimitsTestHandler.forFunction(f));
        appSync = LocalAppSync.start(template, lambdas, 0, null, LocalAppSync.InvokeCheck.ALLOW_ALL, Duration.ofSeconds(2));
        urls = new LocalFunctionUrls(template.functionUrls(), lambdas);
        graphql = new GraphQLClient(appSync.url(), "tester");
    }

    @AfterAll
    static void stop() {
        urls.close();
        appSync.close();
        lambdas.close();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> onlyError(Map<String, Object> response) {
        List<Map<String, Object>> errors = (List<Map<String, Object>>) response.get("errors");
        assertEquals(1, errors.size(), String.valueOf(errors));
        return errors.get(0);
    }

    @Test
    void aResolverCallStillRunningAtTheRequestExecutionTimeEndsWithExecutionTimedOut() {
        Map<String, Object> ok = graphql.execute("query { sleep(ms: 100) }", Map.of());
        assertEquals(Map.of("sleep", "slept"), ok.get("data"));

        Map<String, Object> slow = graphql.execute("query { sleep(ms: 5000) }", Map.of());
        Map<String, Object> error = onlyError(slow);
        assertEquals("Lambda:ExecutionTimeoutException", error.get("errorType"));
        assertEquals("Execution timed out.", error.get("message"));
        assertEquals(List.of("sleep"), error.get("path"));
    }

    @Test
    void theRequestExecutionTimeCoversAllTheRequestsResolverCalls() {
        // two fields of 1.5 s each: the second starts after 1.5 of the 2 s and is cut off
        Map<String, Object> response = graphql.execute("query { a: sleep(ms: 1500) b: sleep(ms: 1500) }", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) response.get("data");
        assertTrue("slept".equals(data.get("a")) || "slept".equals(data.get("b")), String.valueOf(data));
        assertEquals("Lambda:ExecutionTimeoutException", onlyError(response).get("errorType"));
    }

    @Test
    void anAnswerOver5MbIsRefusedWithTransformationTooLarge() {
        int limit = AppSyncLimits.EVALUATED_TEMPLATE_BYTES;
        Map<String, Object> fits = graphql.execute("query($n: Int!) { answer(bytes: $n) }", Map.of("n", limit - 2));
        assertNull(fits.get("errors"));
        assertEquals(limit - 2, ((Map<?, ?>) fits.get("data")).get("answer").toString().length());

        Map<String, Object> error = onlyError(graphql.execute("query($n: Int!) { answer(bytes: $n) }",
                Map.of("n", limit - 1)));
        assertEquals("MappingTemplate", error.get("errorType"));
        assertEquals("Transformation too large", error.get("message"));
    }

    @Test
    void aRequestToTheFunctionOver5MbIsRefusedBeforeItRuns_variablesCountTwice() {
        // 3 MB given as a literal is sent once (arguments); given as a variable, the event repeats it (info.variables)
        String text = "a".repeat(3_000_000);
        long before = lambdas.invocationCounts().get("ResolverFunction");
        Map<String, Object> literal = graphql.execute("mutation { length(text: \"" + text + "\") }", Map.of());
        assertEquals(Map.of("length", 3_000_000), literal.get("data"));
        Map<String, Object> error = onlyError(graphql.execute("mutation($t: String!) { length(text: $t) }",
                Map.of("t", text)));
        assertEquals("MappingTemplate", error.get("errorType"));
        assertEquals("Transformation too large", error.get("message"));
        assertEquals(before + 1, lambdas.invocationCounts().get("ResolverFunction"), "refused before invoking");
    }

    private static HttpResponse<String> post(String url, byte[] body, String contentType) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFunctionUrlAnswers413ToABodyOver6Mb_neverASilent502() throws Exception {
        String url = urls.url("QuickFunction");
        long before = lambdas.invocationCounts().get("QuickFunction");
        for (int mib : new int[] {7, 15}) {
            HttpResponse<String> r = post(url, new byte[mib * 1024 * 1024], "application/json");
            assertEquals(413, r.statusCode(), mib + " MiB");
            assertEquals("Request must be smaller than 6291456 bytes for the InvokeFunction operation",
                    JSON.readTree(r.body()).path("Message").asText());
        }
        // a binary body is base64-encoded in the event: 5 MiB becomes 6.7 MB, too large as well
        assertEquals(413, post(url, new byte[5 * 1024 * 1024], "application/octet-stream").statusCode());
        assertEquals(before, lambdas.invocationCounts().get("QuickFunction"), "the function was not invoked");

        // 5 MiB of JSON text travels as text and fits
        String json = JSON.writeValueAsString(Map.of("text", "b".repeat(5 * 1024 * 1024)));
        HttpResponse<String> fits = post(url, json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "application/json");
        assertEquals(200, fits.statusCode());
        assertEquals(Integer.toString(json.length()), fits.body(), "the function got the whole body");
    }

    @Test
    void sqsRefusesAMessageOverItsQueuesMaximumMessageSize() throws Exception {
        JsonNode props = JSON.readTree("{}");
        JsonNode small = JSON.readTree("{\"MaximumMessageSize\": 1024}");
        try (LocalSqs sqs = LocalSqs.start(List.of(new SamTemplate.Queue("DefaultQueue", props),
                new SamTemplate.Queue("SmallQueue", small)), "us-east-1", "000000000000")) {
            String queue = sqs.urls().get("DefaultQueue");
            sqs.client().sendMessage(b -> b.queueUrl(queue).messageBody("m".repeat(262_144)));
            SqsException e = assertThrows(SqsException.class,
                    () -> sqs.client().sendMessage(b -> b.queueUrl(queue).messageBody("m".repeat(262_145))));
            assertEquals("InvalidParameterValue", e.awsErrorDetails().errorCode());
            assertEquals("One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.",
                    e.awsErrorDetails().errorMessage());
            assertEquals(1, sqs.client().receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages().size(), "only the message that fitted was queued");

            String smallQueue = sqs.urls().get("SmallQueue");
            sqs.client().sendMessage(b -> b.queueUrl(smallQueue).messageBody("m".repeat(1024)));
            assertThrows(SqsException.class,
                    () -> sqs.client().sendMessage(b -> b.queueUrl(smallQueue).messageBody("m".repeat(1025))));
        }
    }
}
