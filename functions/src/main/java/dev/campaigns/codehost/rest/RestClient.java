package dev.campaigns.codehost.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.CodeHostException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON over HTTP to a code host's REST API with the JDK's {@link HttpClient}: the token as
 * {@code Authorization: Bearer}, timeouts, bounded waits on 429, and every failure turned into a classified
 * {@link CodeHostException} (one home for the HTTP-status rule of the REST hosts). Messages carry the method, the
 * path, the status and the host's own message; never a header, so never the token.
 *
 * <p>Thread-safe; one instance per host.
 */
public final class RestClient {
    private static final Logger LOG = LoggerFactory.getLogger(RestClient.class);
    public static final ObjectMapper JSON = dev.campaigns.util.Json.MAPPER;
    /** A 429 without any hint: wait a minute (GitLab's and Bitbucket's windows are a minute or less). */
    static final Duration DEFAULT_PAUSE = Duration.ofSeconds(60);
    private static final int MAX_RATE_LIMIT_RETRIES = 2;

    /** An answer: status, JSON body (NullNode when empty) and a header reader. */
    public record Response(int status, JsonNode body, Function<String, Optional<String>> header) {
    }

    private final RestHostConfig config;
    private final Function<JsonNode, String> hostMessage;
    private final HttpClient http;
    private final AtomicInteger lastRemaining = new AtomicInteger(Integer.MAX_VALUE);

    /**
     * @param hostMessage reads the host's error message out of an error body (GitLab {@code message}, Bitbucket
     *                    {@code errors[].message})
     */
    public RestClient(RestHostConfig config, Function<JsonNode, String> hostMessage) {
        this.config = config;
        this.hostMessage = hostMessage;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    /**
     * Sends {@code method path} (path under the API root, already encoded, with its query) with {@code body} as
     * JSON (null: none) and returns a 2xx answer; anything else is a {@link CodeHostException} whose status is the
     * host's.
     */
    public Response send(String method, String path, JsonNode body) {
        String operation = method + " " + withoutQuery(path);
        for (int attempt = 0; ; attempt++) {
            Response r = exchange(method, path, body, operation);
            if (r.status() / 100 == 2) {
                return r;
            }
            if (r.status() == 429) {
                Duration pause = pause(r);
                if (pause.compareTo(config.maxRateLimitWait()) <= 0 && attempt < MAX_RATE_LIMIT_RETRIES) {
                    LOG.info("{}: rate limited, waiting {} before retrying", operation, pause);
                    sleep(pause, operation);
                    continue;
                }
                throw new CodeHostException(Kind.RATE_LIMITED, 429, operation + ": 429 rate limited ("
                        + message(r) + "); retry after " + pause, pause, null);
            }
            throw failure(operation, r);
        }
    }

    /**
     * The requests the token may still make in the current window, as the host last said
     * ({@code RateLimit-Remaining}); {@link Integer#MAX_VALUE} while it has said nothing.
     */
    public int lastRemaining() {
        return lastRemaining.get();
    }

    /** The classified failure of a non-2xx answer. */
    public CodeHostException failure(String operation, Response r) {
        int status = r.status();
        Kind kind = switch (status) {
            case 404, 410 -> Kind.NOT_FOUND;
            case 401 -> Kind.UNAUTHORIZED;
            case 403, 451 -> Kind.FORBIDDEN;
            case 400, 405, 409, 412, 422 -> Kind.VALIDATION;
            case 408 -> Kind.TIMEOUT;
            case 429 -> Kind.RATE_LIMITED;
            default -> status >= 500 ? Kind.SERVER_ERROR : Kind.UNKNOWN;
        };
        return new CodeHostException(kind, status, operation + ": " + status + " " + message(r), null, null);
    }

    /** The host's message of an error answer, or its status line when it gave none. */
    public String message(Response r) {
        String m = r.body() == null || r.body().isNull() ? null : hostMessage.apply(r.body());
        return m == null || m.isBlank() ? "(no message)" : m;
    }

    private Response exchange(String method, String path, JsonNode body, String operation) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.apiUrl() + path))
                .timeout(config.requestTimeout())
                .header("Accept", "application/json");
        String token = config.token().get();
        if (token != null && !token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().firstValue("RateLimit-Remaining")
                    .or(() -> response.headers().firstValue("X-RateLimit-Remaining"))
                    .ifPresent(v -> {
                        try {
                            lastRemaining.set(Integer.parseInt(v.strip()));
                        } catch (NumberFormatException e) {
                            // not a number: keep what we knew
                        }
                    });
            JsonNode json = NullNode.getInstance();
            byte[] bytes = response.body();
            if (bytes != null && bytes.length > 0) {
                try {
                    json = JSON.readTree(bytes);
                } catch (IOException e) {
                    if (response.statusCode() / 100 == 2) {
                        throw new CodeHostException(Kind.SERVER_ERROR, response.statusCode(),
                                operation + ": the answer is not JSON", null, e);
                    }
                    json = NullNode.getInstance(); // an HTML error page: the status says enough
                }
            }
            return new Response(response.statusCode(), json, name -> response.headers().firstValue(name));
        } catch (HttpTimeoutException e) {
            throw new CodeHostException(Kind.TIMEOUT, operation + ": no response within "
                    + config.requestTimeout(), e);
        } catch (ConnectException e) {
            throw new CodeHostException(Kind.NETWORK, operation + ": cannot connect to " + config.apiUrl().getHost()
                    + ":" + config.apiUrl().getPort(), e);
        } catch (IOException e) {
            throw new CodeHostException(Kind.NETWORK, operation + ": connection failed ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CodeHostException(Kind.NETWORK, operation + ": interrupted", e);
        }
    }

    /**
     * How long a 429 asks to wait: {@code Retry-After} (seconds or HTTP date), else {@code RateLimit-Reset} (epoch
     * seconds, GitLab) against the answer's {@code Date} (the server's clock), else a minute.
     */
    Duration pause(Response r) {
        Optional<String> retryAfter = r.header().apply("Retry-After");
        if (retryAfter.isPresent()) {
            String v = retryAfter.get().strip();
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return positive(Duration.between(serverNow(r), at));
                } catch (RuntimeException notDate) {
                    return DEFAULT_PAUSE;
                }
            }
        }
        Optional<String> reset = r.header().apply("RateLimit-Reset");
        if (reset.isPresent()) {
            try {
                return positive(Duration.between(serverNow(r), Instant.ofEpochSecond(Long.parseLong(reset.get()
                        .strip()))));
            } catch (NumberFormatException e) {
                return DEFAULT_PAUSE;
            }
        }
        return DEFAULT_PAUSE;
    }

    private Instant serverNow(Response r) {
        return r.header().apply("Date").map(d -> {
            try {
                return ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (RuntimeException e) {
                return null;
            }
        }).orElseGet(() -> config.clock().instant());
    }

    private static Duration positive(Duration d) {
        return d.isNegative() || d.isZero() ? Duration.ofSeconds(1) : d;
    }

    private void sleep(Duration pause, String operation) {
        try {
            config.sleeper().sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CodeHostException(Kind.RATE_LIMITED, 429, operation + ": interrupted while waiting", pause, e);
        }
    }

    private static String withoutQuery(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }
}
