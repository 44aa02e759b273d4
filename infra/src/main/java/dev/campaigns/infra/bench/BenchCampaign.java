package dev.campaigns.infra.bench;

import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.local.LocalCampaigns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Drives one campaign through a {@link LocalCampaigns} stack for benchmarks and scale tests: creates {@code n}
 * repositories on the local code host, a plan with one real diff each, waits for the plan, creates the campaign
 * and waits for it, polling the status once per {@code poll}.
 */
public final class BenchCampaign {
    private final LocalCampaigns stack;
    private final CampaignsApi api;

    public BenchCampaign(LocalCampaigns stack, String user) {
        this.stack = stack;
        this.api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), user));
    }

    public CampaignsApi api() {
        return api;
    }

    /** Creates {@code n} repositories {@code prefix/service-NNNNN} (in parallel) and returns one patch for each. */
    public List<Patch> repositories(String prefix, int n) {
        String patch = SampleCampaign.patch();
        return IntStream.rangeClosed(1, n).parallel().mapToObj(i -> {
            String repo = prefix + "/service-" + String.format("%05d", i);
            String base = stack.codeHost().createRepository(repo, SampleCampaign.files(i));
            return new Patch(repo, base, "main", patch);
        }).sorted(java.util.Comparator.comparing(Patch::repository)).toList();
    }

    /** Uploads the plan (in batches, {@link dev.campaigns.infra.demo.PlanUploader}) and waits until it has executed; returns its ID. */
    public String plan(List<Patch> patches, Duration timeout) {
        String planId = api.uploadPlan(new ArrayList<>(patches)).planId();
        Map<String, Object> plan = await(() -> api.plan(planId), "status", timeout, Duration.ofSeconds(1));
        Object state = CampaignsApi.status(plan, "status").get("state");
        if (!"COMPLETED".equals(state)) {
            throw new IllegalStateException("the plan ended " + state + ": " + CampaignsApi.status(plan, "status"));
        }
        return planId;
    }

    /** Creates the campaign of {@code planId} and returns its ID. */
    public String campaign(String planId, String name) {
        return (String) api.createCampaign(Map.of("name", name, "description", "benchmark",
                "branch", "campaigns/" + name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-"),
                "plan", planId)).get("id");
    }

    /**
     * Runs a one-repository campaign so that every function of the stack has served once: the local functions
     * then start as SnapStart-restored (primed) functions do in AWS, not as a JVM loading classes on the first
     * pull request (which would make that request seconds late on a sped-up clock).
     */
    public void warmUp() {
        List<Patch> one = repositories("warm-up", 1);
        Map<String, Object> status = awaitCampaign(campaign(plan(one, Duration.ofMinutes(2)), "Warm up"),
                Duration.ofMinutes(5), Duration.ofMillis(100));
        if (!"COMPLETED".equals(status.get("state"))) {
            throw new IllegalStateException("the warm-up campaign ended " + status);
        }
    }

    /** Waits until the campaign's changeset creation ends; returns its status. */
    public Map<String, Object> awaitCampaign(String campaignId, Duration timeout, Duration poll) {
        return CampaignsApi.status(await(() -> api.campaign(campaignId, 1, null), "changesetCreationStatus", timeout,
                poll), "changesetCreationStatus");
    }

    private static Map<String, Object> await(java.util.function.Supplier<Map<String, Object>> read, String field,
                                             Duration timeout, Duration poll) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextReport = start + 60_000_000_000L;
        while (true) {
            Map<String, Object> node = read.get();
            if (System.nanoTime() > nextReport) {
                System.out.printf("  ... %s after %.0f s: %s%n", field, (System.nanoTime() - start) / 1e9,
                        CampaignsApi.status(node, field));
                nextReport += 60_000_000_000L;
            }
            if (!"PROCESSING".equals(CampaignsApi.status(node, field).get("state"))) {
                return node;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("still PROCESSING after " + timeout + ": "
                        + CampaignsApi.status(node, field));
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
