package dev.campaigns.infra.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.infra.sfn.SfnConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scale benchmark's run in small (300 jobs: three pages, three child executions): every execution stays within
 * the Step Functions quotas, and the status query costs the same DynamoDB reads for 10 jobs as for 300. No timing.
 */
class ScaleTest {

    @Test
    void threeHundredJobsStayWithinTheQuotas_andTheStatusQueryReadsAsMuchAsForTen() {
        try (LocalCampaigns stack = LocalCampaigns.start(ScaleBench.options("ghp_scaleTest0123456789"))) {
            ScaleRun.Figures small = ScaleRun.run(stack, "small", 10, Duration.ofMinutes(5));
            ScaleRun.Figures big = ScaleRun.run(stack, "scale", 300, Duration.ofMinutes(10));
            System.out.println("scale test figures: " + big);
            assertEquals(Map.of("state", "COMPLETED", "completedCount", 10, "pendingCount", 0, "errors", List.of(),
                    "unpublishedCount", 0),
                    small.status());
            assertEquals(Map.of("state", "COMPLETED", "completedCount", 300, "pendingCount", 0, "errors", List.of(),
                    "unpublishedCount", 0),
                    big.status());
            // a plan and a campaign, each a parent and one child execution per page of 100
            assertEquals(2 + 2 * 3, big.executions());
            assertTrue(big.maxHistoryEvents() <= SfnConfig.AWS_MAX_HISTORY_EVENTS, "events " + big.maxHistoryEvents());
            assertTrue(big.maxPayloadBytes() <= SfnConfig.AWS_MAX_PAYLOAD_BYTES, "payload " + big.maxPayloadBytes());
            // a page's history: 100 jobs x (iteration 2 + 4 tasks x 5 + Wait 2 + ...) well under the quota
            assertTrue(big.maxHistoryEvents() > 100 * 24, "a page's history counts every job's events");

            assertEquals(small.statusQuery().requests(), big.statusQuery().requests(),
                    "the status query's DynamoDB requests do not grow with the campaign");
            assertEquals(small.statusQuery().readUnits(), big.statusQuery().readUnits(), 1e-9);
            assertEquals(0, big.statusQuery().writeUnits(), 1e-9);
            assertTrue(big.statusQuery().totalRequests() >= 1, "status query: " + big.statusQuery() + ", run: " + big.dynamo());

            assertTrue(big.dynamo().totalRequests() > 300, "DynamoDB requests were counted");
            assertTrue(big.lambdaInvocations() >= 300 * 5, "every job ran its steps");
            // per job: ExecuteCampaignJob; Commit, Push, the Wait, CreatePullRequest, CreateChangeset
            assertTrue(big.stateTransitions() >= 300 * 6, "transitions " + big.stateTransitions());
        }
    }
}
