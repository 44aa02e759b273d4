package dev.campaigns.infra.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The gateway's SigV4 check against requests the AWS SDK really signed (captured on their way): the SDK's request
 * passes; a changed body, a changed signed header, another secret, an unknown key, a foreign session token, a stale
 * date or another service's scope are refused, each with AWS's reason.
 */
class SigV4VerifierTest {
    private static final Principals PRINCIPALS = new Principals("000000000000");
    private static Principal caller;
    private static SigV4Verifier.SignedRequest signed;
    private static Instant signedAt;

    @BeforeAll
    static void captureASignedRequest() throws Exception {
        caller = PRINCIPALS.add("CommitChangesetFunction", "stack-CommitChangesetFunctionRole-X",
                "CommitChangesetFunction", new IamPolicy(List.of()));
        Map<String, List<String>> headers = new HashMap<>();
        byte[][] body = new byte[1][];
        String[] pathAndQuery = new String[2];
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
            body[0] = exchange.getRequestBody().readAllBytes();
            pathAndQuery[0] = exchange.getRequestURI().getRawPath();
            pathAndQuery[1] = exchange.getRequestURI().getRawQuery();
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        caller.credentials().accessKeyId(), caller.credentials().secretAccessKey(),
                        caller.credentials().sessionToken()))).build()) {
            signedAt = Instant.now();
            dynamo.getItem(b -> b.tableName("CampaignsTable").key(Map.of("PK", AttributeValue.fromS("CAMPAIGN#1"),
                    "SK", AttributeValue.fromS("META"))));
        } finally {
            server.stop(0);
        }
        signed = new SigV4Verifier.SignedRequest("POST", pathAndQuery[0], pathAndQuery[1],
                name -> headers.getOrDefault(name, List.of()), body[0]);
    }

    private static SigV4Verifier.Result verify(SigV4Verifier.SignedRequest request, LocalService service, Clock clock) {
        return new SigV4Verifier(PRINCIPALS, "us-east-1", clock).verify(service, request);
    }

    private static SigV4Verifier.Result verify(SigV4Verifier.SignedRequest request) {
        return verify(request, LocalService.DYNAMODB, Clock.fixed(signedAt, ZoneOffset.UTC));
    }

    private static SigV4Verifier.SignedRequest withHeader(String name, String value) {
        return new SigV4Verifier.SignedRequest(signed.method(), signed.rawPath(), signed.rawQuery(),
                n -> n.equals(name) ? List.of(value) : signed.headers().apply(n), signed.body());
    }

    @Test
    void theSdksSignaturePasses() {
        SigV4Verifier.Result r = verify(signed);
        assertTrue(r.ok(), () -> r.message());
        assertSame(caller, r.principal());
    }

    @Test
    void aChangedBodyOrSignedHeaderIsABadSignature() {
        SigV4Verifier.SignedRequest tampered = new SigV4Verifier.SignedRequest(signed.method(), signed.rawPath(),
                signed.rawQuery(), signed.headers(),
                new String(signed.body(), StandardCharsets.UTF_8).replace("CAMPAIGN#1", "CAMPAIGN#2")
                        .getBytes(StandardCharsets.UTF_8));
        assertRefused(verify(tampered), AwsErrors.AuthFailure.BAD_SIGNATURE, SigV4Verifier.SIGNATURE_MISMATCH);
        assertRefused(verify(withHeader("x-amz-target", "DynamoDB_20120810.DeleteItem")),
                AwsErrors.AuthFailure.BAD_SIGNATURE, SigV4Verifier.SIGNATURE_MISMATCH);
    }

    @Test
    void aSignatureWithAnotherSecretIsRefused() {
        String auth = signed.headers().apply("authorization").get(0);
        String other = auth.substring(0, auth.length() - 64) + "0".repeat(64);
        assertRefused(verify(withHeader("authorization", other)), AwsErrors.AuthFailure.BAD_SIGNATURE,
                SigV4Verifier.SIGNATURE_MISMATCH);
    }

    @Test
    void anUnknownKeyOrAForeignSessionTokenIsAnInvalidToken() {
        String auth = signed.headers().apply("authorization").get(0);
        assertRefused(verify(withHeader("authorization", auth.replace(caller.credentials().accessKeyId(),
                "ASIAUNKNOWNKEY000000"))), AwsErrors.AuthFailure.UNKNOWN_KEY, SigV4Verifier.INVALID_TOKEN);
        assertRefused(verify(withHeader("x-amz-security-token", "another-session")), AwsErrors.AuthFailure.UNKNOWN_KEY,
                SigV4Verifier.INVALID_TOKEN);
    }

    @Test
    void aSignatureOlderThanFiveMinutesHasExpired() {
        SigV4Verifier.Result r = verify(signed, LocalService.DYNAMODB,
                Clock.fixed(signedAt.plus(Duration.ofMinutes(6)), ZoneOffset.UTC));
        assertEquals(AwsErrors.AuthFailure.BAD_SIGNATURE, r.failure());
        assertTrue(r.message().startsWith("Signature expired: "), r.message());
    }

    @Test
    void aSignatureForAnotherServiceIsRefused() {
        SigV4Verifier.Result r = verify(signed, LocalService.SQS, Clock.fixed(signedAt, ZoneOffset.UTC));
        assertEquals(AwsErrors.AuthFailure.BAD_SIGNATURE, r.failure());
        assertTrue(r.message().contains("'sqs'"), r.message());
    }

    @Test
    void anUnsignedRequestIsMissingItsToken() {
        assertEquals(AwsErrors.AuthFailure.MISSING, verify(new SigV4Verifier.SignedRequest("POST", "/", null,
                n -> List.of(), new byte[0])).failure());
    }

    @Test
    void behindALocalProxyTheForwardedHostIsTheSignedOne() {
        String host = signed.headers().apply("host").get(0);
        SigV4Verifier.SignedRequest proxied = new SigV4Verifier.SignedRequest(signed.method(), signed.rawPath(),
                signed.rawQuery(), n -> switch (n) {
                    case "host" -> List.of("127.0.0.1:1");
                    case "x-forwarded-host" -> List.of(host);
                    default -> signed.headers().apply(n);
                }, signed.body());
        assertTrue(verify(proxied).ok());
        assertRefused(verify(withHeader("host", "127.0.0.1:1")), AwsErrors.AuthFailure.BAD_SIGNATURE,
                SigV4Verifier.SIGNATURE_MISMATCH);
    }

    private static void assertRefused(SigV4Verifier.Result r, AwsErrors.AuthFailure failure, String message) {
        assertEquals(failure, r.failure(), r::toString);
        assertEquals(message, r.message());
    }
}
