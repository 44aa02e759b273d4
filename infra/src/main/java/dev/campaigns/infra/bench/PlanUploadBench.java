package dev.campaigns.infra.bench;

import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.PlanUploader;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.local.LocalCampaigns;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A campaign plan at the documented maximum through the local AppSync with AWS's limits on: {@code --patches} new
 * repositories (default 10,000) on the local code host and one patch each, together {@code --megabytes} MiB (default
 * 200), uploaded by {@link PlanUploader} (createCampaignPlan, addPatchesToCampaignPlan in batches, executeCampaignPlan),
 * then executed: every job dry-runs its patch on its repository. Each patch adds a file to its repository, so it
 * really applies, and is as large as the total allows ({@code megabytes} / {@code patches}).
 * Last line: {@code plan-upload: N patches, M MB, C calls, slowest call S s, largest request B bytes, plan STATE}.
 */
public final class PlanUploadBench {
    private PlanUploadBench() {
    }

    public static void main(String[] args) {
        int patches = 10_000;
        double megabytes = 200;
        int parallel = 2; // the 2 cores here: more calls at once only slow each one down
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--patches" -> patches = Integer.parseInt(args[++i]);
                case "--megabytes" -> megabytes = Double.parseDouble(args[++i]);
                case "--parallel" -> parallel = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --patches N --megabytes M [--parallel P])");
            }
        }
        int patchBytes = (int) (megabytes * 1024 * 1024 / patches);
        try (LocalCampaigns stack = LocalCampaigns.start(ScaleBench.options("ghp_planUploadBench0123456789"))) {
            long t0 = System.nanoTime();
            int n = patches;
            List<Patch> plan = IntStream.rangeClosed(1, n).parallel().mapToObj(i -> {
                String repo = "upload/service-" + String.format("%05d", i);
                String base = stack.codeHost().createRepository(repo, Map.of("README.md", "# service " + i + "\n"));
                return new Patch(repo, base, "main", SampleCampaign.newFilePatch("data/payload-" + i + ".txt", patchBytes, repo));
            }).sorted(Comparator.comparing(Patch::repository)).toList();
            long total = plan.stream().mapToLong(p -> p.patch().getBytes(StandardCharsets.UTF_8).length).sum();
            System.out.printf("%d repositories and patches of %d bytes (%.1f MiB in all) made in %.1f s%n", n,
                    patchBytes, total / 1048576.0, (System.nanoTime() - t0) / 1e9);

            GraphQLClient client = new GraphQLClient(stack.graphqlUrl(), "bench");
            long t1 = System.nanoTime();
            PlanUploader.Upload upload = new PlanUploader(client, parallel, PlanUploader.MAX_BATCH_PATCHES).upload(plan);
            double uploadSeconds = (System.nanoTime() - t1) / 1e9;
            System.out.printf("upload: %d calls (%d batches, %d parts) in %.1f s; slowest call %.2f s; largest"
                            + " request %d bytes (limits: AppSync 30 s per request, 5 MB per resolver event, Lambda"
                            + " 6 MB)%n", upload.calls(), upload.batches(), upload.parts(), uploadSeconds,
                    upload.slowestCallSeconds(), upload.largestRequestBytes());

            CampaignsApi api = new CampaignsApi(client);
            long t2 = System.nanoTime();
            Map<String, Object> status = await(api, upload.planId(), Duration.ofHours(2));
            System.out.printf("execution: %s in %.1f s%n", status, (System.nanoTime() - t2) / 1e9);
            System.out.printf("plan-upload: %d patches, %.1f MB, %d calls, slowest call %.2f s, largest request %d"
                            + " bytes, plan %s%n", n, total / 1048576.0, upload.calls(), upload.slowestCallSeconds(),
                    upload.largestRequestBytes(), status.get("state"));
        }
    }

    /** Polls the plan's status (not its jobs) until it is no longer PROCESSING. */
    private static Map<String, Object> await(CampaignsApi api, String planId, Duration timeout) {
        String query = "query($id: ID!) { campaignPlan(id: $id) { status { state completedCount pendingCount"
                + " errors } } }";
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long report = start + 60_000_000_000L;
        while (true) {
            @SuppressWarnings("unchecked")
            Map<String, Object> status = (Map<String, Object>) ((Map<?, ?>) api.client().data(query,
                    Map.of("id", planId)).get("campaignPlan")).get("status");
            if (!"PROCESSING".equals(status.get("state"))) {
                return status;
            }
            if (System.nanoTime() > report) {
                System.out.printf("  ... after %.0f s: %s completed, %s pending%n", (System.nanoTime() - start) / 1e9,
                        status.get("completedCount"), status.get("pendingCount"));
                report += 60_000_000_000L;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("plan still PROCESSING after " + timeout + ": " + status);
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
