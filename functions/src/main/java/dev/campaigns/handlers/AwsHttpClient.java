package dev.campaigns.handlers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The HTTP client of every AWS SDK client a function builds: the SDK's URLConnection client with the SDK's default
 * connect and read timeouts, whose connections the JDK opens. The difference from {@code UrlConnectionHttpClient}'s
 * own connection factory is when TLS is set up: that factory builds an {@code SSLContext} and its trust managers when
 * the client is built, whether or not an endpoint is https; here the JDK sets up its default TLS context (the same
 * system trust store) on the first https connection only. Nothing here knows which endpoints a function has: an
 * https endpoint (AWS) pays for TLS at its first request, an http one (the local stack) never does
 * (docs/performance.md, issue 19: about 100 ms and 220-380 classes of a cold start).
 */
final class AwsHttpClient {
    static final Duration CONNECT_TIMEOUT =
            SdkHttpConfigurationOption.GLOBAL_HTTP_DEFAULTS.get(SdkHttpConfigurationOption.CONNECTION_TIMEOUT);
    static final Duration READ_TIMEOUT =
            SdkHttpConfigurationOption.GLOBAL_HTTP_DEFAULTS.get(SdkHttpConfigurationOption.READ_TIMEOUT);

    private AwsHttpClient() {
    }

    /** A new client; SDK clients given it do not close it (it holds no resources: the JDK pools connections). */
    static SdkHttpClient create() {
        return UrlConnectionHttpClient.create(AwsHttpClient::open);
    }

    static HttpURLConnection open(URI uri) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
            return connection;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a connection to " + uri, e);
        }
    }
}
