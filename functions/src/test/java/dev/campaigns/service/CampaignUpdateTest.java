package dev.campaigns.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.JobState;
import dev.campaigns.store.JobIds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * updateCampaign (issue 16) on the in-memory twins with the fake git engine and code host: an update is a new
 * generation of changeset jobs, each repository starting from its earlier job (same diff: nothing sent; new diff: a new
 * commit pushed with a lease; new repository: a new changeset; gone: closed or detached).
 */
class CampaignUpdateTest {
    static final String PATCH2 = "--- a/README\n+++ b/README\n@@ -1 +1 @@\n-old\n+newer\n";
    final ServiceFixture f = new ServiceFixture();

    private Map<String, String> patches(Object... repoAndPatch) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < repoAndPatch.length; i += 2) {
            m.put((String) repoAndPatch[i], (String) repoAndPatch[i + 1]);
        }
        return m;
    }

    /** Runs every pending job as the state machine does, a failed step recorded as the job's error. */
    private void runGeneration(Campaign campaign, int execution) {
        int jobs = f.repos.plan(campaign.planId()).orElseThrow().counters().total();
        for (int page = 0; page * f.limits.pageSize() < jobs; page++) {
            for (ChangesetJob job : f.steps.preparePage(campaign.id(), page)) {
                try {
                    f.runSteps(campaign.id(), job.jobId());
                } catch (RuntimeException e) {
                    f.steps.recordFailure(campaign.id(), job.jobId(), e.getMessage());
                }
            }
        }
        f.steps.finish(campaign.id(), execution);
    }

    private String branchAt(String repository, String branch) {
        return f.git.branches.getOrDefault(f.host.cloneUrl(repository), Map.of()).get(branch);
    }

    private PullRequest pullOf(String repository) {
        List<PullRequest> pulls = f.host.pullRequests().stream().filter(p -> p.repository().equals(repository)).toList();
        assertEquals(1, pulls.size(), "exactly one pull request in " + repository + ": " + pulls);
        return pulls.get(0);
    }

    private Campaign update(Campaign c, CampaignPlan plan, String name, String removed) {
        return f.updates.update(ServiceFixture.OWNER, new CampaignUpdate.UpdateCampaignInput(c.id(), plan.id(), name,
                null, removed));
    }

    @Test
    void updateWithSameChangedAddedRemovedAndForeignCommitKeepsOnePullRequestPerRepository() {
        CampaignPlan first = f.executedPlan(patches("acme/same", ServiceFixture.PATCH, "acme/changed",
                ServiceFixture.PATCH, "acme/foreign", ServiceFixture.PATCH, "acme/gone", ServiceFixture.PATCH));
        Campaign c = f.campaign(first, "fix-readme");
        runGeneration(c, 1);
        Map<String, Long> numbers = new LinkedHashMap<>();
        Map<String, String> heads = new LinkedHashMap<>();
        for (String r : List.of("acme/same", "acme/changed", "acme/foreign", "acme/gone")) {
            numbers.put(r, pullOf(r).number());
            heads.put(r, branchAt(r, "fix-readme"));
        }
        String foreign = "e".repeat(40);
        f.git.branches.get(f.host.cloneUrl("acme/foreign")).put("fix-readme", foreign); // someone pushed on top
        long commitsBefore = f.git.count("commit ");

        CampaignPlan second = f.executedPlan(patches("acme/same", ServiceFixture.PATCH, "acme/changed", PATCH2,
                "acme/foreign", PATCH2, "acme/added", PATCH2));
        Campaign updated = update(c, second, "Fix READMEs, take 2", null);
        assertEquals(2, updated.generation());
        assertEquals(second.id(), updated.planId());
        assertEquals(first.id(), updated.previousPlanId());
        assertEquals(4, updated.counters().total());
        assertEquals(4, updated.counters().pending());
        assertEquals(BackgroundProcessStatus.State.PROCESSING, f.campaigns.changesetCreationStatus(updated).state());
        assertEquals("campaign-" + c.id() + "-2", f.started.get(f.started.size() - 1));
        // the gone repository's changeset is queued to be closed (the campaign's own open pull request)
        String goneChangeset = f.repos.changesetJob(c.id(), JobIds.of(3)).orElseThrow().changesetId();
        assertEquals(List.of(goneChangeset), f.closeQueue.stream().flatMap(r -> r.changesetIds().stream()).toList());

        runGeneration(updated, 2);
        Campaign done = f.campaigns.campaign(ServiceFixture.OWNER, c.id());
        assertEquals(3, done.counters().completed(), f.campaigns.changesetCreationStatus(done).toString());
        assertEquals(1, done.counters().errored());
        // same diff: nothing committed or pushed, the pull request renamed
        assertEquals(heads.get("acme/same"), branchAt("acme/same", "fix-readme"));
        assertEquals(numbers.get("acme/same"), pullOf("acme/same").number());
        assertEquals("Fix READMEs, take 2", pullOf("acme/same").title());
        // new diff: a new commit, the branch moved from the campaign's commit, the same pull request renamed
        assertNotEquals(heads.get("acme/changed"), branchAt("acme/changed", "fix-readme"));
        assertEquals(numbers.get("acme/changed"), pullOf("acme/changed").number());
        assertEquals("Fix READMEs, take 2", pullOf("acme/changed").title());
        // a foreign commit on the branch: left intact, the job errs naming the branch's and the expected commits
        assertEquals(foreign, branchAt("acme/foreign", "fix-readme"));
        String error = f.campaigns.changesetCreationStatus(done).errors().get(0);
        assertTrue(error.startsWith("acme/foreign: "), error);
        // (errors show commits by their first 12 characters)
        assertTrue(error.contains(foreign.substring(0, 12)) && error.contains(heads.get("acme/foreign").substring(0, 12)),
                error);
        // added: a new pull request
        assertEquals(PullRequestState.OPEN, pullOf("acme/added").state());
        assertEquals(5, f.host.count(), "one pull request per repository, none duplicated");
        // commits of generation 2: the changed, foreign and added repositories (not the one with the same diff)
        assertEquals(3, f.git.count("commit ") - commitsBefore);
        // the changesets: 4 of generation 1 (gone one closed later, foreign one kept) + the added one
        assertEquals(5, done.changesetCount());
        assertEquals(5, f.repos.allCampaignChangesetIds(c.id()).size());
    }

    @Test
    void detachTakesTheGoneRepositorysChangesetOutOfTheCampaignWithoutClosingIt() {
        Campaign c = f.campaign(f.executedPlan("acme/a", "acme/b"), "fix-readme");
        runGeneration(c, 1);
        Campaign updated = update(c, f.executedPlan("acme/a"), null, "DETACH");
        runGeneration(updated, 2);
        Campaign done = f.campaigns.campaign(ServiceFixture.OWNER, c.id());
        assertTrue(f.closeQueue.isEmpty());
        assertEquals(1, done.changesetCount());
        assertEquals(1, f.repos.allCampaignChangesetIds(c.id()).size());
        assertEquals(PullRequestState.OPEN, pullOf("acme/b").state());
    }

    @Test
    void aRepeatedUpdateChangesNothingMoreAndARunningCampaignIsRefused() {
        Campaign c = f.campaign(f.executedPlan("acme/a", "acme/b"), "fix-readme");
        CampaignPlan next = f.executedPlan(patches("acme/a", PATCH2));
        FailedPreconditionException running = assertThrows(FailedPreconditionException.class,
                () -> update(c, next, null, null));
        assertTrue(running.getMessage().contains("still processing"), running.getMessage());
        assertEquals(1, f.campaigns.campaign(ServiceFixture.OWNER, c.id()).generation());

        runGeneration(c, 1);
        Campaign once = update(c, next, null, null);
        Campaign twice = update(once, next, null, null);
        assertEquals(2, twice.generation());
        assertEquals(List.of("campaign-" + c.id() + "-1", "campaign-" + c.id() + "-2", "campaign-" + c.id() + "-2"),
                f.started.stream().filter(n -> n.startsWith("campaign-")).toList(), "the repeat starts the same execution name, which Step Functions starts once");
        runGeneration(twice, 2);
        runGeneration(twice, 2); // the workflow may run again: nothing more happens
        assertEquals(1, f.campaigns.campaign(ServiceFixture.OWNER, c.id()).counters().completed());
        assertEquals(2, f.host.count());
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        Campaign c = f.campaign(f.executedPlan("acme/a"), "fix-readme");
        runGeneration(c, 1);
        CampaignPlan next = f.executedPlan(patches("acme/a", PATCH2));
        InvalidInputException removed = assertThrows(InvalidInputException.class,
                () -> update(c, next, null, "ARCHIVE"));
        assertTrue(removed.getMessage().contains("removedChangesets must be CLOSE or DETACH, not ARCHIVE"));
        assertThrows(NotFoundException.class, () -> f.updates.update("mallory",
                new CampaignUpdate.UpdateCampaignInput(c.id(), next.id(), null, null, null)));
        f.repos.closeCampaign(c.id(), f.clock.instant());
        FailedPreconditionException closed = assertThrows(FailedPreconditionException.class,
                () -> update(c, next, null, null));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        Campaign after = f.campaigns.campaign(ServiceFixture.OWNER, c.id());
        assertEquals(1, after.generation());
        assertFalse(f.started.contains("campaign-" + c.id() + "-2"));
    }

    @Test
    void aJobTheUpdatesExecutionNeverReachedIsPlannedWithItsLeaseAndChangeset() {
        Campaign c = f.campaign(f.executedPlan("acme/a", "acme/b", "acme/c"), "fix-readme");
        runGeneration(c, 1);
        String before = branchAt("acme/c", "fix-readme");
        String changeset = f.repos.changesetJob(c.id(), JobIds.of(2)).orElseThrow().changesetId();
        Campaign updated = update(c, f.executedPlan(patches("acme/a", PATCH2, "acme/b", PATCH2, "acme/c", PATCH2)),
                null, null);
        // what the cancel records (CANCELLED) for a job the execution never reached, and a retry resumes
        ChangesetJob unreached = new ChangesetJobPlanner(f.repos, f.repos, f.repos)
                .plan(updated, f.repos.campaignJob(updated.planId(), JobIds.of(2)).orElseThrow()).orElseThrow();
        assertEquals(JobIds.changesetJob(2, 2), unreached.jobId());
        assertEquals(before, unreached.expectedOldSha(), "the lease: the campaign's commit of generation 1");
        assertEquals(changeset, unreached.changesetId(), "carries the campaign's changeset");
        assertEquals(null, unreached.commitSha(), "a new diff: a new commit to make");
        assertEquals(JobState.PENDING, unreached.state());
    }
}
