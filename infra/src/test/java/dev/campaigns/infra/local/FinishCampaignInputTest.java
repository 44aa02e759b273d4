package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.sfn.ExecutionDescription;
import dev.campaigns.infra.sfn.ExecutionStatus;
import dev.campaigns.infra.sfn.HistoryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A campaign's execution whose input has no {@code execution} number (one started by hand from the console, or
 * one started before executions were numbered) still runs to its end: the FinishCampaign state does not require
 * the field, and the finish step treats the execution as the campaign's latest.
 */
class FinishCampaignInputTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void anExecutionStartedWithoutItsNumberFinishes_andDuplicatesNothing() throws Exception {
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_finishInput0123456789"))) {
            CampaignsApi api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "dora"));
            List<Patch> patches = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                String repo = "finish/" + SampleCampaign.repository(i).split("/")[1];
                patches.add(new Patch(repo, stack.codeHost().createRepository(repo, SampleCampaign.files(i)), "main",
                        SampleCampaign.patch()));
            }
            String planId = api.createPlan(patches);
            api.awaitPlan(planId, TIMEOUT);
            String id = (String) api.createCampaign(Map.of("name", "Finish", "branch", "campaigns/finish",
                    "plan", planId)).get("id");
            assertEquals("COMPLETED", CampaignsApi.status(api.awaitCampaign(id, TIMEOUT), "changesetCreationStatus")
                    .get("state"));

            String arn = stack.stepFunctions().startExecution(stack.stateMachineArn(), "by-hand-" + id,
                    "{\"campaignId\":\"" + id + "\",\"pages\":[{\"page\":0}]}");
            ExecutionDescription run = stack.stepFunctions().awaitExecution(arn, TIMEOUT);
            assertEquals(ExecutionStatus.SUCCEEDED, run.status(), () -> run.error() + ": " + run.cause());
            List<HistoryEvent> history = stack.stepFunctions().getExecutionHistory(arn);
            assertTrue(history.stream().anyMatch(e -> e.type().equals("TaskStateExited")
                    && "FinishCampaign".equals(e.detail("name"))), "FinishCampaign ran to its end");

            Map<String, Object> status = CampaignsApi.status(api.campaign(id, 10, null), "changesetCreationStatus");
            assertEquals(Map.of("state", "COMPLETED", "completedCount", 2, "pendingCount", 0, "errors", List.of(),
                    "unpublishedCount", 0),
                    status);
            for (Patch p : patches) {
                assertEquals(1, stack.codeHost().pullRequests(p.repository()).size(), p.repository());
            }
        }
    }
}
