package dev.campaigns.infra.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Uploads a campaign plan of any size within the documented limits (10,000 patches, 10 MiB a patch, 200 MiB in all)
 * through the GraphQL API, in calls that each fit AppSync's and Lambda's request limits (docs/limits.md):
 * {@code createCampaignPlan}; each patch too large for a batch in parts of 1 MiB ({@code uploadCampaignPlanPatchPart});
 * the patches in batches of at most 1,000 patches, 2 MiB of patch text and {@value #MAX_REQUEST_BYTES} bytes of
 * request ({@code addPatchesToCampaignPlan}), a few at once; then {@code executeCampaignPlan}. Every call is
 * idempotent, so one that fails in transit or runs out of time is simply sent again.
 */
public final class PlanUploader {
    /** Patches per batch (the API's limit). */
    public static final int MAX_BATCH_PATCHES = 1_000;
    /** Bytes of patch text per batch (the API's limit). */
    public static final int MAX_BATCH_PATCH_BYTES = 2 * 1024 * 1024;
    /**
     * Bytes of one request body: AppSync hands the resolver an event that holds the variables twice (arguments and
     * info.variables) and refuses events over 5 MB; 2 × 2.4 MB leaves room for the rest of the event.
     */
    public static final int MAX_REQUEST_BYTES = 2_400_000;
    /** Bytes of patch per part of a patch uploaded in parts (the API's limit). */
    public static final int PART_BYTES = 1024 * 1024;

    static final String CREATE = "mutation { createCampaignPlan { id } }";
    static final String ADD = "mutation($plan: ID!, $offset: Int!, $patches: [CampaignPlanPatch!]!) {"
            + " addPatchesToCampaignPlan(plan: $plan, offset: $offset, patches: $patches) { id } }";
    static final String PART = "mutation($plan: ID!, $digest: String!, $part: Int!, $parts: Int!, $data: String!) {"
            + " uploadCampaignPlanPatchPart(plan: $plan, patchDigest: $digest, part: $part, parts: $parts, data: $data)"
            + " { complete } }";
    static final String EXECUTE = "mutation($plan: ID!) { executeCampaignPlan(plan: $plan) { id executedAt } }";
    /** Errors after which a call is sent again: it may have been cut off, and repeating it completes it. */
    private static final Set<String> RETRIED = Set.of("Lambda:ExecutionTimeoutException", "Sandbox.Timedout",
            "Lambda:TooManyRequestsException", "Lambda:ServiceException", "Lambda.Unknown");
    private static final int ATTEMPTS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GraphQLClient client;
    private final int parallelism;
    private final int maxBatchPatches;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final AtomicInteger largestRequest = new AtomicInteger();

    /**
     * An uploader sending up to {@code parallelism} calls at once, with at most {@code maxBatchPatches} patches a
     * batch (up to {@link #MAX_BATCH_PATCHES}; fewer makes smaller calls).
     */
    public PlanUploader(GraphQLClient client, int parallelism, int maxBatchPatches) {
        if (parallelism < 1 || maxBatchPatches < 1 || maxBatchPatches > MAX_BATCH_PATCHES) {
            throw new IllegalArgumentException("parallelism >= 1, 1 <= maxBatchPatches <= " + MAX_BATCH_PATCHES);
        }
        this.client = client;
        this.parallelism = parallelism;
        this.maxBatchPatches = maxBatchPatches;
    }

    /** 4 calls at once, batches of up to 1,000 patches. */
    public PlanUploader(GraphQLClient client) {
        this(client, 4, MAX_BATCH_PATCHES);
    }

    /** What an upload took: the plan, its size, and the calls (how many, the slowest, the largest request). */
    public record Upload(String planId, int patches, long patchBytes, int calls, double slowestCallSeconds,
                         int largestRequestBytes, int batches, int parts) {
    }

    /** Creates the plan, uploads every patch, and starts the plan's execution; returns when it has started. */
    public Upload upload(List<Patch> patches) {
        calls.set(0);
        slowestNanos.set(0);
        largestRequest.set(0);
        String planId = (String) field(call(CREATE, Map.of()), "createCampaignPlan").get("id");
        List<Map<String, Object>> entries = new ArrayList<>();
        List<Runnable> parts = new ArrayList<>();
        long patchBytes = 0;
        for (Patch p : patches) {
            byte[] bytes = p.patch().getBytes(StandardCharsets.UTF_8);
            patchBytes += bytes.length;
            Map<String, Object> entry = p.toMap();
            if (bytes.length > MAX_BATCH_PATCH_BYTES || size(entry) > MAX_REQUEST_BYTES - 1_000) {
                String digest = sha256(bytes);
                int count = (bytes.length + PART_BYTES - 1) / PART_BYTES;
                for (int i = 0; i < count; i++) {
                    byte[] part = Arrays.copyOfRange(bytes, i * PART_BYTES, Math.min(bytes.length, (i + 1) * PART_BYTES));
                    int index = i;
                    parts.add(() -> call(PART, Map.of("plan", planId, "digest", digest, "part", index, "parts", count,
                            "data", Base64.getEncoder().encodeToString(part))));
                }
                entry = new LinkedHashMap<>(entry);
                entry.remove("patch");
                entry.put("patchDigest", digest);
            }
            entries.add(entry);
        }
        runAll(parts);
        List<Runnable> batches = new ArrayList<>();
        int start = 0;
        while (start < entries.size()) {
            int end = start;
            long text = 0;
            long request = 300; // the query and the variables' other fields
            while (end < entries.size() && end - start < maxBatchPatches) {
                Map<String, Object> e = entries.get(end);
                long t = e.containsKey("patch") ? ((String) e.get("patch")).getBytes(StandardCharsets.UTF_8).length : 0;
                long r = size(e) + 1;
                if (end > start && (text + t > MAX_BATCH_PATCH_BYTES || request + r > MAX_REQUEST_BYTES)) {
                    break;
                }
                text += t;
                request += r;
                end++;
            }
            List<Map<String, Object>> batch = entries.subList(start, end);
            int offset = start;
            batches.add(() -> call(ADD, Map.of("plan", planId, "offset", offset, "patches", batch)));
            start = end;
        }
        runAll(batches);
        call(EXECUTE, Map.of("plan", planId));
        return new Upload(planId, patches.size(), patchBytes, calls.get(), slowestNanos.get() / 1e9,
                largestRequest.get(), batches.size(), parts.size());
    }

    private void runAll(List<Runnable> work) {
        if (work.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, work.size()));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Runnable w : work) {
                futures.add(pool.submit(w));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One call, measured, sent again (up to {@value #ATTEMPTS} times) when it failed in a way a repeat can fix. */
    private Map<String, Object> call(String query, Map<String, Object> variables) {
        for (int attempt = 1; ; attempt++) {
            String failure;
            try {
                GraphQLClient.Exchange exchange = client.exchange(query, variables);
                calls.incrementAndGet();
                slowestNanos.accumulateAndGet(exchange.nanos(), Math::max);
                largestRequest.accumulateAndGet(exchange.requestBytes(), Math::max);
                try {
                    return GraphQLClient.data(exchange.response());
                } catch (GraphQLClient.GraphQLErrorException e) {
                    Object type = e.errors().get(0).get("errorType");
                    if (!RETRIED.contains(String.valueOf(type)) || attempt >= ATTEMPTS) {
                        throw e;
                    }
                    failure = String.valueOf(type);
                }
            } catch (IllegalStateException transport) {
                if (attempt >= ATTEMPTS) {
                    throw transport;
                }
                failure = transport.getMessage();
            }
            System.err.println("plan upload: call failed (" + failure + "), sending it again");
        }
    }

    private static long size(Map<String, Object> entry) {
        try {
            return JSON.writeValueAsBytes(entry).length;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> field(Map<String, Object> data, String name) {
        return (Map<String, Object>) data.get(name);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
