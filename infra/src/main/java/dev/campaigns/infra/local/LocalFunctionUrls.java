package dev.campaigns.infra.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.campaigns.infra.sfn.InvocationResult;
import dev.campaigns.infra.sfn.LambdaServiceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lambda function URLs on loopback: {@code http://127.0.0.1:<port>/<FunctionLogicalId>} invokes that function with a
 * function URL event (payload format 2.0: lower-case headers; a text body as text, any other base64-encoded) and answers
 * with the status, headers and body it returns (the event's {@code rawPath} is the path after
 * {@code /<FunctionLogicalId>}, as AWS gives the path after the URL's host), as AWS does for the functions of {@code template.yaml} that declare
 * {@code FunctionUrlConfig}. Lambda's limits hold: a request whose event would exceed 6 MB is answered 413 without
 * invoking the function; a function error (a response over 6 MB, a timeout) is answered 502.
 */
public final class LocalFunctionUrls implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, String> urls = new HashMap<>();

    public LocalFunctionUrls(List<String> functions, LocalLambdas lambdas) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        for (String function : functions) {
            server.createContext("/" + function, exchange -> handle(exchange, function, lambdas));
            urls.put(function, "http://127.0.0.1:" + server.getAddress().getPort() + "/" + function);
        }
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "local-function-urls");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** The URL of a function (by logical ID). */
    public String url(String function) {
        String url = urls.get(function);
        if (url == null) {
            throw new IllegalArgumentException(function + " has no function URL in template.yaml");
        }
        return url;
    }

    private static void handle(HttpExchange exchange, String function, LocalLambdas lambdas) throws IOException {
        try (exchange) {
            byte[] body = readAtMost(exchange.getRequestBody(), LambdaLimits.SYNC_REQUEST_BYTES);
            if (body == null) {
                tooLarge(exchange);
                return;
            }
            ObjectNode event = JSON.createObjectNode();
            event.put("version", "2.0");
            // as in AWS, the path after the function URL's host: here, after /<FunctionLogicalId>
            String rawPath = exchange.getRequestURI().getPath().substring(function.length() + 1);
            event.put("rawPath", rawPath.isEmpty() ? "/" : rawPath);
            ObjectNode headers = event.putObject("headers");
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            event.putObject("requestContext").putObject("http").put("method", exchange.getRequestMethod());
            boolean text = isText(exchange.getRequestHeaders().getFirst("content-type"));
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", !text);
            InvocationResult result;
            try {
                result = lambdas.invoke(function, event.toString());
            } catch (LambdaServiceException e) {
                if (e.errorName().equals("Lambda.RequestEntityTooLargeException")) {
                    tooLarge(exchange); // the body fitted, but with the event around it the request does not
                    return;
                }
                throw e;
            }
            int status;
            byte[] out;
            if (result.isFunctionError()) {
                status = 502;
                out = "Internal Server Error".getBytes(StandardCharsets.UTF_8);
            } else {
                JsonNode answer = JSON.readTree(result.payloadJson());
                status = answer.path("statusCode").asInt(200);
                answer.path("headers").fields().forEachRemaining(h ->
                        exchange.getResponseHeaders().add(h.getKey(), h.getValue().asText()));
                String text0 = answer.path("body").asText("");
                out = answer.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(text0)
                        : text0.getBytes(StandardCharsets.UTF_8);
            }
            send(exchange, status, out);
        }
    }

    /**
     * A request body over Lambda's 6 MB is answered 413, as a function URL does, and the function is not invoked;
     * the rest of the body is read and dropped, so the client gets the answer rather than a reset connection.
     */
    private static void tooLarge(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        send(exchange, 413, ("{\"Message\":\"Request must be smaller than " + LambdaLimits.SYNC_REQUEST_BYTES
                + " bytes for the InvokeFunction operation\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] out) throws IOException {
        exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
    }

    /** The body, or null (having read and dropped it all) if it is longer than {@code limit} bytes. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        byte[] kept = in.readNBytes(limit + 1);
        if (kept.length <= limit) {
            return kept;
        }
        byte[] drop = new byte[64 * 1024];
        while (in.read(drop) >= 0) {
            // drained
        }
        return null;
    }

    /** Function URLs pass text bodies as text and others base64-encoded (isBase64Encoded). */
    private static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        return t.startsWith("text/") || t.contains("json") || t.contains("xml") || t.contains("javascript")
                || t.startsWith("application/x-www-form-urlencoded");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
