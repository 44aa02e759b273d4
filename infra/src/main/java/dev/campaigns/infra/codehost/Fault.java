package dev.campaigns.infra.codehost;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A failure the local code host injects into matching requests: the way tests and benchmarks check that clients
 * survive what GitHub really does (5xx, slow answers, dropped connections, secondary rate limits, races).
 *
 * <p>Built fluently and registered with {@link Faults#add}:
 * <pre>{@code
 * host.faults().add(Fault.on("POST", "/api/v3/repos/.+/pulls").times(1).status(502));
 * host.faults().add(Fault.on(null, "/api/v3/.*").probability(0.1, 42).dropConnection());
 * }</pre>
 * The path pattern is a regular expression matched against the whole request path (no query string), API paths
 * including the {@code /api/v3} prefix. A fault applies at most {@link #times} times (unlimited by default), each
 * time with the given probability (drawn from a seeded generator, so runs repeat).
 */
public final class Fault {

    /** What happens to a matching request. */
    public enum Action { STATUS, DELAY, DROP_CONNECTION, SECONDARY_RATE_LIMIT, BEFORE }

    private final String method;
    private final Pattern path;
    private int times = -1;
    private double probability = 1.0;
    private Random random = new Random(0);
    private Action action;
    private int status;
    private String body;
    private Map<String, String> headers = Map.of();
    private Duration duration = Duration.ZERO;
    private Runnable before;
    private final AtomicInteger remaining = new AtomicInteger(-1);
    private final AtomicInteger hits = new AtomicInteger();

    private Fault(String method, String pathRegex) {
        this.method = method;
        this.path = Pattern.compile(Objects.requireNonNull(pathRegex, "pathRegex"));
    }

    /** Matches requests with {@code method} (null: any) whose path matches {@code pathRegex}. */
    public static Fault on(String method, String pathRegex) {
        return new Fault(method, pathRegex);
    }

    /** Applies to the first {@code n} matching requests only. */
    public Fault times(int n) {
        this.times = n;
        this.remaining.set(n);
        return this;
    }

    /** Applies to each matching request with probability {@code p}, drawn from a generator seeded with seed. */
    public Fault probability(double p, long seed) {
        this.probability = p;
        this.random = new Random(seed);
        return this;
    }

    /** Answers with {@code code} and GitHub's error body shape instead of handling the request. */
    public Fault status(int code) {
        return status(code, "{\"message\":\"" + (code >= 500 ? "Server Error" : "Injected failure")
                + "\",\"documentation_url\":\"https://docs.github.com/rest\"}", Map.of());
    }

    /** Answers with {@code code}, the given JSON body and extra headers. */
    public Fault status(int code, String jsonBody, Map<String, String> extraHeaders) {
        this.action = Action.STATUS;
        this.status = code;
        this.body = jsonBody;
        this.headers = Map.copyOf(extraHeaders);
        return this;
    }

    /** Waits {@code d} (real time) before handling the request normally: a slow host. */
    public Fault delay(Duration d) {
        this.action = Action.DELAY;
        this.duration = d;
        return this;
    }

    /** Closes the connection without answering. */
    public Fault dropConnection() {
        this.action = Action.DROP_CONNECTION;
        return this;
    }

    /** GitHub's secondary rate limit: 403 with {@code Retry-After: <seconds>} and GitHub's message. */
    public Fault secondaryRateLimit(Duration retryAfter) {
        this.action = Action.SECONDARY_RATE_LIMIT;
        this.duration = retryAfter;
        return this;
    }

    /** Runs {@code hook} (e.g. a concurrent change on the host) and then handles the request normally. */
    public Fault before(Runnable hook) {
        this.action = Action.BEFORE;
        this.before = Objects.requireNonNull(hook, "hook");
        return this;
    }

    /** How many requests this fault has been applied to. */
    public int hits() {
        return hits.get();
    }

    Action action() {
        return action;
    }

    int statusCode() {
        return status;
    }

    String body() {
        return body;
    }

    Map<String, String> headers() {
        return headers;
    }

    Duration duration() {
        return duration;
    }

    Runnable beforeHook() {
        return before;
    }

    /** Whether this fault applies to the request; consumes one of its {@link #times} when it does. */
    boolean claim(String requestMethod, String requestPath) {
        if (action == null) {
            throw new IllegalStateException("fault on " + path + " has no action");
        }
        if (method != null && !method.equalsIgnoreCase(requestMethod)) {
            return false;
        }
        if (!path.matcher(requestPath).matches()) {
            return false;
        }
        if (probability < 1.0) {
            synchronized (random) {
                if (random.nextDouble() >= probability) {
                    return false;
                }
            }
        }
        if (times >= 0 && remaining.getAndUpdate(r -> r > 0 ? r - 1 : r) <= 0) {
            return false;
        }
        hits.incrementAndGet();
        return true;
    }

    @Override
    public String toString() {
        return "Fault[" + (method == null ? "*" : method) + " " + path + " " + action + "]";
    }
}
