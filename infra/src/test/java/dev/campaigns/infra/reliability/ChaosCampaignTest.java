package dev.campaigns.infra.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.chaos.CampaignAudit;
import dev.campaigns.infra.chaos.ChaosRun;
import dev.campaigns.infra.chaos.FaultKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The chaos campaign of issue 6 at its CI size (200 jobs on GitHub, 60 on GitLab and on Bitbucket Server) through the whole local runtime while faults are injected
 * at every boundary (code host, Lambda runtime, DynamoDB); afterwards every job is terminal and completed, each
 * repository has exactly one branch at the job's commit, one open pull request and one changeset, and the
 * campaign's counters equal its records. {@code bench/chaos.sh --jobs 1000} runs the same at a larger size.
 */
class ChaosCampaignTest {

    /**
     * Once per code host: GitHub at the CI size of 200 jobs, GitLab and Bitbucket Server at 60 (the same faults at
     * the same rate; {@code bench/chaos.sh --code-host K --jobs 1000} runs them larger).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(dev.campaigns.codehost.CodeHostKind.class)
    void jobsUnderFaultsLoseNothingAndDuplicateNothing(dev.campaigns.codehost.CodeHostKind host) {
        int jobs = Integer.getInteger("chaos.jobs", host == dev.campaigns.codehost.CodeHostKind.GITHUB ? 200 : 60);
        double rate = Double.parseDouble(System.getProperty("chaos.faultRate", "0.05"));
        ChaosRun.Result result = ChaosRun.run(jobs, rate, 42, 5, Duration.ofMinutes(5), host);
        System.out.println(result.report());
        CampaignAudit audit = result.audit();
        assertEquals(jobs, result.planCompleted(), "every plan job applied despite the faults");
        assertEquals(jobs, audit.jobs());
        assertEquals(0, audit.pending(), "every job is terminal");
        assertEquals(0, audit.lost(), () -> "lost: " + audit.problems());
        assertEquals(0, audit.duplicates(), () -> "duplicates: " + audit.problems());
        assertEquals(0, audit.miscounted(), () -> "miscounted: " + audit.problems());
        assertEquals(jobs, audit.completed(), () -> "every job ends completed: " + audit.problems());
        assertEquals(jobs, audit.changesets());
        assertEquals("COMPLETED", result.finalState());
        assertEquals(audit.completed(), result.apiCompleted(), "the API's count is the records' count");
        // every kind of fault was really injected, not merely configured
        for (FaultKind kind : FaultKind.values()) {
            assertTrue(result.faults().get(kind) > 0, () -> kind + " was never injected: " + result.faults());
        }
        assertTrue(result.failedInvocations() > 0);
    }

    /**
     * issue 16: the same faults while the campaign is updated from a second plan (changed, unchanged, gone and added
     * repositories): the update's generation loses nothing and duplicates nothing, every gone repository's one pull
     * request ends closed, and the counters equal the records. 60 jobs in CI ({@code chaos.updateJobs}).
     */
    @Test
    void anUpdateUnderFaultsLosesNothingAndDuplicatesNothing() {
        int jobs = Integer.getInteger("chaos.updateJobs", 60);
        double rate = Double.parseDouble(System.getProperty("chaos.faultRate", "0.05"));
        ChaosRun.Result result = ChaosRun.runWithUpdate(jobs, rate, 43, 5, Duration.ofMinutes(5));
        System.out.println(result.report());
        CampaignAudit audit = result.audit();
        int expected = jobs - jobs / 5 + jobs / 10; // every fifth gone, a tenth added
        assertEquals(expected, result.jobs());
        assertEquals(expected, result.planCompleted(), "every job of the second plan applied despite the faults");
        assertEquals(expected, audit.jobs(), () -> "the update's generation: " + audit.problems());
        assertEquals(0, audit.pending(), "every job is terminal");
        assertEquals(0, audit.lost(), () -> "lost: " + audit.problems());
        assertEquals(0, audit.duplicates(), () -> "duplicates: " + audit.problems());
        assertEquals(0, audit.miscounted(), () -> "miscounted: " + audit.problems());
        assertEquals(expected, audit.completed(), () -> "every job ends completed: " + audit.problems());
        assertEquals(jobs + jobs / 10, audit.changesets(), "the first generation's (gone ones closed) and the added");
        assertEquals("COMPLETED", result.finalState());
        assertTrue(result.totalFaults() > 0 && result.failedInvocations() > 0);
    }
}
