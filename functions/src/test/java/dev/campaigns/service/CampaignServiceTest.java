package dev.campaigns.service;

import static dev.campaigns.service.ServiceFixture.OWNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.Page;
import dev.campaigns.store.IdempotencyRecords;
import dev.campaigns.store.JobIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** createCampaign (validation, idempotency, concurrency), retryCampaign's cases, reads; on the in-memory twins. */
class CampaignServiceTest {
    private final ServiceFixture f = new ServiceFixture();

    private static CampaignService.CreateCampaignInput input(String plan, String key) {
        return new CampaignService.CreateCampaignInput("Fix", "", "fix", plan, null, key);
    }

    @Test
    void aCampaignNeedsAFinishedPlanWithAJobThatApplies() {
        assertThrows(InvalidInputException.class, () -> f.campaigns.createCampaign(OWNER, null));
        assertThrows(InvalidInputException.class, () -> f.campaigns.createCampaign(OWNER,
                new CampaignService.CreateCampaignInput(" ", "", "fix", null, null, null)));
        assertThrows(InvalidInputException.class, () -> f.campaigns.createCampaign(OWNER,
                new CampaignService.CreateCampaignInput("Fix", "", "refs/heads/x", "p", null, null)));
        assertThrows(NotFoundException.class, () -> f.campaigns.createCampaign(OWNER, input("nope", null)));

        CampaignPlan empty = f.plans.createCampaignPlan(OWNER);
        f.plans.addPatches(OWNER, empty.id(), 0, List.of(ServiceFixture.patch("org/a")));
        FailedPreconditionException notExecuted = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.createCampaign(OWNER, input(empty.id(), null)));
        assertTrue(notExecuted.getMessage().contains("has not been executed"), notExecuted.getMessage());
        f.plans.execute(OWNER, empty.id());
        FailedPreconditionException running = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.createCampaign(OWNER, input(empty.id(), null)));
        assertTrue(running.getMessage().contains("1 of 1 jobs pending"), running.getMessage());
        f.plans.recordFailure(empty.id(), JobIds.of(0), "does not apply");
        FailedPreconditionException none = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.createCampaign(OWNER, input(empty.id(), null)));
        assertTrue(none.getMessage().contains("every job errored"), none.getMessage());
        assertThrows(NotFoundException.class, () -> f.campaigns.createCampaign("mallory", input(empty.id(), null)),
                "another owner's plan is not found");
    }

    @Test
    void theSameKeyAndInputGiveTheSameCampaignAndAnotherInputIsRefused() {
        CampaignPlan plan = f.executedPlan("org/a");
        Campaign first = f.campaigns.createCampaign(OWNER, input(plan.id(), "k1"));
        Campaign again = f.campaigns.createCampaign(OWNER, input(plan.id(), "k1"));
        assertEquals(first.id(), again.id());
        assertEquals(1, f.started.stream().filter(s -> s.startsWith("campaign-")).count(), "started once");
        InvalidInputException reused = assertThrows(InvalidInputException.class, () -> f.campaigns.createCampaign(
                OWNER, new CampaignService.CreateCampaignInput("Other", "", "fix", plan.id(), null, "k1")));
        assertTrue(reused.getMessage().contains("already used"), reused.getMessage());
        Campaign bobs = f.campaigns.createCampaign("bob", new CampaignService.CreateCampaignInput("Fix", "", "fix",
                null, null, "k1"));
        assertFalse(bobs.id().equals(first.id()), "keys are scoped to their caller");
        Campaign noKey = f.campaigns.createCampaign(OWNER, input(plan.id(), null));
        assertFalse(noKey.id().equals(first.id()));
    }

    @Test
    void concurrentCreationsWithOneKeyMakeOneCampaign() throws Exception {
        CampaignPlan plan = f.executedPlan("org/a");
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        Set<String> ids = new HashSet<>();
        int inProgress = 0;
        try {
            List<Future<Campaign>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                Callable<Campaign> create = () -> f.campaigns.createCampaign(OWNER, input(plan.id(), "race"));
                results.add(pool.submit(create));
            }
            for (Future<Campaign> r : results) {
                try {
                    ids.add(r.get(60, TimeUnit.SECONDS).id());
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause() instanceof FailedPreconditionException, e.getCause().toString());
                    inProgress++;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, ids.size(), "every caller that got an answer got the same campaign");
        assertTrue(inProgress < callers);
        assertEquals(1, f.started.stream().filter(s -> s.startsWith("campaign-")).count(), "one execution");
        assertEquals(1, f.campaigns.campaigns(OWNER, 10, null).nodes().size());
    }

    @Test
    void aCreationStillInProgressIsAFailedPreconditionUntilItIsStale() {
        CampaignPlan plan = f.executedPlan("org/a");
        long now = f.clock.millis();
        f.repos.idempotencyRecords().putInProgress(new IdempotencyRecords.IdempotencyRecord(
                "createCampaign#" + OWNER + "#k", IdempotencyRecords.IdempotencyRecord.Status.INPROGRESS,
                null, null, now / 1000 + 3600, now + 30_000), now);
        FailedPreconditionException busy = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.createCampaign(OWNER, input(plan.id(), "k")));
        assertTrue(busy.getMessage().contains("in progress"), busy.getMessage());
        f.clock.advance(Duration.ofMinutes(1));
        Campaign created = f.campaigns.createCampaign(OWNER, input(plan.id(), "k"));
        assertEquals(created.id(), f.campaigns.createCampaign(OWNER, input(plan.id(), "k")).id());
    }

    @Test
    void retryCampaignRefusesWhatItMustAndRestartsOnlyFailures() {
        CampaignPlan plan = f.executedPlan("org/a", "org/b");
        Campaign campaign = f.campaign(plan, "fix");
        List<ChangesetJob> jobs = f.steps.preparePage(campaign.id(), 0);
        FailedPreconditionException busy = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.retryCampaign(OWNER, campaign.id()));
        assertTrue(busy.getMessage().contains("still processing"), busy.getMessage());
        f.runSteps(campaign.id(), jobs.get(0).jobId());
        f.runSteps(campaign.id(), jobs.get(1).jobId());
        int startedBefore = f.started.size();
        Campaign same = f.campaigns.retryCampaign(OWNER, campaign.id());
        assertEquals(1, same.executions(), "nothing failed: nothing to retry");
        assertEquals(startedBefore, f.started.size());

        f.changesets.closeCampaign(OWNER, campaign.id(), false);
        FailedPreconditionException closed = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.retryCampaign(OWNER, campaign.id()));
        assertTrue(closed.getMessage().contains("was closed"), closed.getMessage());
        assertThrows(NotFoundException.class, () -> f.campaigns.retryCampaign("mallory", campaign.id()));
    }

    @Test
    void campaignsArePagedNewestFirstPerOwner() {
        for (int i = 0; i < 3; i++) {
            f.campaigns.createCampaign(OWNER, new CampaignService.CreateCampaignInput("c" + i, null, null, null,
                    true, null));
            f.clock.advance(Duration.ofSeconds(1));
        }
        Page<Campaign> first = f.campaigns.campaigns(OWNER, 2, null);
        assertEquals(List.of("c2", "c1"), first.nodes().stream().map(Campaign::name).toList());
        assertEquals(List.of("c0"), f.campaigns.campaigns(OWNER, 2, first.endCursor()).nodes().stream()
                .map(Campaign::name).toList());
        assertTrue(first.nodes().get(0).draft());
        assertNull(first.nodes().get(0).planId());
        assertEquals(0, f.campaigns.campaigns("bob", null, null).nodes().size());
        assertThrows(NotFoundException.class, () -> f.campaigns.campaign("bob", first.nodes().get(0).id()));
        assertThrows(InvalidInputException.class, () -> f.campaigns.campaign(OWNER, null));
    }
}
