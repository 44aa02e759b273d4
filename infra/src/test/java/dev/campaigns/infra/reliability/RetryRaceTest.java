package dev.campaigns.infra.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.chaos.CampaignAudit;
import dev.campaigns.infra.codehost.Fault;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.infra.sfn.InvocationResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * Races between executions of one campaign. The finish step of an execution marks the jobs it left pending as
 * errored; when {@code retryCampaign} starts the next execution before that finish step has run (its status had
 * already ended: every job was terminal), the late finish step must not fail the jobs the new execution is working
 * on. Found by the chaos campaign (a finish step delayed by injected Lambda deaths).
 */
class RetryRaceTest {
    private static final java.util.Map<dev.campaigns.codehost.CodeHostKind, LocalCampaigns> STACKS =
            new java.util.EnumMap<>(dev.campaigns.codehost.CodeHostKind.class);
    private LocalCampaigns stack;
    private CampaignsApi api;

    /** One stack per code host, shared by this class's tests on that host. */
    private void on(dev.campaigns.codehost.CodeHostKind kind) {
        stack = STACKS.computeIfAbsent(kind, k -> LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_retryRace0123456789")
                .withCodeHost(new dev.campaigns.infra.codehost.LocalCodeHost.Options().kind(k))));
        api = ReliabilityStack.api(stack, "racer");
    }

    @AfterAll
    static void stop() {
        STACKS.values().forEach(LocalCampaigns::close);
        STACKS.clear();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(dev.campaigns.codehost.CodeHostKind.class)
    void aLateFinishStepOfTheFirstExecutionDoesNotFailTheJobsOfTheRetry(dev.campaigns.codehost.CodeHostKind kind) {
        on(kind);
        List<Patch> patches = ReliabilityStack.repositories(stack, "race", 2);
        String refused = patches.get(1).repository();
        Fault refuse = stack.codeHost().faults().add(Fault.on("POST", stack.codeHost().pullRequestCreationPath(refused))
                .status(403, "{\"message\":\"Resource not accessible by integration\"}", Map.of()));
        String planId = ReliabilityStack.executedPlan(api, patches);
        String id = (String) api.createCampaign(Map.of("name", "Race", "branch", "campaigns/race", "plan", planId))
                .get("id");
        assertEquals("ERRORED", ReliabilityStack.awaitStatus(api, id).get("state"));
        assertEquals(1, refuse.hits());

        // The retry's pull request is slow to open, so its job stays pending a while...
        stack.codeHost().faults().clear();
        stack.codeHost().faults().add(Fault.on("POST", stack.codeHost().pullRequestCreationPath(refused)).times(1)
                .delay(Duration.ofSeconds(2)));
        api.retryCampaign(id);
        // ...and meanwhile the first execution's finish step runs (late, as after retries of a dead Lambda).
        InvocationResult late = stack.lambdas().invoke("FinishCampaignFunction",
                "{\"campaignId\":\"" + id + "\",\"execution\":1}");
        assertFalse(late.isFunctionError(), () -> late.errorMessage());

        Map<String, Object> status = ReliabilityStack.awaitStatus(api, id);
        assertEquals("COMPLETED", status.get("state"), () -> "the retried job was failed by a stale finish: " + status);
        CampaignAudit audit = CampaignAudit.of(stack.dynamo(), "CampaignsTable", stack.codeHost(), id,
                "campaigns/race", patches.stream().map(Patch::repository).toList());
        assertEquals(List.of(), audit.problems());
        assertEquals(2, audit.changesets());
        assertTrue(stack.codeHost().branchTip(refused, "campaigns/race").isPresent());
    }

    /**
     * The narrow window: the finish step of execution 1 read the campaign before the retry counted execution 2 and
     * reset the job; its writes then arrive. They are conditioned on "no newer execution" and change nothing.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(dev.campaigns.codehost.CodeHostKind.class)
    void aStaleFinishWriteAfterTheRetryResetTheJobChangesNothing(dev.campaigns.codehost.CodeHostKind kind) {
        on(kind);
        List<Patch> patches = ReliabilityStack.repositories(stack, "window", 1);
        String repo = patches.get(0).repository();
        stack.codeHost().faults().add(Fault.on("POST", stack.codeHost().pullRequestCreationPath(repo)).times(1)
                .status(403, "{\"message\":\"Resource not accessible by integration\"}", Map.of()));
        String planId = ReliabilityStack.executedPlan(api, patches);
        String id = (String) api.createCampaign(Map.of("name", "Window", "branch", "campaigns/window", "plan", planId))
                .get("id");
        assertEquals("ERRORED", ReliabilityStack.awaitStatus(api, id).get("state"));
        stack.codeHost().faults().add(Fault.on("POST", stack.codeHost().pullRequestCreationPath(repo)).times(1)
                .delay(Duration.ofSeconds(2)));
        api.retryCampaign(id);
        dev.campaigns.store.CampaignStore store = new dev.campaigns.store.CampaignStore(stack.dynamo(), "CampaignsTable");
        store.failPendingChangesetJobs(id, 1, "the execution ended before this job finished", 1);
        assertEquals(dev.campaigns.domain.JobState.PENDING, store.changesetJob(id, "000000").orElseThrow().state(),
                "the stale write was refused");
        Map<String, Object> status = ReliabilityStack.awaitStatus(api, id);
        assertEquals("COMPLETED", status.get("state"), status::toString);
        CampaignAudit audit = CampaignAudit.of(stack.dynamo(), "CampaignsTable", stack.codeHost(), id,
                "campaigns/window", List.of(repo));
        assertEquals(List.of(), audit.problems());
    }
}
