package dev.campaigns.service;

import static dev.campaigns.service.ServiceFixture.OWNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.PullRequest;
import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.BackgroundProcessStatus.State;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.JobState;
import dev.campaigns.store.JobIds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * publishChangesets (issue 16 item 2, "publishChangesets for some"): of a campaign created with {@code publish:
 * false}, only the named repositories' pull requests are opened; the rest stay unpublished until another
 * publishChangesets or publishCampaign. On the in-memory twins with the fake git engine and code host, a frozen
 * clock, and pages of 2 jobs (so a campaign of 3 spans two pages).
 */
class ChangesetPublicationTest {
    private static final List<String> REPOS = List.of("org/a", "org/b", "org/c");
    private final ServiceFixture f = new ServiceFixture();

    private Campaign unpublished(CampaignPlan plan) {
        return f.campaigns.createCampaign(OWNER, new CampaignService.CreateCampaignInput("Fix READMEs", "New.", "fix",
                plan.id(), false, null, false));
    }

    private List<String> starts() {
        return f.started.stream().filter(s -> s.startsWith("campaign-")).distinct().toList();
    }

    private BackgroundProcessStatus status(String id) {
        return f.campaigns.changesetCreationStatus(f.campaigns.campaign(OWNER, id));
    }

    /** The repositories with a pull request on the fake host, each as often as it has one. */
    private List<String> opened() {
        List<String> out = new ArrayList<>();
        for (String r : REPOS) {
            for (int n = 1; n <= f.host.count(); n++) {
                try {
                    f.host.pull(r, n);
                    out.add(r);
                } catch (RuntimeException notThere) {
                    // another repository's number
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    private List<String> pushedTo() {
        return f.git.calls.stream().filter(c -> c.startsWith("push") || c.startsWith("commit"))
                .map(c -> REPOS.stream().filter(c::contains).findFirst().orElse(c)).distinct().sorted().toList();
    }

    private void assertStatus(String id, State state, int completed, int pending, int unpublished) {
        BackgroundProcessStatus s = status(id);
        assertEquals(List.of(state, completed, pending, unpublished),
                List.of(s.state(), s.completedCount(), s.pendingCount(), s.unpublishedCount()), s.toString());
    }

    @Test
    void publishesOnlyTheNamedRepositoriesThenMoreThenTheRestEachOnce() {
        Campaign c = unpublished(f.executedPlan(REPOS.toArray(String[]::new)));
        assertStatus(c.id(), State.UNPUBLISHED, 0, 0, 3);

        Campaign one = f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/b"), null);
        assertTrue(one.published());
        assertEquals(List.of("campaign-" + c.id() + "-1"), starts());
        assertStatus(c.id(), State.PROCESSING, 0, 1, 2);
        f.runAllSteps(one, 1);
        assertEquals(List.of("org/b"), opened());
        assertEquals(List.of("org/b"), pushedTo(), "nothing committed or pushed for the others: " + f.git.calls);
        assertStatus(c.id(), State.COMPLETED, 1, 0, 2);
        assertEquals(JobState.COMPLETED, f.repos.changesetJob(c.id(), JobIds.of(1)).orElseThrow().state());
        assertTrue(f.repos.changesetJob(c.id(), JobIds.of(0)).isEmpty(), "no changeset job for an unpublished one");

        // a repeat (a lost answer), also spelled otherwise: nothing more
        Campaign again = f.campaigns.publishChangesets(OWNER, c.id(), List.of("ORG/B", "org/b"), null);
        assertEquals(1, again.executions());
        assertEquals(1, starts().size());
        assertEquals(List.of("org/b"), opened());
        // retry sees nothing failed and nothing processing: the unpublished jobs are not pending work
        assertEquals(1, f.campaigns.retryCampaign(OWNER, c.id()).executions());

        // one published already and one new: only the new one
        Campaign two = f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/b", "org/c"), null);
        assertEquals(2, two.executions());
        assertStatus(c.id(), State.PROCESSING, 1, 1, 1);
        f.runAllSteps(two, 2);
        assertEquals(List.of("org/b", "org/c"), opened());
        assertStatus(c.id(), State.COMPLETED, 2, 0, 1);

        // publishCampaign publishes the rest
        Campaign rest = f.campaigns.publishCampaign(OWNER, c.id(), null);
        assertEquals(3, rest.executions());
        assertEquals(List.of("campaign-" + c.id() + "-1", "campaign-" + c.id() + "-2", "campaign-" + c.id() + "-3"),
                starts());
        assertStatus(c.id(), State.PROCESSING, 2, 1, 0);
        f.runAllSteps(rest, 3);
        assertEquals(REPOS, opened(), "each repository's pull request once");
        assertStatus(c.id(), State.COMPLETED, 3, 0, 0);

        assertEquals(3, f.campaigns.publishCampaign(OWNER, c.id(), null).executions(), "then nothing more");
        assertEquals(3, f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/a"), null).executions());
        assertEquals(3, starts().size());
        assertEquals(REPOS, opened());
    }

    @Test
    void aBadNameAnEmptyListTooManyNamesAnErroredJobAreRefusedNamingThemAndChangeNothing() {
        List<CampaignPlanService.PatchInput> patches = List.of(ServiceFixture.patch("org/a"),
                ServiceFixture.patch("org/b"), ServiceFixture.patch("org/x"));
        for (String r : List.of("org/a", "org/b", "org/x")) {
            f.git.branches.computeIfAbsent(f.host.cloneUrl(r), k -> new java.util.concurrent.ConcurrentHashMap<>())
                    .put("main", "f".repeat(40));
        }
        CampaignPlan plan = f.plans.createCampaignPlanFromPatches(OWNER, patches);
        f.plans.executeCampaignJob(plan.id(), JobIds.of(0));
        f.plans.executeCampaignJob(plan.id(), JobIds.of(1));
        f.plans.recordFailure(plan.id(), JobIds.of(2), "the patch does not apply to README");
        f.plans.finish(plan.id());
        Campaign c = unpublished(f.plans.campaignPlan(OWNER, plan.id()));

        InvalidInputException unknown = assertThrows(InvalidInputException.class,
                () -> f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/a", "org/nope", "org/x"), null));
        assertTrue(unknown.getMessage().contains("not in the plan of campaign " + c.id() + ": org/nope"),
                unknown.getMessage());
        assertTrue(unknown.getMessage().contains("its plan job errored, so it has no changeset to publish: org/x"
                + " (the patch does not apply to README)"), unknown.getMessage());
        InvalidInputException empty = assertThrows(InvalidInputException.class,
                () -> f.campaigns.publishChangesets(OWNER, c.id(), List.of(), null));
        assertTrue(empty.getMessage().contains("name at least one repository"), empty.getMessage());
        InvalidInputException invalid = assertThrows(InvalidInputException.class,
                () -> f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/a", "not a repo"), null));
        assertTrue(invalid.getMessage().contains("not a repository name (OWNER/NAME or HOST/OWNER/NAME): not a repo"),
                invalid.getMessage());
        InvalidInputException many = assertThrows(InvalidInputException.class,
                () -> f.campaigns.publishChangesets(OWNER, c.id(),
                        IntStream.range(0, 100).mapToObj(i -> "org/r" + i).toList(), null));
        assertTrue(many.getMessage().contains("at most 99 repositories per publishChangesets, not 100"),
                many.getMessage());
        assertThrows(NotFoundException.class,
                () -> f.campaigns.publishChangesets("mallory", c.id(), List.of("org/a"), null));

        Campaign after = f.campaigns.campaign(OWNER, c.id());
        assertFalse(after.published(), "nothing published");
        assertEquals(0, after.executions());
        assertEquals(List.of(), starts());
        assertTrue(f.repos.changesetJobs(c.id(), 0, 3).isEmpty());
        assertStatus(c.id(), State.UNPUBLISHED, 0, 0, 2);

        f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/a"), null);
        f.runAllSteps(f.campaigns.campaign(OWNER, c.id()), 1);
        assertStatus(c.id(), State.COMPLETED, 1, 0, 1);
        f.repos.closeCampaign(c.id(), f.clock.instant());
        FailedPreconditionException closed = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/b"), null));
        assertTrue(closed.getMessage().contains("was closed at"), closed.getMessage());
        assertThrows(FailedPreconditionException.class, () -> f.campaigns.publishCampaign(OWNER, c.id(), null));
        assertEquals(1, f.campaigns.campaign(OWNER, c.id()).executions());
        assertStatus(c.id(), State.COMPLETED, 1, 0, 1);
    }

    @Test
    void morePublishingIsRefusedWhileProcessingButARepeatIsNot() {
        Campaign c = unpublished(f.executedPlan(REPOS.toArray(String[]::new)));
        f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/a"), null);

        FailedPreconditionException busy = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/c"), null));
        assertTrue(busy.getMessage().contains("is still processing (1 jobs pending); publish more once its changeset"
                + " creation has finished"), busy.getMessage());
        assertThrows(FailedPreconditionException.class, () -> f.campaigns.publishCampaign(OWNER, c.id(), null));
        assertEquals(1, f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/a"), null).executions(),
                "a repeat while it runs publishes nothing more");
        assertEquals(List.of("campaign-" + c.id() + "-1"), starts());
        assertStatus(c.id(), State.PROCESSING, 0, 1, 2);
    }

    @Test
    void aPublishThatDiedBeforeStartingItsExecutionDoesNotBlockLaterOnes() {
        Campaign c = unpublished(f.executedPlan(REPOS.toArray(String[]::new)));
        // an earlier call wrote its jobs and execution 1, then died before StartExecution
        assertEquals(1, f.repos.publishChangesetJobs(c.id(), 0, 2, List.of(new ChangesetJob(c.id(), JobIds.of(0),
                "org/a", "main", JobState.PENDING, null, false, 0, null, null, null, 0)), false));
        assertEquals(List.of(), starts());

        // another call for another repository: refused (processing), but it starts the dead call's execution
        FailedPreconditionException busy = assertThrows(FailedPreconditionException.class,
                () -> f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/c"), null));
        assertTrue(busy.getMessage().contains("still processing"), busy.getMessage());
        assertEquals(List.of("campaign-" + c.id() + "-1"), starts());
        f.runAllSteps(f.campaigns.campaign(OWNER, c.id()), 1);
        assertEquals(List.of("org/a"), opened());

        // once it has finished, the same call publishes
        Campaign more = f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/c"), null);
        assertEquals(2, more.executions());
        f.runAllSteps(more, 2);
        assertEquals(List.of("org/a", "org/c"), opened());
        assertStatus(c.id(), State.COMPLETED, 2, 0, 1);
    }

    @Test
    void concurrentPublishesOfTheSameRepositoryOpenItOnce() throws Exception {
        Campaign c = unpublished(f.executedPlan(REPOS.toArray(String[]::new)));
        int callers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Campaign>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/b"), null);
                }));
            }
            go.countDown();
            for (Future<Campaign> r : results) {
                assertEquals(1, r.get(30, TimeUnit.SECONDS).executions());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("campaign-" + c.id() + "-1"), starts());
        f.runAllSteps(f.campaigns.campaign(OWNER, c.id()), 1);
        assertEquals(List.of("org/b"), opened());
        assertStatus(c.id(), State.COMPLETED, 1, 0, 2);
    }

    @Test
    void theFirstPublishSetsDraftAndLaterOnesKeepIt() {
        Campaign c = unpublished(f.executedPlan(REPOS.toArray(String[]::new)));
        Campaign first = f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/a"), true);
        assertTrue(first.draft());
        f.runAllSteps(first, 1);

        InvalidInputException other = assertThrows(InvalidInputException.class,
                () -> f.campaigns.publishChangesets(OWNER, c.id(), List.of("org/b"), false));
        assertTrue(other.getMessage().contains("opens its pull requests as drafts, as its first publish set"),
                other.getMessage());
        assertThrows(InvalidInputException.class, () -> f.campaigns.publishCampaign(OWNER, c.id(), false));
        assertEquals(1, f.campaigns.campaign(OWNER, c.id()).executions(), "refused: nothing changed");

        Campaign rest = f.campaigns.publishCampaign(OWNER, c.id(), true);
        f.runAllSteps(rest, 2);
        assertEquals(REPOS, opened());
        for (long n = 1; n <= f.host.count(); n++) {
            long number = n;
            PullRequest pr = REPOS.stream().map(r -> {
                try {
                    return f.host.pull(r, number);
                } catch (RuntimeException notThere) {
                    return null;
                }
            }).filter(java.util.Objects::nonNull).findFirst().orElseThrow();
            assertTrue(pr.draft(), "every pull request a draft: #" + n);
        }
    }
}
