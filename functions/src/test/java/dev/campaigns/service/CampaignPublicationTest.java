package dev.campaigns.service;

import static dev.campaigns.service.ServiceFixture.OWNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.PullRequest;
import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Publish when ready (issue 16 item 2): a campaign created with {@code publish: false} starts nothing until
 * publishCampaign, which starts its first execution once however often and concurrently it is called; on the
 * in-memory twins with the fake code host.
 */
class CampaignPublicationTest {
    private final ServiceFixture f = new ServiceFixture();

    private Campaign unpublished(CampaignPlan plan, String key) {
        return f.campaigns.createCampaign(OWNER, new CampaignService.CreateCampaignInput("Fix READMEs", "New.", "fix",
                plan.id(), false, key, false));
    }

    private List<String> campaignStarts() {
        return f.started.stream().filter(s -> s.startsWith("campaign-")).toList();
    }

    private List<PullRequest> pullRequests() {
        List<PullRequest> out = new ArrayList<>();
        for (int n = 1; n <= f.host.count(); n++) {
            out.add(f.host.pull(repositoryOf(n), n));
        }
        return out;
    }

    private String repositoryOf(long number) {
        for (String r : List.of("org/a", "org/b", "org/c")) {
            try {
                f.host.pull(r, number);
                return r;
            } catch (RuntimeException notThere) {
                // another repository's
            }
        }
        throw new AssertionError("no pull request #" + number);
    }

    @Test
    void anUnpublishedCampaignStartsNothingAndSaysSo() {
        CampaignPlan plan = f.executedPlan("org/a", "org/b", "org/c");
        Campaign c = unpublished(plan, null);

        assertFalse(c.published());
        assertEquals(List.of(), campaignStarts(), "no execution: nothing is committed, pushed or opened");
        BackgroundProcessStatus status = f.campaigns.changesetCreationStatus(c);
        assertEquals(BackgroundProcessStatus.State.UNPUBLISHED, status.state());
        assertEquals(0, status.pendingCount(), "nothing is being worked on");
        assertEquals(3, status.unpublishedCount(), "every job waits to be published");
        assertEquals(0, f.host.count());
        assertTrue(f.git.calls.stream().noneMatch(call -> call.startsWith("commit") || call.startsWith("push")),
                f.git.calls.toString());
        FailedPreconditionException retry = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.retryCampaign(OWNER, c.id()));
        assertTrue(retry.getMessage().contains("is not published: publishCampaign"), retry.getMessage());
    }

    @Test
    void publishingStartsTheFirstExecutionWithTheDraftSettingAndTheStepsOpenDrafts() {
        CampaignPlan plan = f.executedPlan("org/a", "org/b", "org/c");
        Campaign c = unpublished(plan, null);

        Campaign published = f.campaigns.publishCampaign(OWNER, c.id(), true);

        assertTrue(published.published());
        assertTrue(published.draft(), "publishCampaign(draft: true) overrides the campaign's setting");
        assertEquals(List.of("campaign-" + c.id() + "-1"), campaignStarts());
        assertEquals(BackgroundProcessStatus.State.PROCESSING, f.campaigns.changesetCreationStatus(published).state());
        f.runAllSteps(published, 1);
        Campaign done = f.campaigns.campaign(OWNER, c.id());
        assertEquals(BackgroundProcessStatus.State.COMPLETED, f.campaigns.changesetCreationStatus(done).state());
        assertEquals(3, f.host.count());
        assertTrue(pullRequests().stream().allMatch(PullRequest::draft), "every pull request a draft");

        Campaign again = f.campaigns.publishCampaign(OWNER, c.id(), false);
        assertEquals(1, campaignStarts().size(), "published and finished: nothing is started again");
        assertTrue(again.draft(), "a repeated publish changes no setting");
        assertEquals(3, f.host.count());
    }

    @Test
    void aRepeatedPublishWhileTheFirstExecutionRunsStartsItByTheSameNameOnly() {
        Campaign c = unpublished(f.executedPlan("org/a", "org/b"), null);
        f.campaigns.publishCampaign(OWNER, c.id(), null);
        // the answer was lost; the client calls again while execution 1 runs: the same name, which Step Functions
        // starts once (an earlier call may have counted the execution and died before starting it)
        Campaign again = f.campaigns.publishCampaign(OWNER, c.id(), null);
        assertFalse(again.draft(), "null keeps the campaign's setting");
        assertEquals(List.of("campaign-" + c.id() + "-1"), campaignStarts().stream().distinct().toList());
        assertEquals(1, again.executions());
    }

    @Test
    void concurrentPublishesCountOneExecution() throws Exception {
        Campaign c = unpublished(f.executedPlan("org/a", "org/b"), null);
        int callers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Campaign>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                boolean draft = i % 2 == 0;
                results.add(pool.submit(() -> {
                    go.await();
                    return f.campaigns.publishCampaign(OWNER, c.id(), draft);
                }));
            }
            go.countDown();
            for (Future<Campaign> r : results) {
                assertEquals(1, r.get(30, TimeUnit.SECONDS).executions());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("campaign-" + c.id() + "-1"), campaignStarts().stream().distinct().toList());
        assertEquals(1, f.campaigns.campaign(OWNER, c.id()).executions());
    }

    @Test
    void publishIsRefusedForAClosedCampaignOneWithoutAPlanAndAnotherOwnersAndPublishFalseNeedsAPlan() {
        Campaign c = unpublished(f.executedPlan("org/a"), null);
        // (closeCampaign cancels an unpublished campaign first, in its resolver: see the end-to-end test; here the
        // campaign is marked closed as that leaves it)
        f.repos.closeCampaign(c.id(), f.clock.instant());
        FailedPreconditionException closed = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.publishCampaign(OWNER, c.id(), null));
        assertTrue(closed.getMessage().contains("was closed at"), closed.getMessage());
        assertEquals(List.of(), campaignStarts());

        Campaign empty = f.campaigns.createCampaign(OWNER, new CampaignService.CreateCampaignInput("Track", null,
                null, null, null, null));
        FailedPreconditionException noPlan = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.publishCampaign(OWNER, empty.id(), null));
        assertTrue(noPlan.getMessage().contains("has no plan"), noPlan.getMessage());
        InvalidInputException planless = assertThrows(InvalidInputException.class, () -> f.campaigns.createCampaign(
                OWNER, new CampaignService.CreateCampaignInput("Track", null, null, null, null, null, false)));
        assertTrue(planless.getMessage().contains("publish: false needs a plan"), planless.getMessage());

        Campaign other = unpublished(f.executedPlan("org/b"), null);
        assertThrows(NotFoundException.class, () -> f.campaigns.publishCampaign("mallory", other.id(), null));
        assertFalse(f.campaigns.campaign(OWNER, other.id()).published());
    }

    @Test
    void anIdempotencyKeyStandsForWhetherTheCampaignIsPublished() {
        CampaignPlan plan = f.executedPlan("org/a");
        Campaign first = unpublished(plan, "k1");
        assertEquals(first.id(), unpublished(plan, "k1").id(), "the same key and input: the same campaign");
        InvalidInputException reused = assertThrows(InvalidInputException.class, () -> f.campaigns.createCampaign(
                OWNER, new CampaignService.CreateCampaignInput("Fix READMEs", "New.", "fix", plan.id(), false, "k1",
                        true)));
        assertTrue(reused.getMessage().contains("already used"), reused.getMessage());
        assertEquals(List.of(), campaignStarts());
    }
}
