package dev.campaigns.infra.chaos;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An HTTP proxy in front of the functions' DynamoDB endpoint (the IAM gateway before DynamoDB Local) that fails a
 * function's DynamoDB traffic the way a dying Lambda or a busy table does, without the function knowing: the local
 * runtime points the functions' {@code AWS_ENDPOINT_URL_DYNAMODB} here (the tests' own clients talk to DynamoDB Local
 * directly).
 *
 * <p>Two faults:
 * <ul>
 *   <li><b>kills</b>, armed per changeset job by {@link ChaosInvoker} for one invocation: when that job's recording
 *       write (recognised by a marker in the request, e.g. {@code SET pushed}) arrives, the proxy either drops it
 *       unapplied ("died after the side effect, before recording it") or forwards it and drops the answer ("write
 *       applied, response lost"); from then on every request about that job is dropped until the invocation ends,
 *       as if its process were gone;</li>
 *   <li><b>throttling</b>: a request answered {@code ThrottlingException} (400) with a given probability.</li>
 * </ul>
 * Requests are forwarded byte for byte, with the Host the function signed for in {@code X-Forwarded-Host}.
 */
public final class DynamoFaultProxy implements AutoCloseable {
    private static final Pattern CAMPAIGN = Pattern.compile("CAMPAIGN#([0-9a-fA-F-]{36})");
    private static final Pattern JOB = Pattern.compile("\"JOB#(\\d+)\"");
    private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");

    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Kill> kills = new ConcurrentHashMap<>();
    private final FaultLedger ledger;
    private final Random random;
    private volatile double throttleRate;
    private final Server server;
    private final URI endpoint;

    /** One armed kill: the job it watches, the marker of its recording write, whether that write is applied. */
    static final class Kill {
        final String marker;
        final boolean applied;
        final AtomicBoolean fired = new AtomicBoolean();

        Kill(String marker, boolean applied) {
            this.marker = marker;
            this.applied = applied;
        }
    }

    public DynamoFaultProxy(URI target, FaultLedger ledger, long seed) {
        this.target = target;
        this.ledger = ledger;
        this.random = new Random(seed);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new ProxyServlet()), "/*");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the DynamoDB fault proxy did not start", e);
        }
        endpoint = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Answers ThrottlingException to each request with probability {@code rate} (0 stops it). */
    public void throttle(double rate) {
        this.throttleRate = rate;
    }

    /** Arms a kill for the job {@code campaignId/jobId}; {@link #disarm} says whether it fired. */
    void arm(String campaignId, String jobId, String marker, boolean applied) {
        kills.put(campaignId + "/" + jobId, new Kill(marker, applied));
    }

    /** Ends the invocation's kill; true if it fired. */
    boolean disarm(String campaignId, String jobId) {
        Kill kill = kills.remove(campaignId + "/" + jobId);
        return kill != null && kill.fired.get();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping anyway
        }

    }

    private final class ProxyServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] body = req.getInputStream().readAllBytes();
            String text = new String(body, StandardCharsets.UTF_8);
            Kill kill = killFor(text);
            if (kill != null) {
                if (kill.fired.get()) {
                    drop(req);
                    return;
                }
                if (text.contains(kill.marker) && kill.fired.compareAndSet(false, true)) {
                    if (kill.applied) {
                        forward(req, body); // applied by DynamoDB; the answer is lost
                        ledger.record(FaultKind.LAMBDA_DIES_AFTER_RECORD);
                    } else {
                        ledger.record(FaultKind.LAMBDA_DIES_BEFORE_RECORD);
                    }
                    drop(req);
                    return;
                }
            }
            double rate = throttleRate;
            if (rate > 0 && draw() < rate) {
                ledger.record(FaultKind.DYNAMODB_THROTTLED);
                byte[] answer = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\","
                        + "\"message\":\"Rate of requests exceeds the allowed throughput.\"}")
                        .getBytes(StandardCharsets.UTF_8);
                resp.setStatus(400);
                resp.setContentType("application/x-amz-json-1.0");
                resp.setContentLength(answer.length);
                resp.getOutputStream().write(answer);
                return;
            }
            HttpResponse<byte[]> answer = forward(req, body);
            if (answer == null) {
                drop(req);
                return;
            }
            resp.setStatus(answer.statusCode());
            answer.headers().map().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    values.forEach(v -> resp.addHeader(name, v));
                }
            });
            resp.setContentLength(answer.body().length);
            resp.getOutputStream().write(answer.body());
        }

        private Kill killFor(String text) {
            if (kills.isEmpty()) {
                return null;
            }
            Matcher campaign = CAMPAIGN.matcher(text);
            Matcher job = JOB.matcher(text);
            if (!campaign.find() || !job.find()) {
                return null;
            }
            return kills.get(campaign.group(1) + "/" + job.group(1));
        }

        private HttpResponse<byte[]> forward(HttpServletRequest req, byte[] body) {
            HttpRequest.Builder out = HttpRequest.newBuilder(target.resolve(req.getRequestURI()))
                    .method(req.getMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
                    .timeout(Duration.ofSeconds(30));
            Enumeration<String> names = req.getHeaderNames();
            while (names.hasMoreElements()) {
                String name = names.nextElement();
                if (HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                for (String value : List.copyOf(java.util.Collections.list(req.getHeaders(name)))) {
                    out.header(name, value);
                }
            }
            // The Host the function signed for: the IAM gateway behind this proxy checks the signature with it.
            out.header("X-Forwarded-Host", req.getHeader("Host"));
            try {
                return client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        private void drop(HttpServletRequest req) {
            ServletContextRequest.getServletContextRequest(req).getConnectionMetaData().getConnection()
                    .getEndPoint().close();
        }
    }

    private double draw() {
        synchronized (random) {
            return random.nextDouble();
        }
    }
}
