package dev.campaigns.infra.chaos;

import dev.campaigns.infra.codehost.Fault;
import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.local.LocalCampaigns;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fault injection for a whole local campaign, at every boundary a real deployment has: the code host (5xx,
 * answers after the client's timeout, dropped connections, secondary rate limits), the Lambda runtime between Step
 * Functions and each function ({@link ChaosInvoker}: deaths before, during and after a step's side effect, lost
 * answers, throttling, duplicate concurrent invocations) and DynamoDB as the functions reach it
 * ({@link DynamoFaultProxy}: the kills' dropped writes and lost answers, throttling). No function code knows.
 *
 * <p>Use: {@code LocalCampaigns.start(options, chaos.hooks())}, then {@link #injectInto(LocalCodeHost)}; after the
 * run, {@link #stop()} and read {@link #ledger()}.
 *
 * @see FaultKind
 */
public final class Chaos implements AutoCloseable {
    /** The client timeout the functions get (CODE_HOST_TIMEOUT_SECONDS), so injected slowness costs seconds. */
    public static final int CODE_HOST_TIMEOUT_SECONDS = 3;

    private final double rate;
    private final long seed;
    private final FaultLedger ledger = new FaultLedger();
    private final Map<FaultKind, List<Fault>> codeHostFaults = new EnumMap<>(FaultKind.class);
    private volatile DynamoFaultProxy dynamo;
    private volatile ChaosInvoker invoker;
    private LocalCodeHost host;

    /**
     * @param rate the share of code host requests, of workflow invocations and (halved) of the functions' DynamoDB
     *             requests that fail
     * @param seed the seed of every random decision, so that a run repeats
     */
    public Chaos(double rate, long seed) {
        if (rate < 0 || rate > 0.5) {
            throw new IllegalArgumentException("fault rate must be between 0 and 0.5, got " + rate);
        }
        this.rate = rate;
        this.seed = seed;
    }

    /** Where the chaos stands in the local runtime: around the Lambda invoker, and in the functions' environment. */
    public LocalCampaigns.Hooks hooks() {
        return new LocalCampaigns.Hooks(lambdas -> {
            invoker = new ChaosInvoker(lambdas, proxy(null), ledger, rate, seed + 1);
            return invoker;
        }, env -> {
            Map<String, String> out = new HashMap<>(env);
            out.put("AWS_ENDPOINT_URL_DYNAMODB", proxy(URI.create(env.get("AWS_ENDPOINT_URL_DYNAMODB")))
                    .endpoint().toString());
            out.put("CODE_HOST_TIMEOUT_SECONDS", Integer.toString(CODE_HOST_TIMEOUT_SECONDS));
            return out;
        });
    }

    private synchronized DynamoFaultProxy proxy(URI target) {
        if (dynamo == null) {
            if (target == null) {
                throw new IllegalStateException("the functions' environment is resolved before the invoker");
            }
            dynamo = new DynamoFaultProxy(target, ledger, seed + 2);
            dynamo.throttle(rate / 2);
        }
        return dynamo;
    }

    /**
     * Registers the code host faults: each request to the API or to git over HTTP fails with probability about
     * {@code rate}: 40% of those 5xx, 25% dropped connections, 15% answers slower than the client's timeout; and
     * a POST to the API (content creation) meets a secondary rate limit with probability {@code rate}.
     */
    public void injectInto(LocalCodeHost codeHost) {
        this.host = codeHost;
        String any = "/.*";
        add(FaultKind.CODE_HOST_5XX, Fault.on(null, any).probability(rate * 0.25, seed + 10).status(502));
        add(FaultKind.CODE_HOST_5XX, Fault.on(null, any).probability(rate * 0.15, seed + 11).status(503));
        add(FaultKind.CODE_HOST_DROPPED_CONNECTION, Fault.on(null, any).probability(rate * 0.25, seed + 12)
                .dropConnection());
        add(FaultKind.CODE_HOST_TIMEOUT, Fault.on(null, any).probability(rate * 0.15, seed + 13)
                .delay(Duration.ofSeconds(CODE_HOST_TIMEOUT_SECONDS + 1)));
        add(FaultKind.CODE_HOST_SECONDARY_RATE_LIMIT, Fault.on("POST", java.util.regex.Pattern.quote(codeHost.apiPrefix()) + "/.*").probability(rate, seed + 14)
                .secondaryRateLimit(Duration.ofSeconds(1)));
    }

    private void add(FaultKind kind, Fault fault) {
        codeHostFaults.computeIfAbsent(kind, k -> new ArrayList<>()).add(host.faults().add(fault));
    }

    /** Stops injecting everywhere (the code host's faults are removed; their counts are kept in the ledger). */
    public void stop() {
        if (invoker != null) {
            invoker.rate(0);
        }
        if (dynamo != null) {
            dynamo.throttle(0);
        }
        if (host != null) {
            settleCodeHostCounts();
            host.faults().clear();
            host = null;
        }
    }

    private void settleCodeHostCounts() {
        codeHostFaults.forEach((kind, faults) -> faults.forEach(f -> ledger.add(kind, f.hits())));
        codeHostFaults.clear();
    }

    /** The faults injected so far (code host faults are counted when {@link #stop()} is called). */
    public FaultLedger ledger() {
        return ledger;
    }

    /** Workflow step invocations so far. */
    public long invocations() {
        return invoker == null ? 0 : invoker.invocations();
    }

    /** Workflow step invocations that failed (each retried or caught by the state machine). */
    public long failedInvocations() {
        return invoker == null ? 0 : invoker.failures();
    }

    public double rate() {
        return rate;
    }

    @Override
    public void close() {
        stop();
        if (dynamo != null) {
            dynamo.close();
        }
    }
}
