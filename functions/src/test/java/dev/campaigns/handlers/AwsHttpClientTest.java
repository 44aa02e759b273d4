package dev.campaigns.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

class AwsHttpClientTest {
    @Test
    void sendsARequestAndReadsTheAnswerOverHttp() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer = ("got " + exchange.getRequestMethod() + " " + new String(body, StandardCharsets.UTF_8)
                    + " " + exchange.getRequestHeaders().getFirst("X-Amz-Target")).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            SdkHttpClient client = AwsHttpClient.create();
            byte[] payload = "{\"TableName\":\"t\"}".getBytes(StandardCharsets.UTF_8);
            SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST)
                    .uri(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                    .putHeader("X-Amz-Target", "DynamoDB_20120810.GetItem")
                    .putHeader("Content-Length", String.valueOf(payload.length)).build();
            HttpExecuteResponse response = client.prepareRequest(HttpExecuteRequest.builder().request(request)
                    .contentStreamProvider(() -> new ByteArrayInputStream(payload)).build()).call();
            assertEquals(200, response.httpResponse().statusCode());
            assertEquals("got POST {\"TableName\":\"t\"} DynamoDB_20120810.GetItem",
                    new String(response.responseBody().orElseThrow().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void connectionsHaveTheSdksDefaultTimeouts() {
        assertEquals(Duration.ofSeconds(2), AwsHttpClient.CONNECT_TIMEOUT);
        assertEquals(Duration.ofSeconds(30), AwsHttpClient.READ_TIMEOUT);
        HttpURLConnection connection = AwsHttpClient.open(URI.create("http://127.0.0.1:1/"));
        assertEquals(2_000, connection.getConnectTimeout());
        assertEquals(30_000, connection.getReadTimeout());
    }

    @Test
    void httpsEndpointsGetTheJdksDefaultTls() {
        HttpURLConnection connection = AwsHttpClient.open(URI.create("https://dynamodb.eu-west-1.amazonaws.com/"));
        HttpsURLConnection https = assertInstanceOf(HttpsURLConnection.class, connection);
        assertTrue(https.getSSLSocketFactory() == HttpsURLConnection.getDefaultSSLSocketFactory(),
                "the JDK's default TLS context (system trust store)");
        assertEquals(30_000, https.getReadTimeout());
    }
}
