package dev.campaigns.infra.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The local AWS endpoints the functions call, with AWS's authentication and authorisation in front: one loopback
 * port per service. Each request's SigV4 signature is verified ({@link SigV4Verifier}), the IAM actions and resources
 * it needs are read from its operation and body ({@link RequestActions}) and evaluated against the calling role's
 * policies; a refused request gets AWS's error in the service's shape ({@link AwsErrors}), an allowed one is
 * forwarded byte for byte to the local service (DynamoDB Local, ElasticMQ, the Step Functions engine) or served
 * in process (Secrets Manager). Every decision is recorded ({@link IamUsage}).
 */
public final class IamGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "x-forwarded-host");

    /** Where an allowed request goes: the operation (without its target prefix), its parsed body, the raw request. */
    @FunctionalInterface
    public interface Backend {
        Answer handle(String operation, JsonNode body, Incoming request) throws IOException;

        /** Forwards the request as it came to {@code target} (an HTTP endpoint of the local service). */
        static Backend http(URI target) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            return (operation, body, in) -> {
                HttpRequest.Builder out = HttpRequest.newBuilder(target.resolve(in.pathAndQuery()))
                        .method(in.method(), HttpRequest.BodyPublishers.ofByteArray(in.body()))
                        .timeout(Duration.ofMinutes(15));
                for (Map.Entry<String, List<String>> h : in.headers().entrySet()) {
                    if (!HOP_HEADERS.contains(h.getKey())) {
                        h.getValue().forEach(v -> out.header(h.getKey(), v));
                    }
                }
                try {
                    HttpResponse<byte[]> answer = client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
                    Map<String, String> headers = new HashMap<>();
                    answer.headers().map().forEach((name, values) -> {
                        if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                            headers.put(name, String.join(",", values));
                        }
                    });
                    return new Answer(answer.statusCode(), headers, answer.body());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while forwarding", e);
                }
            };
        }
    }

    /** A request as it arrived: method, path with query, headers by lower-case name, body. */
    public record Incoming(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {
    }

    private final Server server;
    private final Map<LocalService, ServerConnector> connectors = new EnumMap<>(LocalService.class);
    private final Map<LocalService, Backend> backends;
    private final SigV4Verifier verifier;
    private final RequestActions actions;
    private final Authorizer authorizer;

    /** Evaluates a principal's call, and records the calls of a request once it is decided. */
    public interface Authorizer {
        IamPolicy.Decision evaluate(Principal principal, ServiceCall call);

        void record(Principal principal, ServiceCall call, IamPolicy.Decision decision);
    }

    /**
     * Starts listening on a free loopback port per service.
     *
     * @param authorizer decides and records the calls of each request
     */
    public IamGateway(Map<LocalService, Backend> backends, SigV4Verifier verifier, RequestActions actions,
                      Authorizer authorizer) {
        this.backends = new EnumMap<>(backends);
        this.verifier = verifier;
        this.actions = actions;
        this.authorizer = authorizer;
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("iam-gateway");
        threads.setDaemon(true);
        this.server = new Server(threads);
        for (LocalService service : backends.keySet()) {
            ServerConnector c = new ServerConnector(server, 1, 1);
            c.setHost("127.0.0.1");
            c.setPort(0);
            c.setName(service.name());
            c.setIdleTimeout(Duration.ofMinutes(10).toMillis());
            server.addConnector(c);
            connectors.put(service, c);
        }
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback);
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the local IAM gateway did not start: " + e.getMessage(), e);
        }
    }

    /** The endpoint of {@code service} ({@code AWS_ENDPOINT_URL_DYNAMODB}, ...). */
    public URI endpoint(LocalService service) {
        ServerConnector c = connectors.get(service);
        if (c == null) {
            throw new IllegalArgumentException("the gateway does not serve " + service);
        }
        return URI.create("http://127.0.0.1:" + c.getLocalPort());
    }

    private void serve(Request request, Response response, Callback callback) {
        LocalService service = LocalService.valueOf(request.getConnectionMetaData().getConnector().getName());
        Answer answer;
        try {
            answer = decide(service, read(request));
        } catch (IOException | RuntimeException e) {
            answer = AwsErrors.badRequest(service, "InternalFailure", "The local IAM gateway failed: " + e);
            answer = new Answer(500, answer.headers(), answer.body());
        }
        response.setStatus(answer.status());
        answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        response.getHeaders().put("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    private static Incoming read(Request request) throws IOException {
        byte[] body = Content.Source.asInputStream(request).readAllBytes();
        Map<String, List<String>> headers = new HashMap<>();
        for (HttpField f : request.getHeaders()) {
            headers.computeIfAbsent(f.getLowerCaseName(), k -> new java.util.ArrayList<>()).add(f.getValue());
        }
        String query = request.getHttpURI().getQuery();
        String path = request.getHttpURI().getPath();
        return new Incoming(request.getMethod(), (path == null || path.isEmpty() ? "/" : path)
                + (query == null ? "" : "?" + query), headers, body);
    }

    /** Authenticates, authorises and, if allowed, forwards one request. */
    Answer decide(LocalService service, Incoming in) throws IOException {
        String path = in.pathAndQuery();
        int q = path.indexOf('?');
        SigV4Verifier.Result auth = verifier.verify(service, new SigV4Verifier.SignedRequest(in.method(),
                q < 0 ? path : path.substring(0, q), q < 0 ? null : path.substring(q + 1),
                name -> in.headers().getOrDefault(name.toLowerCase(Locale.ROOT), List.of()), in.body()));
        if (!auth.ok()) {
            return AwsErrors.authentication(service, auth.failure(), auth.message());
        }
        List<String> targets = in.headers().getOrDefault("x-amz-target", List.of());
        String target = targets.isEmpty() ? "" : targets.get(0);
        if (!target.startsWith(service.targetPrefix())) {
            return AwsErrors.badRequest(service, "UnknownOperationException", "Missing or unknown X-Amz-Target: "
                    + target);
        }
        String operation = target.substring(service.targetPrefix().length());
        JsonNode body;
        try {
            body = in.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(in.body());
        } catch (IOException e) {
            return AwsErrors.badRequest(service, "SerializationException", "The request body is not valid JSON");
        }
        Principal principal = auth.principal();
        List<ServiceCall> calls = actions.of(service, operation, body);
        List<IamPolicy.Decision> decisions = new java.util.ArrayList<>(calls.size());
        for (ServiceCall call : calls) {
            IamPolicy.Decision decision = authorizer.evaluate(principal, call);
            if (!decision.allowed()) {
                // A refused request used nothing: only its refusal is recorded.
                authorizer.record(principal, call, decision);
                String action = service == LocalService.SQS ? call.action().toLowerCase(Locale.ROOT) : call.action();
                return AwsErrors.accessDenied(service, principal.denial(action, call.named(), decision.outcome()));
            }
            decisions.add(decision);
        }
        for (int i = 0; i < calls.size(); i++) {
            authorizer.record(principal, calls.get(i), decisions.get(i));
        }
        return backends.get(service).handle(operation, body, in);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping anyway
        }
    }
}
