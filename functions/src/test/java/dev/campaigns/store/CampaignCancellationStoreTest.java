package dev.campaigns.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.git.DiffStat;
import dev.campaigns.service.CampaignCancellation;
import dev.campaigns.service.FailedPreconditionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * cancelCampaign's rules on DynamoDB Local with the template's table shape, a clock that only moves when the cancel
 * "sleeps" (no real wait) and a recording process stopper: the execution is stopped, then the mark set; a claim taken
 * before the mark is waited for (at most the window); every unfinished job ends CANCELLED keeping its steps, the
 * plan's jobs never reached are recorded CANCELLED, the counters equal the records; a second cancel changes nothing;
 * no claim succeeds once the campaign is marked; retry's reset brings the cancelled jobs back to PENDING.
 */
class CampaignCancellationStoreTest {
    private static final int JOBS = 250; // within one read page (CampaignCancellation.READ_PAGE, 1,000)
    private static final Instant T0 = Instant.parse("2026-12-04T08:00:00Z");

    private CampaignStore store;
    private String tableName;
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final List<String> events = new ArrayList<>();
    private final AtomicInteger sleeps = new AtomicInteger();
    private final List<dev.campaigns.service.InFlightPullRequestsRequest> handedOver = new ArrayList<>();
    private Runnable onSleep = () -> { };
    private CampaignCancellation cancellation;
    private Campaign campaign;

    @BeforeEach
    void setUp() {
        tableName = LocalCampaignsTable.create();
        store = new CampaignStore(LocalCampaignsTable.client(), tableName);
        cancellation = new CampaignCancellation(store, store, (name, cause) -> events.add("stop " + name + " marked="
                + (store.campaign(campaign.id()).orElseThrow().cancelledAt() != null)),
                () -> (request, delay) -> handedOver.add(request), clock, d -> {
                    sleeps.incrementAndGet();
                    now.updateAndGet(t -> t.plus(d));
                    onSleep.run();
                });
        store.createPlan(new CampaignPlan("p1", "alice", T0, new JobCounters(0, 0, 0), null));
        List<CampaignStore.NewCampaignJob> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(new CampaignStore.NewCampaignJob(new CampaignJob("p1", JobIds.of(i), "acme/r" + i, "b".repeat(40),
                    "main", "patch-" + i, JobState.PENDING, null, null), 10));
        }
        store.addCampaignJobs("p1", jobs, 10_000, 1 << 20);
        for (int i = 0; i < JOBS; i++) {
            store.completeCampaignJob("p1", JobIds.of(i), new DiffStat(1, 0, 0));
        }
        campaign = store.createCampaign(new Campaign("c1", "alice", "n", "", "campaigns/x", "p1", false, T0,
                new JobCounters(JOBS, 0, 0), 1), "digest");
        // Page 0 reached by the execution: job 0 completed, job 1 committed, job 2 with its pull request recorded.
        for (int i = 0; i < 100; i++) {
            store.createChangesetJob(new ChangesetJob("c1", JobIds.of(i), "acme/r" + i, "main", JobState.PENDING, null,
                    false, 0, null, null, null, 0));
        }
        store.recordCommit("c1", JobIds.of(1), "c".repeat(40));
        store.recordCommit("c1", JobIds.of(2), "d".repeat(40));
        store.recordPush("c1", JobIds.of(2));
        assertTrue(store.claimPullRequest("c1", JobIds.of(2), T0));
        store.recordPullRequest("c1", JobIds.of(2), 7, "https://host/acme/r2/pull/7");
        store.failChangesetJob("c1", JobIds.of(3), "boom");
        completeJob(0);
    }

    @Test
    void everyUnfinishedJobEndsCancelled_keepingItsSteps_andTheCountersEqualTheRecords() {
        Campaign after = cancellation.cancel(store.campaign("c1").orElseThrow());

        assertEquals(List.of("stop campaign-c1-1 marked=false"), events, "the execution is stopped before the mark");
        assertEquals(T0, after.cancelledAt());
        assertEquals(new JobCounters(JOBS, 1, 1, JOBS - 2), after.counters());
        BackgroundProcessStatus status = BackgroundProcessStatus.of(after.counters(), List.of());
        assertEquals(BackgroundProcessStatus.State.CANCELLED, status.state());
        assertEquals(0, sleeps.get(), "no claim in flight: no wait");

        Map<JobState, Integer> states = states();
        assertEquals(Map.of(JobState.COMPLETED, 1, JobState.ERRORED, 1, JobState.CANCELLED, JOBS - 2), states);
        ChangesetJob committed = store.changesetJob("c1", JobIds.of(1)).orElseThrow();
        assertEquals(JobState.CANCELLED, committed.state());
        assertEquals("c".repeat(40), committed.commitSha(), "a cancelled job keeps its commit");
        ChangesetJob opened = store.changesetJob("c1", JobIds.of(2)).orElseThrow();
        assertEquals(7, opened.pullRequest(), "and its pull request");
        assertTrue(opened.pushed());
        assertEquals(List.of(new dev.campaigns.service.InFlightPullRequestsRequest("c1", List.of(JobIds.of(2)),
                T0.plus(CampaignCancellation.PULL_REQUEST_STEP_LIMIT))), handedOver,
                "job 2 (its pull request recorded, not yet its changeset) is handed to the close queue's consumer");
        ChangesetJob neverReached = store.changesetJob("c1", JobIds.of(249)).orElseThrow();
        assertEquals(JobState.CANCELLED, neverReached.state());
        assertEquals("acme/r249", neverReached.repository());

        Campaign again = cancellation.cancel(store.campaign("c1").orElseThrow());
        assertEquals(after, again, "a second cancel changes nothing");
        assertEquals(1, events.size(), "and stops nothing: nothing was pending");
    }

    @Test
    void aClaimTakenBeforeTheMarkIsWaitedFor_andNoClaimSucceedsAfterIt() {
        assertTrue(store.claimPullRequest("c1", JobIds.of(1), T0)); // job 1's pull-request step is at the code host
        onSleep = () -> {
            if (sleeps.get() == 3) { // ... and records its pull request while the cancel waits
                store.recordPush("c1", JobIds.of(1));
                store.recordPullRequest("c1", JobIds.of(1), 8, "https://host/acme/r1/pull/8");
            }
        };
        cancellation.cancel(store.campaign("c1").orElseThrow());
        assertEquals(3, sleeps.get(), "waited until the pull request was recorded, no longer");
        ChangesetJob job = store.changesetJob("c1", JobIds.of(1)).orElseThrow();
        assertEquals(JobState.CANCELLED, job.state());
        assertEquals(8, job.pullRequest(), "the pull request opened before the cancel returned is kept on the job");
        assertEquals(List.of(JobIds.of(1), JobIds.of(2)), handedOver.get(0).inFlightJobIds(),
                "and the job is handed over to become the campaign's changeset");
        assertFalse(store.claimPullRequest("c1", JobIds.of(5), now.get()), "a claim after the mark");
    }

    @Test
    void aClaimThatNeverFinishesIsWaitedForAtMostTheWindow() {
        assertTrue(store.claimPullRequest("c1", JobIds.of(1), T0));
        cancellation.cancel(store.campaign("c1").orElseThrow());
        assertEquals(CampaignCancellation.OPENING_WINDOW, Duration.between(T0, now.get()));
        assertEquals(JobState.CANCELLED, store.changesetJob("c1", JobIds.of(1)).orElseThrow().state());
    }

    @Test
    void aClosedCampaignRefusesClaims_andACampaignWithoutAPlanHasNothingToCancel() {
        Campaign empty = store.createCampaign(new Campaign("c2", "alice", "n", "", null, null, false, T0,
                new JobCounters(0, 0, 0), 0), "d2");
        FailedPreconditionException refused = assertThrows(FailedPreconditionException.class,
                () -> cancellation.cancel(empty));
        assertEquals("campaign c2 has no plan: it creates no changesets, so there is nothing to cancel",
                refused.getMessage());
        assertTrue(events.isEmpty());
    }

    @Test
    void retrysResetBringsTheCancelledJobsBackToPendingWithTheirSteps() {
        cancellation.cancel(store.campaign("c1").orElseThrow());
        store.clearCancelled("c1");
        assertEquals(JOBS - 2, store.resetCancelledChangesetJobs("c1", JOBS));
        Campaign after = store.campaign("c1").orElseThrow();
        assertNull(after.cancelledAt());
        assertEquals(new JobCounters(JOBS, 1, 1, 0), after.counters());
        ChangesetJob committed = store.changesetJob("c1", JobIds.of(1)).orElseThrow();
        assertEquals(JobState.PENDING, committed.state());
        assertEquals("c".repeat(40), committed.commitSha());
        assertTrue(store.claimPullRequest("c1", JobIds.of(2), now.get()), "claims succeed again");
        assertEquals(0, store.resetCancelledChangesetJobs("c1", JOBS), "a repeated reset changes nothing");
    }

    @Test
    void aCampaignPublishedInPartHasItsPublishedJobsCancelledAndTheRestLeftUnpublished() {
        store.createCampaign(new Campaign("c2", "alice", "n", "", "campaigns/y", "p1", false, T0,
                new JobCounters(JOBS, 0, 0), 0), "digest2");
        List<ChangesetJob> published = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            published.add(new ChangesetJob("c2", JobIds.of(i), "acme/r" + i, "main", JobState.PENDING, null, false, 0,
                    null, null, null, 0));
        }
        assertEquals(1, store.publishChangesetJobs("c2", 0, JOBS - 3, published, null));
        Campaign running = store.campaign("c2").orElseThrow();
        assertEquals(List.of(3, JOBS - 3), List.of(running.inFlight(), running.unpublishedCount()));

        Campaign after = cancellation.cancel(running);

        assertEquals(List.of("stop campaign-c2-1 marked=false"), events);
        assertEquals(new JobCounters(JOBS, 0, 0, 3), after.counters());
        assertEquals(3, store.changesetJobs("c2", 0, JOBS).size(), "no job created for the unpublished ones");
        BackgroundProcessStatus status = BackgroundProcessStatus.ofCampaign(after, List.of());
        assertEquals(List.of(BackgroundProcessStatus.State.CANCELLED, 0, 3, JOBS - 3), List.of(status.state(),
                status.pendingCount(), status.cancelledCount(), status.unpublishedCount()));
        assertEquals(after, cancellation.cancel(after), "nothing running: a second cancel changes nothing");

        // a cancel that read the campaign before it was published in part would record the plan's jobs it never
        // reached CANCELLED: the store refuses that once jobs are unpublished, so they stay unpublished
        ChangesetJob unreached = new ChangesetJob("c2", JobIds.of(5), "acme/r5", "main", JobState.CANCELLED, null,
                false, 0, null, null, null, 0);
        assertEquals(0, store.cancelChangesetJobs("c2", List.of(), List.of(unreached)));
        assertTrue(store.changesetJob("c2", JobIds.of(5)).isEmpty());
        assertEquals(new JobCounters(JOBS, 0, 0, 3), store.campaign("c2").orElseThrow().counters());
    }

    private void completeJob(int i) {
        store.recordCommit("c1", JobIds.of(i), "e".repeat(40));
        store.recordPush("c1", JobIds.of(i));
        store.recordPullRequest("c1", JobIds.of(i), 100 + i, "u");
        // the changeset item the changeset step's observe writes first
        LocalCampaignsTable.client().putItem(b -> b.tableName(tableName).item(Map.of(
                "PK", Attr.s(ChangesetStore.changesetKey("cs" + i)), "SK", Attr.s("#CHANGESET"))));
        assertTrue(store.completeChangesetJob("c1", JobIds.of(i), new dev.campaigns.domain.Changeset("cs" + i, "acme/r" + i,
                String.valueOf(100 + i), "u", dev.campaigns.domain.ChangesetState.OPEN, null, null, "n", List.of(),
                "campaigns/x", "main", "e".repeat(40), T0, T0, "c1", java.util.Set.of("c1"), T0)));
    }

    private Map<JobState, Integer> states() {
        Map<JobState, Integer> states = new java.util.EnumMap<>(JobState.class);
        for (ChangesetJob job : store.changesetJobs("c1", 0, JOBS)) {
            states.merge(job.state(), 1, Integer::sum);
        }
        return states;
    }
}
