package dev.campaigns.codehost.github;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;

/**
 * github-api's transport over the JDK {@link HttpClient}, with a per-request timeout.
 *
 * <p>github-api's own {@code HttpClientGitHubConnector} sets no request timeout, so a host that accepts the
 * connection and never answers would hold a Lambda until its own timeout. Here a response must start within the
 * configured time, or the call fails with {@link java.net.http.HttpTimeoutException} (classified TIMEOUT). Redirects
 * are not followed: github-api follows them itself and strips the Authorization header on a host change.
 */
final class TimeoutHttpClientConnector implements GitHubConnector {

    private final HttpClient client;
    private final Duration requestTimeout;

    TimeoutHttpClientConnector(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
        this.requestTimeout = requestTimeout;
    }

    @Override
    public GitHubConnectorResponse send(GitHubConnectorRequest request) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(requestTimeout);
        try {
            builder.uri(request.url().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("Invalid URL: " + request.url(), e);
        }
        for (Map.Entry<String, List<String>> header : request.allHeaders().entrySet()) {
            if (header.getValue() != null) {
                builder.header(header.getKey(), String.join(", ", header.getValue()));
            }
        }
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
        if (request.hasBody()) {
            try (InputStream in = request.body()) {
                publisher = HttpRequest.BodyPublishers.ofByteArray(in.readAllBytes());
            }
        }
        builder.method(request.method(), publisher);
        try {
            HttpResponse<byte[]> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(request, response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw (InterruptedIOException) new InterruptedIOException("interrupted").initCause(e);
        }
    }

    private static final class Response extends GitHubConnectorResponse.ByteArrayResponse {
        private final byte[] body;

        Response(GitHubConnectorRequest request, HttpResponse<byte[]> response) {
            super(request, response.statusCode(), response.headers().map());
            this.body = response.body();
        }

        @Override
        protected InputStream rawBodyStream() {
            return new ByteArrayInputStream(body == null ? new byte[0] : body);
        }
    }
}
