package dev.campaigns.service;

import static dev.campaigns.service.ServiceFixture.OWNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.domain.Transitions;
import dev.campaigns.store.JobIds;
import dev.campaigns.testing.FakeCodeHost;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The changeset job's steps on the in-memory repositories with a frozen clock: the way through, a retry after each
 * failure point (nothing done twice), a permanent failure then retryCampaign, a stale finish step, the guards.
 */
class ChangesetJobStepsTest {
    private final ServiceFixture f = new ServiceFixture();

    @Test
    void everyJobBecomesOneChangesetOwnedByTheCampaign() {
        CampaignPlan plan = f.executedPlan("org/a", "org/b", "org/c");
        Campaign campaign = f.campaign(plan, "fix-readmes");
        assertEquals("campaign-" + campaign.id() + "-1", f.started.get(f.started.size() - 1));
        assertEquals(List.of(Map.of("page", 0), Map.of("page", 1)), f.inputs.get(f.inputs.size() - 1).get("pages"));
        f.runAllSteps(campaign, 1);
        Campaign done = f.campaigns.campaign(OWNER, campaign.id());
        assertEquals(new JobCounters(3, 3, 0), done.counters());
        assertEquals(BackgroundProcessStatus.State.COMPLETED, f.campaigns.changesetCreationStatus(done).state());
        assertEquals(3, f.host.count());
        List<Changeset> changesets = f.changesets.campaignChangesets(done, 10, null).nodes();
        assertEquals(3, changesets.size());
        for (Changeset c : changesets) {
            assertTrue(c.createdBy(campaign.id()));
            assertEquals("fix-readmes", c.headRef());
        }
        ChangesetJob job = f.repos.changesetJob(campaign.id(), JobIds.of(0)).orElseThrow();
        assertEquals(1, job.attempts());
        assertTrue(job.pushed());
        assertEquals("Fix READMEs\n\nMakes them new.\n", ChangesetJobSteps.commitMessage(done));

        f.runAllSteps(campaign, 1);
        assertEquals(3, f.host.count(), "steps run again open nothing more");
        assertEquals(3, f.git.count("commit"));
    }

    /** A transient failure at each point of a job's way, then Step Functions running the steps again. */
    @ParameterizedTest
    @ValueSource(strings = {"git:commit", "git:push", "host:ensure", "host:status"})
    void aRetryAfterAFailureAtAnyPointDoesEachThingOnce(String point) {
        CampaignPlan plan = f.executedPlan("org/a");
        Campaign campaign = f.campaign(plan, "fix-readmes");
        String job = f.steps.preparePage(campaign.id(), 0).get(0).jobId();
        Supplier<RuntimeException> failure = () -> FakeCodeHost.error(CodeHostException.Kind.SERVER_ERROR);
        String[] at = point.split(":");
        if (at[0].equals("git")) {
            f.git.failNext(at[1], failure);
        } else {
            f.host.failNext(at[1], failure);
        }
        assertThrows(CodeHostException.class, () -> f.runSteps(campaign.id(), job));
        f.runSteps(campaign.id(), job);
        f.steps.finish(campaign.id(), 1);

        ChangesetJob done = f.repos.changesetJob(campaign.id(), job).orElseThrow();
        assertEquals(JobState.COMPLETED, done.state());
        assertEquals(1, f.host.count(), "one pull request");
        assertEquals(1, f.git.stored.size(), "one commit: the retried commit is the same commit");
        assertEquals(new JobCounters(1, 1, 0), f.campaigns.campaign(OWNER, campaign.id()).counters());
        assertEquals(1, f.changesets.campaignChangesets(f.campaigns.campaign(OWNER, campaign.id()), 10, null)
                .nodes().size());
    }

    @Test
    void aPermanentFailureIsRecordedRedactedAndRetryCampaignRunsOnlyThatJob() {
        CampaignPlan plan = f.executedPlan("org/a", "org/b");
        Campaign campaign = f.campaign(plan, "fix-readmes");
        List<ChangesetJob> jobs = f.steps.preparePage(campaign.id(), 0);
        f.runSteps(campaign.id(), jobs.get(0).jobId());
        f.host.failNext("ensure", () -> FakeCodeHost.error(CodeHostException.Kind.VALIDATION));
        String second = jobs.get(1).jobId();
        f.steps.commit(campaign.id(), second);
        f.steps.push(campaign.id(), second);
        CodeHostException e = assertThrows(CodeHostException.class, () -> f.steps.pullRequest(campaign.id(), second));
        f.steps.recordFailure(campaign.id(), second, e.getMessage() + " with " + ServiceFixture.TOKEN);
        f.steps.finish(campaign.id(), 1);
        Campaign failed = f.campaigns.campaign(OWNER, campaign.id());
        assertEquals(new JobCounters(2, 1, 1), failed.counters());
        BackgroundProcessStatus status = f.campaigns.changesetCreationStatus(failed);
        assertEquals(BackgroundProcessStatus.State.ERRORED, status.state());
        assertEquals(1, status.errors().size());
        assertFalse(status.errors().get(0).contains(ServiceFixture.TOKEN), status.errors().get(0));
        assertTrue(status.errors().get(0).startsWith("org/b: "), status.errors().get(0));

        Campaign retried = f.campaigns.retryCampaign(OWNER, campaign.id());
        assertEquals(2, retried.executions());
        assertEquals(new JobCounters(2, 1, 0), retried.counters());
        assertEquals("campaign-" + campaign.id() + "-2", f.started.get(f.started.size() - 1));
        assertEquals(List.of(second), f.steps.preparePage(campaign.id(), 0).stream().map(ChangesetJob::jobId)
                .toList(), "only the failed job runs again");
        f.runAllSteps(retried, 2);
        assertEquals(new JobCounters(2, 2, 0), f.campaigns.campaign(OWNER, campaign.id()).counters());
        assertEquals(2, f.host.count());
        assertEquals(1, f.git.count("push https://git.host/org/a.git"), "the completed job was not pushed again");
        assertEquals(1, f.git.count("commit https://git.host/org/b.git"),
                "the retried job resumes after its recorded commit and push");
        assertEquals(1, f.git.count("push https://git.host/org/b.git"));
    }

    @Test
    void aStaleFinishStepOfAnEarlierExecutionEndsNothing() {
        CampaignPlan plan = f.executedPlan("org/a", "org/b");
        Campaign campaign = f.campaign(plan, "fix-readmes");
        for (ChangesetJob job : f.steps.preparePage(campaign.id(), 0)) {
            f.steps.recordFailure(campaign.id(), job.jobId(), "remote unavailable");
        }
        f.campaigns.retryCampaign(OWNER, campaign.id());
        f.steps.finish(campaign.id(), 1);
        assertEquals(new JobCounters(2, 0, 0), f.campaigns.campaign(OWNER, campaign.id()).counters(),
                "execution 2's pending jobs are left alone");
        f.steps.finish(campaign.id(), 2);
        assertEquals(new JobCounters(2, 0, 2), f.campaigns.campaign(OWNER, campaign.id()).counters(),
                "the latest execution's finish ends what is still pending");
        f.campaigns.retryCampaign(OWNER, campaign.id());
        f.steps.finish(campaign.id(), null);
        assertEquals(2, f.campaigns.campaign(OWNER, campaign.id()).counters().errored(),
                "an unnumbered finish (an execution started before numbering) ends pending jobs");
    }

    @Test
    void guardsOfTheSteps() {
        CampaignPlan plan = f.executedPlan("org/a", "org/b");
        Campaign onBase = f.campaign(plan, "main");
        String job = f.steps.preparePage(onBase.id(), 0).get(0).jobId();
        InvalidInputException base = assertThrows(InvalidInputException.class, () -> f.steps.commit(onBase.id(), job));
        assertTrue(base.getMessage().contains("never to the base"), base.getMessage());

        Campaign campaign = f.campaign(plan, "fix-readmes");
        String first = f.steps.preparePage(campaign.id(), 0).get(0).jobId();
        assertThrows(Transitions.TransitionRefusedException.class, () -> f.steps.push(campaign.id(), first),
                "no push before the commit");
        f.steps.commit(campaign.id(), first);
        assertThrows(Transitions.TransitionRefusedException.class, () -> f.steps.pullRequest(campaign.id(), first));
        f.steps.push(campaign.id(), first);
        assertThrows(Transitions.TransitionRefusedException.class, () -> f.steps.changeset(campaign.id(), first));
        f.repos.closeCampaign(campaign.id(), f.clock.instant()); // a close racing the execution
        FailedPreconditionException closed = assertThrows(FailedPreconditionException.class,
                () -> f.steps.pullRequest(campaign.id(), first));
        assertTrue(closed.getMessage().contains("was closed"), closed.getMessage());
        assertEquals(0, f.host.count());

        f.steps.recordFailure(campaign.id(), first, "closed");
        assertNull(f.steps.commit(campaign.id(), first), "a job no longer pending: nothing to do");
        f.steps.push(campaign.id(), first);
        assertNull(f.steps.pullRequest(campaign.id(), first));
        f.steps.changeset(campaign.id(), first);
        assertThrows(IllegalStateException.class, () -> f.steps.commit(campaign.id(), JobIds.of(9)));
        assertThrows(IllegalStateException.class, () -> f.steps.preparePage("nope", 0));
    }
}
