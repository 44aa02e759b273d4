package dev.campaigns.infra.bench;

import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.local.LocalCampaigns;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Benchmark 4, pacing: a campaign of {@code --prs} pull requests (default 1,200: 2.4 hours of GitHub's 500/h
 * budget) through the local stack, with the local code host enforcing GitHub's content-creation limits (80/min,
 * 500/h, sliding windows) and the pacer configured with the same published limits (the template's default),
 * all on one clock sped up {@code --factor} times (default 20; the 10 s margin is then 0.5 s of real time). Prints the rate achieved (pull requests per hour
 * of host time, between the first and the last pull request) as a share of the allowed 500/h, and the
 * secondary-rate-limit responses the host sent. Last line: {@code pacing: X% of allowed, limit errors K}.
 */
public final class PacingBench {
    private PacingBench() {
    }

    public static void main(String[] args) throws Exception {
        int prs = 1200;
        double factor = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--prs" -> prs = Integer.parseInt(args[++i]);
                case "--factor" -> factor = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --prs N --factor F)");
            }
        }
        String token = "ghp_pacingBench0123456789";
        int perMinute = 80;
        int perHour = 500;
        long realStart = System.nanoTime();
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(token)
                .withSharedClock(factor)
                .withParameter("CodeHostContentLimits", perMinute + "/min," + perHour + "/h")
                .withCodeHost(new LocalCodeHost.Options().contentLimits(perMinute, perHour)))) {
            BenchCampaign bench = new BenchCampaign(stack, "bench");
            bench.warmUp();
            List<Patch> patches = bench.repositories("pacing", prs);
            String plan = bench.plan(patches, Duration.ofMinutes(30));
            Instant hostStart = stack.codeHost().clock().instant();
            long campaignStart = System.nanoTime();
            String campaign = bench.campaign(plan, "Pacing bench");
            Map<String, Object> status = bench.awaitCampaign(campaign, Duration.ofHours(2), Duration.ofSeconds(1));
            double realSeconds = (System.nanoTime() - campaignStart) / 1e9;
            Instant hostEnd = stack.codeHost().clock().instant();

            List<Instant> created = new ArrayList<>();
            for (Patch p : patches) {
                for (LocalPullRequest pr : stack.codeHost().pullRequests(p.repository())) {
                    created.add(pr.createdAt());
                }
            }
            Collections.sort(created);
            double spanSeconds = Duration.between(created.get(0), created.get(created.size() - 1)).toMillis() / 1000.0;
            double ratePerHour = (created.size() - 1) / spanSeconds * 3600;
            double share = ratePerHour / perHour * 100;
            double overallPerHour = created.size() / (Duration.between(hostStart, hostEnd).toMillis() / 1000.0) * 3600;
            long limitErrors = stack.codeHost().secondaryLimitResponses();
            System.out.println("status: " + status);
            System.out.printf("pull requests: %d in %.0f s of host time (%.1f h) = %.0f s real at %.0fx%n",
                    created.size(), Duration.between(hostStart, hostEnd).toSeconds() * 1.0,
                    Duration.between(hostStart, hostEnd).toSeconds() / 3600.0, realSeconds, factor);
            System.out.printf("rate first->last pull request: %.1f per hour (allowed %d/h, %d/min)%n", ratePerHour,
                    perHour, perMinute);
            System.out.printf("rate over the whole campaign (commit, push, waits included): %.1f per hour%n",
                    overallPerHour);
            System.out.printf("largest number of pull requests in any 60 s / 3600 s window: %d / %d%n",
                    maxInWindow(created, Duration.ofMinutes(1)), maxInWindow(created, Duration.ofHours(1)));
            System.out.println("secondary-rate-limit responses: " + limitErrors + ", primary: "
                    + stack.codeHost().primaryLimitResponses());
            System.out.printf("bench wall time %.0f s%n", (System.nanoTime() - realStart) / 1e9);
            System.out.printf("pacing: %.1f%% of allowed, limit errors %d%n", share, limitErrors);
        }
    }

    static int maxInWindow(List<Instant> sorted, Duration window) {
        int max = 0;
        int start = 0;
        for (int end = 0; end < sorted.size(); end++) {
            while (!sorted.get(start).isAfter(sorted.get(end).minus(window))) {
                start++;
            }
            max = Math.max(max, end - start + 1);
        }
        return max;
    }
}
