package dev.campaigns.infra.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.bench.BenchCampaign;
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
import org.junit.jupiter.api.Test;

/**
 * A campaign with pacing on, end to end: the local code host enforces a content-creation limit of 5 per minute,
 * the template's pacer is configured with the same limit, and the code host, the engine and the functions share one
 * clock running 10 times faster than real time. Without pacing, 12 pull requests at once would trip the limit.
 * A one-repository campaign warms the functions first (as SnapStart priming does in AWS), so that the first
 * pull request is not seconds late (it would be on the sped-up clock).
 *
 * <p>The pacer's margin is 30 s of the sped-up clock (the default is 10 s): a pull request sent late compresses the
 * gap to the next one by its lateness, and one real second is 10 s here, so with the default margin one second of
 * lateness on a loaded machine would put 6 pull requests within a minute. 30 s absorbs 3 real seconds of lateness
 * per 6 pull requests; what the test checks (slots apart by the limit and margin, no limit error) is unchanged.
 */
class PacedCampaignTest {

    @Test
    void pullRequestsArePacedWithinTheHostsLimit_andNoLimitErrorIsReceived() {
        String token = "ghp_pacedCampaign0123456789";
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(token)
                .withSharedClock(10)
                .withParameter("CodeHostContentLimits", "5/min")
                .withParameter("PacingMarginSeconds", "30")
                .withCodeHost(new LocalCodeHost.Options().contentLimits(5, 0)))) {
            BenchCampaign bench = new BenchCampaign(stack, "carol");
            bench.warmUp(); // its pull request counts against the same limit, and the pacer knows it
            List<Patch> patches = bench.repositories("paced", 12);
            String plan = bench.plan(patches, Duration.ofMinutes(2));
            String campaign = bench.campaign(plan, "Paced");
            Map<String, Object> status = bench.awaitCampaign(campaign, Duration.ofMinutes(3), Duration.ofMillis(200));
            assertEquals(Map.of("state", "COMPLETED", "completedCount", 12, "pendingCount", 0, "errors", List.of(),
                    "unpublishedCount", 0),
                    status);

            List<Instant> created = new ArrayList<>();
            for (Patch p : patches) {
                List<LocalPullRequest> prs = stack.codeHost().pullRequests(p.repository());
                assertEquals(1, prs.size(), p.repository());
                created.add(prs.get(0).createdAt());
            }
            created.addAll(stack.codeHost().pullRequests("warm-up/service-00001").stream()
                    .map(LocalPullRequest::createdAt).toList());
            Collections.sort(created);
            assertEquals(0, stack.codeHost().secondaryLimitResponses(), "no secondary-rate-limit response; pull "
                    + "requests created at " + created + ", slots " + stack.dynamo().scan(b -> b.tableName("PacingTable")).items().stream().map(i -> i.get("slot") == null ? "" : java.time.Instant.ofEpochMilli(Long.parseLong(i.get("slot").n())).toString()).sorted().toList());
            assertEquals(13, stack.codeHost().requestCount("POST /repos/{owner}/{repo}/pulls"),
                    "one request per pull request (12 and the warm-up): none refused and retried");
            // (60 s + 30 s margin) / 5 = 18 s apart; slots are whole seconds (rounded up), so allow 1 s.
            Duration span = Duration.between(created.get(0), created.get(12));
            assertTrue(span.compareTo(Duration.ofSeconds(12 * 18 - 1)) >= 0, "13 pull requests within " + span);
            for (int i = 5; i < created.size(); i++) {
                assertTrue(Duration.between(created.get(i - 5), created.get(i)).compareTo(Duration.ofMinutes(1)) > 0,
                        "6 pull requests within one minute, ending with #" + i);
            }
        }
    }
}
