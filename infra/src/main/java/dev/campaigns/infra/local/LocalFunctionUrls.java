package dev.campaigns.infra.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.campaigns.infra.sfn.InvocationResult;
import java.io.IOException;
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
 * function URL event (payload format 2.0: lower-case headers, body base64-encoded) and answers with the status, headers
 * and body it returns, as AWS does for the functions of {@code template.yaml} that declare {@code FunctionUrlConfig}.
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
            byte[] body = exchange.getRequestBody().readAllBytes();
            ObjectNode event = JSON.createObjectNode();
            event.put("version", "2.0");
            event.put("rawPath", exchange.getRequestURI().getPath());
            ObjectNode headers = event.putObject("headers");
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            event.putObject("requestContext").putObject("http").put("method", exchange.getRequestMethod());
            event.put("body", Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", true);
            InvocationResult result = lambdas.invoke(function, event.toString());
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
                out = answer.path("body").asText("").getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
