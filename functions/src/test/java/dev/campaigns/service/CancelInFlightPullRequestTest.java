package dev.campaigns.service;

import static dev.campaigns.service.ServiceFixture.OWNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.store.JobIds;
import dev.campaigns.testing.FakeCodeHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * cancelCampaign while a job's pull-request step is at the code host (issue 16: "started ones finish idempotently",
 * "without leaving an orphan pull request"), on the in-memory twins with a frozen clock and the fake code host: the
 * pull request the step opens while the cancel waits becomes a changeset of the campaign (its job COMPLETED, the
 * counters moved), through the close queue's consumer, which only looks pull requests up; nothing is opened after the
 * cancel returned; a repeat records nothing twice; closeCampaign(closeChangesets: true) closes it whether it comes
 * before or after the recording; a job whose host call failed stays CANCELLED; a retry that resumed the job first
 * leaves it to its execution.
 */
class CancelInFlightPullRequestTest {
    private static final String BRANCH = "campaigns/in-flight";
    private final ServiceFixture f = new ServiceFixture();
    private final List<InFlightPullRequestsRequest> handedOver = Collections.synchronizedList(new ArrayList<>());
    private final List<String> stopped = new ArrayList<>();
    private Runnable onSleep = () -> { };
    private final CampaignCancellation cancellation = new CampaignCancellation(f.repos, f.repos,
            (name, cause) -> stopped.add(name), () -> (request, delay) -> handedOver.add(request), f.clock, d -> {
                f.clock.advance(d);
                onSleep.run();
            });
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private Campaign campaign;
    private String job0;
    private String job1;

    @BeforeEach
    void setUp() {
        campaign = f.campaign(f.executedPlan("org/a", "org/b", "org/c"), BRANCH);
        job0 = JobIds.of(0);
        job1 = JobIds.of(1);
        f.steps.preparePage(campaign.id(), 0); // jobs 0 and 1 (pages of 2); job 2 is never reached
        f.runSteps(campaign.id(), job0); // a changeset already
        f.steps.commit(campaign.id(), job1);
        f.steps.push(campaign.id(), job1);
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    /**
     * Job 1's pull-request step takes its claim and is held at the code host; the cancel is called; while it waits for
     * the claim, the host answers and the step records the pull request. Returns the cancel's result.
     */
    private Campaign cancelWhileThePullRequestOpens() throws Exception {
        CountDownLatch atHost = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.host.holdNext("ensure", () -> {
            atHost.countDown();
            await(release);
        });
        Future<PullRequest> step = pool.submit(() -> f.steps.pullRequest(campaign.id(), job1));
        assertTrue(atHost.await(10, TimeUnit.SECONDS), "the pull-request step did not reach the code host");
        onSleep = () -> { // the cancel waits for the claim: the host answers meanwhile
            onSleep = () -> { };
            release.countDown();
            try {
                assertEquals(2, step.get(10, TimeUnit.SECONDS).number());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        return cancellation.cancel(f.repos.campaign(campaign.id()).orElseThrow());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private InFlightPullRequests.Again record(InFlightPullRequestsRequest request) {
        return f.changesets.recordInFlightPullRequests(request);
    }

    private ChangesetJob job(String jobId) {
        return f.repos.changesetJob(campaign.id(), jobId).orElseThrow();
    }

    private JobCounters counters() {
        return f.repos.campaign(campaign.id()).orElseThrow().counters();
    }

    private long ensureCallsSince(int from) {
        return f.host.calls.subList(from, f.host.calls.size()).stream().filter(c -> c.startsWith("ensure ")).count();
    }

    /** Runs every queued close request (as the close queue's consumer does), a second later than the last read. */
    private void runCloseQueue() {
        while (!f.closeQueue.isEmpty()) {
            f.clock.advance(Duration.ofSeconds(1)); // a read at the very time of the stored one records nothing
            assertNull(f.changesets.closeChangesets(f.closeQueue.remove(0)));
        }
    }

    /** Every pull request the host has from the campaign's branch is closed and a changeset of the campaign. */
    private void assertEveryPullRequestClosedAndTheCampaigns(int expected) {
        List<String> members = f.repos.allCampaignChangesetIds(campaign.id());
        List<Changeset> recorded = f.repos.changesets(members);
        List<PullRequest> onHost = f.host.pullRequests().stream().filter(p -> p.headRef().equals(BRANCH)).toList();
        assertEquals(expected, onHost.size(), onHost::toString);
        for (PullRequest p : onHost) {
            assertEquals(PullRequestState.CLOSED, p.state(), p.repository() + "#" + p.number() + " left open");
            assertTrue(recorded.stream().anyMatch(c -> c.repository().equals(p.repository())
                    && c.externalID().equals(String.valueOf(p.number())) && c.createdBy(campaign.id())),
                    p.repository() + "#" + p.number() + " is not a changeset of the campaign: an orphan");
        }
    }

    @Test
    void aPullRequestOpenedWhileTheCancelWaitsBecomesAChangesetOfTheCampaign_once() throws Exception {
        Campaign cancelled = cancelWhileThePullRequestOpens();
        int callsAtReturn = f.host.calls.size();

        assertEquals(List.of("campaign-" + campaign.id() + "-1"), stopped);
        assertEquals(2, f.host.count(), "job 0's and the in-flight one: opened before the cancel returned");
        assertEquals(new JobCounters(3, 1, 0, 2), cancelled.counters(), "at the return: job 1 is cancelled");
        assertEquals(JobState.CANCELLED, job(job1).state());
        assertEquals(2, job(job1).pullRequest());
        assertEquals(1, handedOver.size(), "job 1 (claimed) was handed over; job 2 (never reached) was not");
        InFlightPullRequestsRequest message = handedOver.get(0);
        assertEquals(List.of(job1), message.inFlightJobIds());
        assertEquals(cancelled.cancelledAt().plus(CampaignCancellation.PULL_REQUEST_STEP_LIMIT),
                message.lookUntilInstant());

        assertNull(record(message), "settled at once");
        ChangesetJob completed = job(job1);
        assertEquals(JobState.COMPLETED, completed.state());
        assertNotNull(completed.changesetId());
        Changeset changeset = f.repos.changeset(completed.changesetId()).orElseThrow();
        assertEquals(List.of("org/b", "2", PullRequestState.OPEN.name()),
                List.of(changeset.repository(), changeset.externalID(), changeset.state().name()));
        assertTrue(changeset.createdBy(campaign.id()), "the campaign's own pull request");
        assertEquals(2, f.repos.allCampaignChangesetIds(campaign.id()).size());
        Campaign after = f.repos.campaign(campaign.id()).orElseThrow();
        assertEquals(new JobCounters(3, 2, 0, 1), after.counters(), "cancelled - 1, completed + 1");
        assertEquals(BackgroundProcessStatus.State.CANCELLED,
                BackgroundProcessStatus.of(after.counters(), List.of()).state(), "job 2 is still cancelled");

        assertNull(record(message), "a redelivered message");
        assertEquals(after, f.repos.campaign(campaign.id()).orElseThrow(), "records nothing twice");
        assertEquals(2, f.repos.allCampaignChangesetIds(campaign.id()).size());
        assertEquals(0, ensureCallsSince(callsAtReturn), "nothing asked to open a pull request after the cancel");
        assertEquals(2, f.host.count());
        assertEquals(after, cancellation.cancel(after), "a second cancel changes nothing");
        assertEquals(1, handedOver.size(), "and hands nothing over");

        f.changesets.closeCampaign(OWNER, campaign.id(), true);
        runCloseQueue();
        assertEveryPullRequestClosedAndTheCampaigns(2);
    }

    @Test
    void aCloseBeforeTheRecordingStillClosesIt() throws Exception {
        cancelWhileThePullRequestOpens();
        f.changesets.closeCampaign(OWNER, campaign.id(), true);
        assertEquals(1, f.closeQueue.size(), "the close knows job 0's changeset only");
        assertEquals(1, f.closeQueue.get(0).changesetIds().size());

        assertNull(record(handedOver.get(0)));
        assertEquals(2, f.closeQueue.size(), "the recorder found the campaign closing and queued its changeset");
        assertEquals(List.of(job(job1).changesetId()), f.closeQueue.get(1).changesetIds());
        runCloseQueue();
        assertEveryPullRequestClosedAndTheCampaigns(2);

        assertNull(record(handedOver.get(0)), "a redelivery");
        runCloseQueue();
        assertEquals(1, f.host.calls.stream().filter(c -> c.equals("close org/b#2")).count(), "closed once");
    }

    @Test
    void aDeleteThatClosesTheChangesetsWaitsUntilTheCaughtPullRequestIsRecorded_thenClosesIt() throws Exception {
        cancelWhileThePullRequestOpens();
        FailedPreconditionException refused = assertThrows(FailedPreconditionException.class,
                () -> f.changesets.deleteCampaign(OWNER, campaign.id(), true));
        assertTrue(refused.getMessage().contains("1 pull request(s) caught being opened"), refused.getMessage());
        assertTrue(f.repos.campaign(campaign.id()).isPresent(), "nothing deleted");
        assertTrue(f.closeQueue.isEmpty(), "nothing queued");

        assertNull(record(handedOver.get(0)));
        f.changesets.deleteCampaign(OWNER, campaign.id(), true);
        assertTrue(f.repos.campaign(campaign.id()).isEmpty());
        runCloseQueue();
        assertEquals(PullRequestState.CLOSED, f.host.pull("org/b", 2).state(), "the caught one closed too");
        assertEquals(PullRequestState.CLOSED, f.host.pull("org/a", 1).state());
    }

    @Test
    void aDeleteWithoutClosingChangesetsIsNotHeldBack() throws Exception {
        cancelWhileThePullRequestOpens();
        f.changesets.deleteCampaign(OWNER, campaign.id(), false);
        assertTrue(f.repos.campaign(campaign.id()).isEmpty());
    }

    @Test
    void aCloseWithoutClosingChangesetsLeavesTheRecordedPullRequestOpen() throws Exception {
        cancelWhileThePullRequestOpens();
        f.changesets.closeCampaign(OWNER, campaign.id(), false);
        assertNull(record(handedOver.get(0)));
        assertTrue(f.closeQueue.isEmpty());
        assertEquals(PullRequestState.OPEN, f.host.pull("org/b", 2).state());
        assertEquals(JobState.COMPLETED, job(job1).state(), "still the campaign's changeset");
    }

    @Test
    void aPullRequestOpenedByAStepThatDiedBeforeRecordingItIsFoundByTheBranch() {
        assertTrue(f.repos.claimPullRequest(campaign.id(), job1, f.clock.instant()));
        // the host opened it; the step died before recording it: the job has a claim and no number
        f.host.ensurePullRequest(new PullRequestSpec("org/b", BRANCH, "main", "Fix READMEs", "", false, List.of(),
                List.of()));
        int callsAtReturn;
        cancellation.cancel(f.repos.campaign(campaign.id()).orElseThrow());
        callsAtReturn = f.host.calls.size();
        assertEquals(JobState.CANCELLED, job(job1).state());
        assertEquals(0, job(job1).pullRequest());

        assertNull(record(handedOver.get(0)));
        assertEquals(JobState.COMPLETED, job(job1).state());
        assertEquals("2", f.repos.changeset(job(job1).changesetId()).orElseThrow().externalID());
        assertEquals(new JobCounters(3, 2, 0, 1), counters());
        assertEquals(0, ensureCallsSince(callsAtReturn));
        assertEquals(List.of("find org/b " + BRANCH, "status org/b#2"),
                f.host.calls.subList(callsAtReturn, f.host.calls.size()));
    }

    @Test
    void aJobWhoseHostCallFailedIsLookedForUntilTheStepsHaveEnded_thenStaysCancelled() {
        assertTrue(f.repos.claimPullRequest(campaign.id(), job1, f.clock.instant())); // the host then refused
        Campaign cancelled = cancellation.cancel(f.repos.campaign(campaign.id()).orElseThrow());
        assertEquals(CampaignCancellation.OPENING_WINDOW, java.time.Duration.between(cancelled.cancelledAt(),
                f.clock.instant()), "the cancel waited the claim's window");

        InFlightPullRequests.Again again = record(handedOver.get(0));
        assertNotNull(again, "no pull request yet: a step may still be at the host");
        assertEquals(List.of(job1), again.request().inFlightJobIds());
        assertEquals(cancelled.cancelledAt().plus(CampaignCancellation.PULL_REQUEST_STEP_LIMIT),
                f.clock.instant().plus(again.delay()), "looked at again once every step has ended");

        f.clock.advance(again.delay());
        assertNull(record(again.request()), "still none: settled");
        assertEquals(JobState.CANCELLED, job(job1).state());
        assertEquals(new JobCounters(3, 1, 0, 2), counters());
        assertEquals(1, f.host.count(), "nothing opened");
        assertEquals(2, f.host.calls.stream().filter(c -> c.startsWith("find ")).count());
    }

    @Test
    void aMessageThatOvertakesTheCancelsWriteWaits_andARetryFirstLeavesTheJobToItsExecution() {
        assertTrue(f.repos.claimPullRequest(campaign.id(), job1, f.clock.instant()));
        f.repos.markCancelled(campaign.id(), f.clock.instant()); // the cancel has marked, not yet written CANCELLED
        InFlightPullRequestsRequest message = new InFlightPullRequestsRequest(campaign.id(), List.of(job1),
                f.clock.instant().plus(CampaignCancellation.PULL_REQUEST_STEP_LIMIT));
        InFlightPullRequests.Again again = record(message);
        assertNotNull(again);
        assertEquals(InFlightPullRequests.NOT_YET_CANCELLED, again.delay());
        assertTrue(f.host.calls.stream().noneMatch(c -> c.startsWith("find ")), "the host is not asked yet");

        cancellation.cancel(f.repos.campaign(campaign.id()).orElseThrow());
        f.campaigns.retryCampaign(OWNER, campaign.id()); // resumes job 1 (and 2) before the message is handled
        assertEquals(JobState.PENDING, job(job1).state());
        assertNull(record(again.request()), "a resumed job is its new execution's");
        assertEquals(JobState.PENDING, job(job1).state());
        assertTrue(f.host.calls.stream().noneMatch(c -> c.startsWith("find ")));
        f.runAllSteps(campaign, 2);
        assertEquals(new JobCounters(3, 3, 0, 0), counters());
        for (String r : List.of("org/a", "org/b", "org/c")) {
            assertEquals(1, f.host.pullRequests().stream().filter(p -> p.repository().equals(r)).count(), r);
        }
    }

    @Test
    void aRateLimitLeavesTheJobsForLater() throws Exception {
        cancelWhileThePullRequestOpens();
        f.host.failNext("find", () -> FakeCodeHost.error(CodeHostException.Kind.RATE_LIMITED));
        InFlightPullRequests.Again again = record(handedOver.get(0));
        assertNotNull(again);
        assertEquals(InFlightPullRequests.RATE_LIMITED, again.delay());
        assertEquals(JobState.CANCELLED, job(job1).state());
        assertNull(record(again.request()));
        assertEquals(JobState.COMPLETED, job(job1).state());
    }

    @Test
    void messagesAreToldApartAndCheckedByName() {
        InFlightPullRequestsRequest r = new InFlightPullRequestsRequest("c1", List.of("000001"),
                java.time.Instant.parse("2026-03-04T05:09:07Z"));
        assertTrue(InFlightPullRequestsRequest.describes(r.toJson()));
        assertEquals(r, InFlightPullRequestsRequest.fromJson(r.toJson()));
        assertFalse(InFlightPullRequestsRequest.describes(new CloseChangesetsRequest("c1", List.of("x")).toJson()));
        assertFalse(InFlightPullRequestsRequest.describes("not json"));
        InvalidInputException noTime = assertThrows(InvalidInputException.class, () -> InFlightPullRequestsRequest
                .fromJson("{\"campaignId\":\"c1\",\"inFlightJobIds\":[],\"lookUntil\":\"soon\"}"));
        assertEquals("a request to record in-flight pull requests needs lookUntil as an ISO-8601 instant, not soon",
                noTime.getMessage());
        assertThrows(InvalidInputException.class, () -> InFlightPullRequestsRequest
                .fromJson("{\"inFlightJobIds\":[],\"lookUntil\":\"2026-03-04T05:09:07Z\"}"));
        assertEquals(Duration.ofMinutes(3), CampaignCancellation.PULL_REQUEST_STEP_LIMIT);
    }
}
