package dev.campaigns.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetEvent;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.ChangesetReviewState;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.domain.Page;
import dev.campaigns.git.DiffStat;
import dev.campaigns.store.PlanRepository.NewCampaignJob;
import dev.campaigns.testing.PullRequests;
import dev.campaigns.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every implementation of the repositories must do, run against DynamoDB (DynamoDB Local in process,
 * {@link DynamoRepositoryContractTest}) and the in-memory twin ({@link InMemoryRepositoryContractTest}): the same
 * answers, the same typed errors on refused conditions, the same idempotency.
 */
abstract class RepositoryContract {
    /** One set of fresh, empty repositories. */
    record Repositories(PlanRepository plans, CampaignRepository campaigns, ChangesetRepository changesets,
                        IdempotencyRecords idempotency) {
    }

    protected abstract Repositories fresh();

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    private PlanRepository plans;
    private CampaignRepository campaigns;
    private ChangesetRepository changesets;
    private IdempotencyRecords records;

    @BeforeEach
    void setUp() {
        Repositories r = fresh();
        plans = r.plans();
        campaigns = r.campaigns();
        changesets = r.changesets();
        records = r.idempotency();
    }

    // ---- plans -------------------------------------------------------------------------------------------------

    private static CampaignJob job(String planId, int position, String repository) {
        return new CampaignJob(planId, JobIds.of(position), repository, "abc123", "main", "patch/" + repository,
                JobState.PENDING, null, null);
    }

    private static List<NewCampaignJob> jobs(String planId, int from, int count) {
        List<NewCampaignJob> jobs = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            jobs.add(new NewCampaignJob(job(planId, i, "org/repo" + i), 10));
        }
        return jobs;
    }

    private void newPlan(String id) {
        plans.createPlan(new CampaignPlan(id, "alice", T0, new JobCounters(0, 0, 0), null));
    }

    @Test
    void aPlanIsReadBackWithItsCountersAndPatchBytes() {
        newPlan("p1");
        CampaignPlan p = plans.plan("p1").orElseThrow();
        assertEquals("alice", p.owner());
        assertEquals(T0, p.createdAt());
        assertEquals(new JobCounters(0, 0, 0), p.counters());
        assertFalse(p.executed());
        assertEquals(0, plans.planPatchBytes("p1"));
        assertTrue(plans.plan("nope").isEmpty());
        assertEquals(0, plans.planPatchBytes("nope"));
    }

    @Test
    void jobsAreAddedOnceInChunksAndARepeatedBatchAddsNothing() {
        newPlan("p1");
        assertEquals(60, plans.addCampaignJobs("p1", jobs("p1", 0, 60), 100, 10_000), "60 jobs: two chunks");
        assertEquals(0, plans.addCampaignJobs("p1", jobs("p1", 0, 60), 100, 10_000), "the same batch again");
        assertEquals(5, plans.addCampaignJobs("p1", jobs("p1", 55, 10), 100, 10_000), "half of it there already");
        CampaignPlan p = plans.plan("p1").orElseThrow();
        assertEquals(65, p.counters().total());
        assertEquals(650, plans.planPatchBytes("p1"));
        assertEquals(List.of("000010", "000011"), plans.campaignJobs("p1", 10, 12).stream().map(CampaignJob::jobId)
                .toList());
        assertEquals("org/repo3", plans.campaignJob("p1", JobIds.of(3)).orElseThrow().repository());
        assertTrue(plans.campaignJob("p1", JobIds.of(99)).isEmpty());
        assertEquals(List.of(), plans.campaignJobs("p1", 70, 80));
        assertEquals(JobIds.of(64), plans.firstJobFrom("p1", 64).orElseThrow().jobId());
        assertTrue(plans.firstJobFrom("p1", 65).isEmpty());
    }

    @Test
    void aBatchIsRefusedWithTheReasonAndAddsNothing() {
        newPlan("p1");
        plans.addCampaignJobs("p1", jobs("p1", 0, 2), 3, 100);
        PlanJobsRefusedException taken = assertThrows(PlanJobsRefusedException.class, () -> plans.addCampaignJobs(
                "p1", List.of(new NewCampaignJob(job("p1", 1, "org/other"), 10)), 3, 100));
        assertEquals(PlanJobsRefusedException.Reason.POSITION_TAKEN, taken.reason());
        assertEquals("org/repo1", taken.detail());
        PlanJobsRefusedException twice = assertThrows(PlanJobsRefusedException.class, () -> plans.addCampaignJobs(
                "p1", List.of(new NewCampaignJob(job("p1", 2, "ORG/Repo0"), 10)), 3, 100));
        assertEquals(PlanJobsRefusedException.Reason.REPOSITORY_TWICE, twice.reason(), "names differing in case");
        assertEquals(JobIds.of(0), twice.detail());
        PlanJobsRefusedException many = assertThrows(PlanJobsRefusedException.class,
                () -> plans.addCampaignJobs("p1", jobs("p1", 2, 2), 3, 100));
        assertEquals(PlanJobsRefusedException.Reason.TOO_MANY_JOBS, many.reason());
        assertEquals("4", many.detail());
        PlanJobsRefusedException big = assertThrows(PlanJobsRefusedException.class,
                () -> plans.addCampaignJobs("p1", List.of(new NewCampaignJob(job("p1", 2, "org/big"), 81)), 3, 100));
        assertEquals(PlanJobsRefusedException.Reason.TOO_MANY_BYTES, big.reason());
        assertEquals("101", big.detail());
        assertEquals(JobIds.of(2), big.job().jobId());
        assertEquals(2, plans.plan("p1").orElseThrow().counters().total(), "nothing was added");
        assertEquals(20, plans.planPatchBytes("p1"));
        PlanJobsRefusedException none = assertThrows(PlanJobsRefusedException.class,
                () -> plans.addCampaignJobs("nope", jobs("nope", 0, 1), 3, 100));
        assertEquals(PlanJobsRefusedException.Reason.NO_PLAN, none.reason());
    }

    @Test
    void executionStartsOnceAndOnlyOnTheJobsItCounted() {
        newPlan("p1");
        plans.addCampaignJobs("p1", jobs("p1", 0, 2), 10, 1000);
        PlanJobsRefusedException changed = assertThrows(PlanJobsRefusedException.class,
                () -> plans.startPlanExecution("p1", 1, T0));
        assertEquals(PlanJobsRefusedException.Reason.CHANGED, changed.reason());
        assertEquals("2", changed.detail());
        CampaignPlan started = plans.startPlanExecution("p1", 2, T0.plusSeconds(1));
        assertEquals(T0.plusSeconds(1), started.executedAt());
        assertEquals(T0.plusSeconds(1), plans.startPlanExecution("p1", 2, T0.plusSeconds(9)).executedAt(),
                "a repeated start keeps the first time");
        assertEquals(PlanJobsRefusedException.Reason.EXECUTED, assertThrows(PlanJobsRefusedException.class,
                () -> plans.addCampaignJobs("p1", jobs("p1", 2, 1), 10, 1000)).reason());
        assertEquals(PlanJobsRefusedException.Reason.NO_PLAN, assertThrows(PlanJobsRefusedException.class,
                () -> plans.startPlanExecution("nope", 0, T0)).reason());
    }

    @Test
    void aPatchUploadedInPartsKeepsItsPartsAndRefusesAnotherPartCount() {
        assertTrue(plans.patchUpload("p1", "d1").isEmpty());
        PlanRepository.PatchUpload one = plans.recordPatchPart("p1", "d1", 1, 3, "blob/1");
        assertEquals(3, one.parts());
        assertEquals(java.util.Map.of(1, "blob/1"), one.partKeys());
        assertFalse(one.complete());
        plans.recordPatchPart("p1", "d1", 0, 3, "blob/0");
        plans.recordPatchPart("p1", "d1", 0, 3, "blob/0b");
        PlanJobsRefusedException changed = assertThrows(PlanJobsRefusedException.class,
                () -> plans.recordPatchPart("p1", "d1", 2, 4, "blob/2"));
        assertEquals(PlanJobsRefusedException.Reason.PARTS_CHANGED, changed.reason());
        assertEquals("3", changed.detail());
        plans.recordPatchPart("p1", "d1", 2, 3, "blob/2");
        plans.completePatchUpload("p1", "d1", 1234);
        PlanRepository.PatchUpload done = plans.patchUpload("p1", "d1").orElseThrow();
        assertEquals(java.util.Map.of(0, "blob/0b", 1, "blob/1", 2, "blob/2"), done.partKeys());
        assertTrue(done.complete());
        assertEquals(1234, done.size());
    }

    @Test
    void aPlanJobEndsOnceAndTheCountersFollow() {
        newPlan("p1");
        plans.addCampaignJobs("p1", jobs("p1", 0, 4), 10, 1000);
        assertTrue(plans.completeCampaignJob("p1", JobIds.of(0), new DiffStat(1, 2, 3)));
        assertFalse(plans.completeCampaignJob("p1", JobIds.of(0), new DiffStat(9, 9, 9)), "completed once");
        assertFalse(plans.failCampaignJob("p1", JobIds.of(0), "late"), "a completed job stays completed");
        assertTrue(plans.failCampaignJob("p1", JobIds.of(1), "does not apply"));
        assertFalse(plans.failCampaignJob("p1", JobIds.of(1), "again"));
        CampaignJob done = plans.campaignJob("p1", JobIds.of(0)).orElseThrow();
        assertEquals(JobState.COMPLETED, done.state());
        assertEquals(new DiffStat(1, 2, 3), done.diffStat());
        CampaignJob failed = plans.campaignJob("p1", JobIds.of(1)).orElseThrow();
        assertEquals(JobState.ERRORED, failed.state());
        assertEquals("does not apply", failed.error());
        plans.failPendingCampaignJobs("p1", 4, "ended");
        assertEquals(new JobCounters(4, 1, 3), plans.plan("p1").orElseThrow().counters());
        assertEquals(List.of("org/repo1: does not apply", "org/repo2: ended"), plans.planErrors("p1", 2));
        assertEquals(3, plans.planErrors("p1", 50).size());
    }

    // ---- campaigns ---------------------------------------------------------------------------------------------

    private static Campaign campaign(String id, String owner, Instant createdAt, int jobs) {
        return new Campaign(id, owner, "name " + id, "", "campaign/" + id, "p1", false, createdAt,
                new JobCounters(jobs, 0, 0), 1);
    }

    private Campaign withJobs(String id, int jobs) {
        Campaign c = campaigns.createCampaign(campaign(id, "alice", T0, jobs), "digest");
        for (int i = 0; i < jobs; i++) {
            campaigns.createChangesetJob(new ChangesetJob(id, JobIds.of(i), "org/repo" + i, "main", JobState.PENDING,
                    null, false, 0, null, null, null, 0));
        }
        return c;
    }

    @Test
    void aCampaignIsCreatedOnceAndAnotherInputUnderItsIdIsRefused() {
        Campaign first = campaigns.createCampaign(campaign("c1", "alice", T0, 2), "d1");
        assertEquals(first, campaigns.campaign("c1").orElseThrow());
        Campaign again = campaigns.createCampaign(campaign("c1", "alice", T0.plusSeconds(5), 2), "d1");
        assertEquals(T0, again.createdAt(), "the campaign stored first");
        assertThrows(IdempotencyKeyReusedException.class,
                () -> campaigns.createCampaign(campaign("c1", "alice", T0, 2), "d2"));
        assertTrue(campaigns.campaign("nope").isEmpty());
        assertEquals(2, campaigns.addExecution("c1"));
        assertEquals(3, campaigns.addExecution("c1"));
        assertEquals(3, campaigns.campaign("c1").orElseThrow().executions());
    }

    @Test
    void anUnpublishedCampaignIsPublishedOnceWithItsDraftSetting() {
        Campaign unpublished = new Campaign("u1", "alice", "Fix", "", "fix", "p1", false, T0, new JobCounters(2, 0, 0),
                0);
        campaigns.createCampaign(unpublished, "d");
        assertFalse(campaigns.campaign("u1").orElseThrow().published());
        assertTrue(campaigns.publishCampaign("u1", true));
        Campaign published = campaigns.campaign("u1").orElseThrow();
        assertEquals(List.of(true, 1, true), List.of(published.published(), published.executions(), published.draft()));
        assertFalse(campaigns.publishCampaign("u1", false), "published once");
        assertTrue(campaigns.campaign("u1").orElseThrow().draft(), "the second call changed nothing");
        assertFalse(campaigns.publishCampaign("nope", true), "no such campaign: nothing written");
        assertTrue(campaigns.campaign("nope").isEmpty());
        campaigns.createCampaign(campaign("c9", "alice", T0, 1), "d");
        assertFalse(campaigns.publishCampaign("c9", true), "a campaign created published is not published again");
        assertEquals(1, campaigns.campaign("c9").orElseThrow().executions());
    }

    private static ChangesetJob pendingJob(String campaignId, int position, String repository) {
        return new ChangesetJob(campaignId, JobIds.of(position), repository, "main", JobState.PENDING, null, false, 0,
                null, null, null, 0);
    }

    @Test
    void someJobsArePublishedOnceAtTheExecutionReadAndTheRestAfter() {
        newPlan("p1");
        plans.addCampaignJobs("p1", jobs("p1", 0, 3), 10, 1000);
        assertEquals(java.util.Optional.of(JobIds.of(1)), plans.jobIdOf("p1", "ORG/Repo1"), "by identity");
        assertTrue(plans.jobIdOf("p1", "org/elsewhere").isEmpty());
        assertTrue(plans.jobIdOf("nope", "org/repo1").isEmpty());

        campaigns.createCampaign(new Campaign("u1", "alice", "Fix", "", "fix", "p1", false, T0,
                new JobCounters(3, 0, 0), 0), "d");
        assertEquals(1, campaigns.publishChangesetJobs("u1", 0, 2, List.of(pendingJob("u1", 1, "org/repo1")), true));
        Campaign one = campaigns.campaign("u1").orElseThrow();
        assertEquals(List.of(1, 2, 2, 1, true), List.of(one.executions(), one.unpublished(), one.unpublishedCount(),
                one.inFlight(), one.draft()));
        assertEquals(JobState.PENDING, campaigns.changesetJob("u1", JobIds.of(1)).orElseThrow().state());
        assertTrue(campaigns.changesetJob("u1", JobIds.of(0)).isEmpty(), "the others are not created");

        assertEquals(0, campaigns.publishChangesetJobs("u1", 0, 1, List.of(pendingJob("u1", 2, "org/repo2")), false),
                "a call that read execution 0 changes nothing");
        assertEquals(0, campaigns.publishChangesetJobs("u1", 1, 1, List.of(pendingJob("u1", 1, "org/repo1")), null),
                "a job published already: nothing");
        Campaign same = campaigns.campaign("u1").orElseThrow();
        assertEquals(List.of(1, 2, true), List.of(same.executions(), same.unpublished(), same.draft()));
        assertTrue(campaigns.changesetJob("u1", JobIds.of(2)).isEmpty());

        assertEquals(2, campaigns.publishChangesetJobs("u1", 1, 1, List.of(pendingJob("u1", 2, "org/repo2")), null));
        assertEquals(0, campaigns.publishRest("u1", 1), "the rest at an execution read before: nothing");
        assertEquals(3, campaigns.publishRest("u1", 2));
        Campaign rest = campaigns.campaign("u1").orElseThrow();
        assertEquals(List.of(3, 0, 3, true), List.of(rest.executions(), rest.unpublishedCount(), rest.inFlight(),
                rest.draft()));

        campaigns.createCampaign(new Campaign("u2", "alice", "Fix", "", "fix", "p1", false, T0,
                new JobCounters(3, 0, 0), 0), "d");
        campaigns.closeCampaign("u2", T0);
        assertEquals(0, campaigns.publishChangesetJobs("u2", 0, 2, List.of(pendingJob("u2", 0, "org/repo0")), null),
                "a closed campaign: nothing");
        assertEquals(0, campaigns.publishRest("u2", 0));
        assertEquals(0, campaigns.publishChangesetJobs("nope", 0, 2, List.of(pendingJob("nope", 0, "org/repo0")),
                null), "no such campaign: nothing");
        assertTrue(campaigns.changesetJob("u2", JobIds.of(0)).isEmpty());
        assertEquals(0, campaigns.campaign("u2").orElseThrow().executions());
    }

    @Test
    void anOwnersCampaignsComeNewestFirstInPages() {
        for (int i = 0; i < 3; i++) {
            campaigns.createCampaign(campaign("c" + i, "alice", T0.plusSeconds(i), 0), "d");
        }
        campaigns.createCampaign(campaign("b0", "bob", T0.plusSeconds(10), 0), "d");
        Page<Campaign> first = campaigns.campaigns("alice", 2, null);
        assertEquals(List.of("c2", "c1"), first.nodes().stream().map(Campaign::id).toList());
        assertTrue(first.hasNextPage());
        Page<Campaign> second = campaigns.campaigns("alice", 2, first.endCursor());
        assertEquals(List.of("c0"), second.nodes().stream().map(Campaign::id).toList());
        assertFalse(second.hasNextPage());
        assertThrows(InvalidCursorException.class, () -> campaigns.campaigns("alice", 2, "not a cursor!"));
        assertThrows(InvalidCursorException.class, () -> campaigns.campaigns("alice", 2, "YWJj"));
    }

    @Test
    void aChangesetJobRecordsItsStepsWhilePendingOnly() {
        withJobs("c1", 1);
        String job = JobIds.of(0);
        campaigns.createChangesetJob(new ChangesetJob("c1", job, "org/x", "dev", JobState.PENDING, null, false, 0,
                null, null, null, 0));
        assertEquals("org/repo0", campaigns.changesetJob("c1", job).orElseThrow().repository(), "created once");
        campaigns.recordAttempt("c1", job);
        campaigns.recordCommit("c1", job, "sha1");
        campaigns.recordPush("c1", job);
        campaigns.recordPullRequest("c1", job, 7, "https://host/pr/7");
        ChangesetJob j = campaigns.changesetJob("c1", job).orElseThrow();
        assertEquals(List.of("sha1", true, 7L, "https://host/pr/7", 1),
                List.of(j.commitSha(), j.pushed(), j.pullRequest(), j.pullRequestUrl(), j.attempts()));
        assertTrue(campaigns.failChangesetJob("c1", job, "boom"));
        assertThrows(JobNotPendingException.class, () -> campaigns.recordCommit("c1", job, "sha2"));
        assertThrows(JobNotPendingException.class, () -> campaigns.recordPush("c1", job));
        assertThrows(JobNotPendingException.class, () -> campaigns.recordPullRequest("c1", job, 8, "u"));
        assertThrows(JobNotPendingException.class, () -> campaigns.recordAttempt("c1", job));
        assertThrows(JobNotPendingException.class, () -> campaigns.recordAttempt("c1", JobIds.of(5)));
        assertTrue(campaigns.changesetJob("c1", JobIds.of(5)).isEmpty());
        assertEquals(1, campaigns.changesetJobs("c1", 0, 10).size());
    }

    @Test
    void completingAChangesetJobMakesTheChangesetTheCampaignsOnce() {
        withJobs("c1", 2);
        Changeset cs = changesets.observe(PullRequests.status("org/repo0", 7, PullRequestState.OPEN, T0, T0),
                T0.plusSeconds(1), "c1");
        assertTrue(campaigns.completeChangesetJob("c1", JobIds.of(0), cs));
        assertFalse(campaigns.completeChangesetJob("c1", JobIds.of(0), cs), "a completed job is frozen");
        assertFalse(campaigns.failChangesetJob("c1", JobIds.of(0), "late"));
        assertEquals(JobState.COMPLETED, campaigns.changesetJob("c1", JobIds.of(0)).orElseThrow().state());
        assertEquals(cs.id(), campaigns.changesetJob("c1", JobIds.of(0)).orElseThrow().changesetId());
        assertEquals(new JobCounters(2, 1, 0), campaigns.campaign("c1").orElseThrow().counters());
        assertEquals(java.util.Set.of("c1"), changesets.changeset(cs.id()).orElseThrow().campaignIds());
        assertEquals(List.of(cs.id()), campaigns.allCampaignChangesetIds("c1"));
        Changeset unknown = new Changeset("nope", "org/repo1", "9", "u", ChangesetState.OPEN,
                ChangesetReviewState.PENDING, null, "t", List.of(), "h", "b", "s", T0, T0, "c1", null, T0);
        assertFalse(campaigns.completeChangesetJob("c1", JobIds.of(1), unknown), "no such changeset: nothing");
        assertEquals(JobState.PENDING, campaigns.changesetJob("c1", JobIds.of(1)).orElseThrow().state());
    }

    @Test
    void anUpdateStartsTheNextGenerationOnceWithItsOwnJobsCountersAndErrors() {
        withJobs("c1", 2);
        Changeset cs = changesets.observe(PullRequests.status("org/repo0", 7, PullRequestState.OPEN, T0, T0),
                T0.plusSeconds(1), "c1");
        assertTrue(campaigns.completeChangesetJob("c1", JobIds.of(0), cs));
        assertTrue(campaigns.failChangesetJob("c1", JobIds.of(1), "generation 1 failed"));
        Campaign before = campaigns.campaign("c1").orElseThrow();
        CampaignRepository.GenerationStart start = new CampaignRepository.GenerationStart("c1", 1,
                before.executions(), "p2", "p1", "New name", "New description", T0.plusSeconds(60), 2, 1);
        assertFalse(campaigns.startGeneration(new CampaignRepository.GenerationStart("c1", 2, before.executions(),
                "p2", "p1", "n", "d", T0, 2, 1)), "decided on another generation: nothing");
        assertTrue(campaigns.startGeneration(start));
        assertFalse(campaigns.startGeneration(start), "of two racing updates, one applies");
        Campaign after = campaigns.campaign("c1").orElseThrow();
        assertEquals(List.of(2, "p2", "p1", "New name", "New description", T0.plusSeconds(60),
                        new JobCounters(2, 0, 0, 0), before.executions() + 1, 1),
                List.of(after.generation(), after.planId(), after.previousPlanId(), after.name(), after.description(),
                        after.updatedAt(), after.counters(), after.executions(), after.tracked()));
        assertEquals(List.of(), campaigns.campaignErrors("c1", 10), "generation 1's errors are not the update's");
        assertEquals(List.of(), campaigns.changesetJobs("c1", 0, 10));
        assertEquals(2, campaigns.changesetJobs("c1", 1, 0, 10).size(), "generation 1 is still readable");

        String carried = JobIds.changesetJob(2, 0);
        String fresh = JobIds.changesetJob(2, 1);
        campaigns.createChangesetJob(new ChangesetJob("c1", carried, "org/repo0", "main", JobState.PENDING, "sha1",
                true, 7, "https://host/pr/7", cs.id(), null, 0, "sha0"));
        campaigns.createChangesetJob(new ChangesetJob("c1", fresh, "org/repo1", "main", JobState.PENDING, null,
                false, 0, null, null, null, 0, null));
        assertEquals(List.of(carried, fresh), campaigns.changesetJobs("c1", 0, 10).stream()
                .map(ChangesetJob::jobId).toList());
        ChangesetJob read = campaigns.changesetJob("c1", carried).orElseThrow();
        assertEquals(List.of("sha1", true, 7L, cs.id(), "sha0"), List.of(read.commitSha(), read.pushed(),
                read.pullRequest(), read.changesetId(), read.expectedOldSha()));
        assertTrue(campaigns.completeChangesetJob("c1", carried, cs), "the changeset is the campaign's already");
        assertFalse(campaigns.completeChangesetJob("c1", carried, cs), "once");
        assertTrue(campaigns.failChangesetJob("c1", fresh, "generation 2 failed"));
        Campaign done = campaigns.campaign("c1").orElseThrow();
        assertEquals(new JobCounters(2, 1, 1, 0), done.counters());
        assertEquals(0, done.tracked(), "the carried changeset moved from tracked to completed");
        assertEquals(1, done.changesetCount());
        assertEquals(List.of("org/repo1: generation 2 failed"), campaigns.campaignErrors("c1", 10));
        assertEquals(1, campaigns.resetErroredChangesetJobs("c1"), "only generation 2's errored job");
        assertEquals(JobState.ERRORED, campaigns.changesetJob("c1", JobIds.of(1)).orElseThrow().state());
        assertEquals(JobState.PENDING, campaigns.changesetJob("c1", fresh).orElseThrow().state());

        campaigns.detachFromCampaign("c1", cs);
        campaigns.detachFromCampaign("c1", cs);
        assertEquals(List.of(), campaigns.allCampaignChangesetIds("c1"));
        assertEquals(java.util.Set.of(), changesets.changeset(cs.id()).orElseThrow().campaignIds());
    }

    @Test
    void aStaleExecutionEndsNoJobOfANewerOne() {
        withJobs("c1", 3);
        campaigns.failChangesetJob("c1", JobIds.of(0), "first failure");
        assertEquals(2, campaigns.addExecution("c1"));
        assertEquals(1, campaigns.resetErroredChangesetJobs("c1"));
        assertEquals(new JobCounters(3, 0, 0), campaigns.campaign("c1").orElseThrow().counters());
        assertNull(campaigns.changesetJob("c1", JobIds.of(0)).orElseThrow().error());
        campaigns.failPendingChangesetJobs("c1", 3, "stale finish", 1);
        assertEquals(new JobCounters(3, 0, 0), campaigns.campaign("c1").orElseThrow().counters(),
                "execution 1 ended nothing of execution 2");
        campaigns.failPendingChangesetJobs("c1", 3, "finish", 2);
        assertEquals(new JobCounters(3, 0, 3), campaigns.campaign("c1").orElseThrow().counters());
        assertEquals(List.of("org/repo0: finish", "org/repo1: finish"), campaigns.campaignErrors("c1", 2));
        assertEquals(3, campaigns.resetErroredChangesetJobs("c1"));
        campaigns.failPendingChangesetJobs("c1", 3, "unnumbered");
        assertEquals(3, campaigns.campaign("c1").orElseThrow().counters().errored());
        assertEquals(0, campaigns.resetErroredChangesetJobs("nope"));
    }

    @Test
    void aPullRequestIsClaimedOnlyForAPendingJobOfAnOpenCampaign() {
        withJobs("c1", 2);
        assertTrue(campaigns.claimPullRequest("c1", JobIds.of(0), T0));
        assertTrue(campaigns.failChangesetJob("c1", JobIds.of(1), "boom"));
        assertFalse(campaigns.claimPullRequest("c1", JobIds.of(1), T0), "an errored job is not claimed");
        assertFalse(campaigns.claimPullRequest("c1", JobIds.of(5), T0), "no such job");
        assertEquals(0, campaigns.resetCancelledChangesetJobs("c1", 2), "nothing was cancelled");
        campaigns.clearCancelled("c1");
        assertNull(campaigns.campaign("c1").orElseThrow().cancelledAt());
        campaigns.closeCampaign("c1", T0.plusSeconds(5));
        assertFalse(campaigns.claimPullRequest("c1", JobIds.of(0), T0.plusSeconds(6)), "a closed campaign opens nothing");
        assertEquals(JobState.PENDING, campaigns.changesetJob("c1", JobIds.of(0)).orElseThrow().state());
    }

    @Test
    void aCancelRecordsClaimsCancelsPendingJobsOnce_andACancelledJobMayStillBecomeTheCampaignsChangeset() {
        withJobs("c1", 3);
        assertTrue(campaigns.claimPullRequest("c1", JobIds.of(0), T0));
        Campaign marked = campaigns.markCancelled("c1", T0.plusSeconds(1));
        assertEquals(T0.plusSeconds(1), marked.cancelledAt());
        assertEquals(T0.plusSeconds(1), campaigns.markCancelled("c1", T0.plusSeconds(9)).cancelledAt(),
                "the first mark stays");
        assertFalse(campaigns.claimPullRequest("c1", JobIds.of(1), T0.plusSeconds(2)), "no claim after the mark");
        List<CampaignRepository.JobClaim> claims = campaigns.changesetJobClaims("c1", 0, 3);
        assertEquals(java.util.Arrays.asList(T0, null, null), claims.stream().map(CampaignRepository.JobClaim::openingAt)
                .toList());
        List<ChangesetJob> pending = claims.stream().map(CampaignRepository.JobClaim::job).toList();
        assertEquals(3, campaigns.cancelChangesetJobs("c1", pending, List.of()));
        assertEquals(0, campaigns.cancelChangesetJobs("c1", pending, List.of()), "cancelled once");
        assertEquals(new JobCounters(3, 0, 0, 3), campaigns.campaign("c1").orElseThrow().counters());

        Changeset cs = changesets.observe(PullRequests.status("org/repo0", 7, PullRequestState.OPEN, T0, T0),
                T0.plusSeconds(3), "c1");
        assertTrue(campaigns.completeCancelledChangesetJob("c1", JobIds.of(0), cs));
        assertFalse(campaigns.completeCancelledChangesetJob("c1", JobIds.of(0), cs), "once");
        ChangesetJob done = campaigns.changesetJob("c1", JobIds.of(0)).orElseThrow();
        assertEquals(List.of(JobState.COMPLETED, cs.id()), List.of(done.state(), done.changesetId()));
        assertEquals(new JobCounters(3, 1, 0, 2), campaigns.campaign("c1").orElseThrow().counters());
        assertEquals(List.of(cs.id()), campaigns.allCampaignChangesetIds("c1"));
        assertEquals(java.util.Set.of("c1"), changesets.changeset(cs.id()).orElseThrow().campaignIds());

        campaigns.clearCancelled("c1");
        assertEquals(2, campaigns.resetCancelledChangesetJobs("c1", 3));
        Changeset other = changesets.observe(PullRequests.status("org/repo1", 8, PullRequestState.OPEN, T0, T0),
                T0.plusSeconds(3), "c1");
        assertFalse(campaigns.completeCancelledChangesetJob("c1", JobIds.of(1), other),
                "a job retryCampaign resumed is not completed from CANCELLED");
        assertEquals(JobState.PENDING, campaigns.changesetJob("c1", JobIds.of(1)).orElseThrow().state());
        assertEquals(new JobCounters(3, 1, 0, 0), campaigns.campaign("c1").orElseThrow().counters());
    }

    @Test
    void aCampaignClosedWithItsChangesetsSaysSo() {
        withJobs("c1", 1);
        withJobs("c2", 1);
        assertFalse(campaigns.closingChangesets("c1"));
        campaigns.closeCampaign("c1", T0);
        assertFalse(campaigns.closingChangesets("c1"), "closed, its changesets left open");
        campaigns.closeCampaignAndChangesets("c1", T0.plusSeconds(5));
        assertTrue(campaigns.closingChangesets("c1"), "a later close with its changesets");
        assertEquals(T0, campaigns.campaign("c1").orElseThrow().closedAt(), "the first close's time stays");
        campaigns.closeCampaignAndChangesets("c2", T0.plusSeconds(6));
        assertEquals(List.of(true, T0.plusSeconds(6)), List.of(campaigns.closingChangesets("c2"),
                campaigns.campaign("c2").orElseThrow().closedAt()));
        campaigns.closeCampaignAndChangesets("nope", T0);
        assertFalse(campaigns.closingChangesets("nope"));
    }

    @Test
    void trackedChangesetsJoinOncePagedInRepositoryOrderAndLeaveWithTheDeletedCampaign() {
        campaigns.createCampaign(campaign("c1", "alice", T0, 0), "d");
        campaigns.createCampaign(campaign("c2", "alice", T0, 0), "d");
        List<Changeset> found = new ArrayList<>();
        for (String repo : List.of("org/b", "org/a", "org/c")) {
            found.add(changesets.observe(PullRequests.status(repo, 1, PullRequestState.OPEN, T0, T0), T0, null));
        }
        for (Changeset c : found) {
            assertTrue(campaigns.addToCampaign("c1", c));
        }
        assertFalse(campaigns.addToCampaign("c1", found.get(0)), "already a member");
        assertFalse(campaigns.addToCampaign("nope", found.get(0)), "no campaign");
        assertTrue(campaigns.addToCampaign("c2", found.get(0)));
        assertEquals(3, campaigns.campaign("c1").orElseThrow().tracked());
        Page<String> first = campaigns.campaignChangesetIds("c1", 2, null, 3);
        assertEquals(List.of(found.get(1).id(), found.get(0).id()), first.nodes());
        assertEquals(3, first.totalCount());
        Page<String> second = campaigns.campaignChangesetIds("c1", 2, first.endCursor(), 3);
        assertEquals(List.of(found.get(2).id()), second.nodes());
        assertFalse(second.hasNextPage());
        assertThrows(InvalidCursorException.class, () -> campaigns.campaignChangesetIds("c1", 2, "%%%", 3));

        campaigns.closeCampaign("c1", T0.plusSeconds(60));
        campaigns.closeCampaign("c1", T0.plusSeconds(120));
        assertEquals(T0.plusSeconds(60), campaigns.campaign("c1").orElseThrow().closedAt(), "closed once");
        campaigns.closeCampaign("nope", T0);
        assertTrue(campaigns.campaign("nope").isEmpty(), "closing no campaign creates none");

        campaigns.deleteCampaign("c1");
        campaigns.deleteCampaign("c1");
        assertTrue(campaigns.campaign("c1").isEmpty());
        assertEquals(List.of(), campaigns.allCampaignChangesetIds("c1"));
        assertEquals(java.util.Set.of("c2"), changesets.changeset(found.get(0).id()).orElseThrow().campaignIds());
        assertEquals(java.util.Set.of(), changesets.changeset(found.get(1).id()).orElseThrow().campaignIds(),
                "the changeset stays, without the deleted campaign");
    }

    // ---- changesets --------------------------------------------------------------------------------------------

    @Test
    void observingRecordsTheCodeHostsTruthOrderedByReadTime() {
        Instant created = T0.minus(Duration.ofDays(2));
        Changeset first = changesets.observe(PullRequests.status("org/a", 3, PullRequestState.OPEN,
                ChangesetReviewState.APPROVED, ChangesetCheckState.PASSED, created, T0), T0, "c1");
        assertEquals(Changeset.idOf("org/a", "3"), first.id());
        assertEquals(List.of(ChangesetState.OPEN, ChangesetReviewState.APPROVED, ChangesetCheckState.PASSED, "c1",
                        List.of("label"), T0, created),
                List.of(first.state(), first.reviewState(), first.checkState(), first.ownerCampaignId(),
                        first.labels(), first.syncedAt(), first.createdAt()));
        assertEquals(3, changesets.events(first.id()).size(), "opened, approved, checks passed");

        Changeset older = changesets.observe(PullRequests.status("org/a", 3, PullRequestState.CLOSED, created,
                T0), T0.minusSeconds(1), null);
        assertEquals(ChangesetState.OPEN, older.state(), "an older read changes nothing");

        Changeset merged = changesets.observe(PullRequests.status("org/a", 3, PullRequestState.MERGED,
                ChangesetReviewState.APPROVED, null, created, T0.plusSeconds(30)), T0.plusSeconds(40), "c2");
        assertEquals(ChangesetState.MERGED, merged.state());
        assertNull(merged.checkState(), "no checks any more");
        assertEquals("c1", merged.ownerCampaignId(), "the first owner stays");
        List<ChangesetEvent> history = changesets.events(first.id());
        assertEquals(5, history.size());
        assertEquals(ChangesetEvent.Field.STATE, history.get(history.size() - 1).field());
        for (int i = 1; i < history.size(); i++) {
            assertFalse(history.get(i).at().isBefore(history.get(i - 1).at()), "history in time order");
        }

        changesets.markDeleted(first.id(), T0.plusSeconds(10));
        assertEquals(ChangesetState.MERGED, changesets.changeset(first.id()).orElseThrow().state(),
                "a deletion read before the last read changes nothing");
        changesets.markDeleted(first.id(), T0.plusSeconds(50));
        changesets.markDeleted(first.id(), T0.plusSeconds(60));
        assertEquals(ChangesetState.DELETED, changesets.changeset(first.id()).orElseThrow().state());
        assertEquals(6, changesets.events(first.id()).size(), "deleted once");
        changesets.markDeleted("nope", T0);
        assertTrue(changesets.changeset("nope").isEmpty());
    }

    @Test
    void changesetsAreReadInTheOrderAskedAndTheStalestFirst() {
        Changeset a = changesets.observe(PullRequests.status("org/a", 1, PullRequestState.OPEN, T0, T0),
                T0.plusSeconds(30), null);
        Changeset b = changesets.observe(PullRequests.status("org/b", 1, PullRequestState.OPEN, T0, T0),
                T0.plusSeconds(10), null);
        Changeset c = changesets.observe(PullRequests.status("org/c", 1, PullRequestState.OPEN, T0, T0),
                T0.plusSeconds(20), null);
        assertEquals(List.of(c.id(), a.id()), changesets.changesets(List.of(c.id(), "nope", a.id())).stream()
                .map(Changeset::id).toList());
        assertEquals(List.of(b.id(), c.id()), changesets.stalest(2));
        changesets.observe(PullRequests.status("org/b", 1, PullRequestState.OPEN, T0, T0), T0.plusSeconds(90), null);
        assertEquals(List.of(c.id(), a.id(), b.id()), changesets.stalest(10));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            many.add(i % 2 == 0 ? a.id() : "missing-" + i);
        }
        assertEquals(60, changesets.changesets(many).size(), "more than one batch; repeats kept, missing left out");
        assertEquals(List.of(), changesets.events("nope"));
    }

    @Test
    void concurrentReadsOfOnePullRequestLeaveTheLatestAndOneEventPerChange() throws Exception {
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int n = i;
                PullRequestState state = n % 2 == 0 ? PullRequestState.OPEN : PullRequestState.CLOSED;
                done.add(pool.submit(() -> changesets.observe(PullRequests.status("org/race", 1, state, T0,
                        T0.plusSeconds(n)), T0.plusSeconds(100 + n), null)));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Changeset last = changesets.changeset(Changeset.idOf("org/race", "1")).orElseThrow();
        assertEquals(T0.plusSeconds(100 + threads - 1), last.syncedAt(), "the latest read wins");
        assertEquals(ChangesetState.CLOSED, last.state());
        List<ChangesetEvent> history = changesets.events(last.id());
        for (int i = 1; i < history.size(); i++) {
            assertFalse(history.get(i).value().equals(history.get(i - 1).value())
                    && history.get(i).field() == history.get(i - 1).field(), "each event is a change: " + history);
        }
    }

    // ---- idempotency records -----------------------------------------------------------------------------------

    @Test
    void anOperationRunsOncePerKeyAndRepeatsGetItsAnswer() {
        TestClock clock = new TestClock(T0);
        AtomicInteger runs = new AtomicInteger();
        Idempotency idempotency = new Idempotency(records, clock, Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofMillis(300), millis -> clock.advance(Duration.ofMillis(millis)));
        assertEquals("1", idempotency.execute("k", "v", () -> Integer.toString(runs.incrementAndGet())));
        assertEquals("1", idempotency.execute("k", "v", () -> Integer.toString(runs.incrementAndGet())));
        assertThrows(IdempotencyKeyReusedException.class, () -> idempotency.execute("k", "other", () -> "x"));
        clock.advance(Duration.ofHours(2));
        assertEquals("2", idempotency.execute("k", "other", () -> Integer.toString(runs.incrementAndGet())),
                "an expired record is forgotten");
        assertThrows(IllegalStateException.class, () -> idempotency.execute("f", "v", () -> {
            throw new IllegalStateException("failed");
        }));
        assertEquals("ran", idempotency.execute("f", "v", () -> "ran"), "a failed operation may run again");
    }

    @Test
    void aRecordInProgressMakesOthersWaitBoundedlyUntilItIsStale() {
        TestClock clock = new TestClock(T0);
        AtomicInteger sleeps = new AtomicInteger();
        Idempotency idempotency = new Idempotency(records, clock, Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofMillis(300), millis -> sleeps.incrementAndGet());
        long now = clock.millis();
        assertNull(records.putInProgress(new IdempotencyRecords.IdempotencyRecord("k",
                IdempotencyRecords.IdempotencyRecord.Status.INPROGRESS, "v", null, now / 1000 + 3600, now + 30_000),
                now), "a caller that died while running");
        assertThrows(IdempotencyInProgressException.class, () -> idempotency.execute("k", "v", () -> "x"),
                "the clock stands still: the wait ends by its number of polls");
        assertEquals(3, sleeps.get());
        clock.advance(Duration.ofSeconds(31));
        assertEquals("taken over", idempotency.execute("k", "v", () -> "taken over"));
        assertEquals("taken over", idempotency.execute("k", "v", () -> "again"));
    }
}
