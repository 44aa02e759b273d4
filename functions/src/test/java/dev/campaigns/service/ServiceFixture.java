package dev.campaigns.service;

import dev.campaigns.blob.InMemoryBlobStore;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.git.BotIdentity;
import dev.campaigns.store.Idempotency;
import dev.campaigns.store.InMemoryRepositories;
import dev.campaigns.store.JobIds;
import dev.campaigns.testing.FakeCodeHost;
import dev.campaigns.testing.FakeGit;
import dev.campaigns.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The services wired on the in-memory repositories, a frozen clock, the fake git engine and code host: what
 * {@code handlers/Services} builds from AWS, built from twins. Small limits (pages of 2 jobs) so that paging shows.
 */
final class ServiceFixture {
    static final String OWNER = "alice";
    static final String TOKEN = "ghp_secret-token";
    static final String PATCH = "--- a/README\n+++ b/README\n@@ -1 +1 @@\n-old\n+new\n";

    final TestClock clock = TestClock.at("2026-03-04T05:06:07Z");
    final InMemoryRepositories repos = new InMemoryRepositories();
    final InMemoryBlobStore blobs = new InMemoryBlobStore();
    final FakeGit git = new FakeGit();
    final FakeCodeHost host = new FakeCodeHost(clock);
    final OnDemandCodeHostAccess access = new OnDemandCodeHostAccess(() -> new CodeHostAccess(host,
            new dev.campaigns.git.RemoteCredentials(TOKEN), new BotIdentity("campaign-bot", "bot@example.com")));
    final List<String> started = Collections.synchronizedList(new ArrayList<>());
    final List<Map<String, Object>> inputs = Collections.synchronizedList(new ArrayList<>());
    final List<CloseChangesetsRequest> closeQueue = Collections.synchronizedList(new ArrayList<>());
    final Limits limits = new Limits(20, 1000, 5000, 2, 10, 2000, 100);
    final Idempotency idempotency = new Idempotency(repos.idempotencyRecords(), clock, Duration.ofHours(24),
            Duration.ofSeconds(30), Duration.ofMillis(500), millis -> Thread.sleep(1));
    final BackgroundProcesses processes = (name, input) -> {
        started.add(name);
        inputs.add(input);
    };
    final CampaignPlanService plans = new CampaignPlanService(repos, blobs, git, access, processes, clock, limits,
            "github.com");
    final CampaignService campaigns = new CampaignService(repos, repos, idempotency, plans, processes, clock, limits);
    final ChangesetJobSteps steps = new ChangesetJobSteps(repos, repos, repos, blobs, git, access, limits, clock);
    final CampaignUpdate updates = new CampaignUpdate(repos, repos, repos, campaigns, plans, processes,
            () -> (request, delay) -> closeQueue.add(request), clock, limits);
    final ChangesetService changesets = new ChangesetService(repos, repos, campaigns, idempotency, access,
            () -> (request, delay) -> closeQueue.add(request), clock);

    static CampaignPlanService.PatchInput patch(String repository) {
        return new CampaignPlanService.PatchInput(repository, "abc1234", "main", PATCH);
    }

    /** A plan of one patch per repository, executed: every job checked (the base ref "main" exists in each). */
    CampaignPlan executedPlan(String... repositories) {
        Map<String, String> patches = new java.util.LinkedHashMap<>();
        for (String r : repositories) {
            patches.put(r, PATCH);
        }
        return executedPlan(patches);
    }

    /** A plan of these patches by repository, executed as {@link #executedPlan(String...)}. */
    CampaignPlan executedPlan(Map<String, String> patchByRepository) {
        String[] repositories = patchByRepository.keySet().toArray(String[]::new);
        List<CampaignPlanService.PatchInput> patches = new ArrayList<>();
        for (String r : repositories) {
            patches.add(new CampaignPlanService.PatchInput(r, "abc1234", "main", patchByRepository.get(r)));
            git.branches.computeIfAbsent(host.cloneUrl(r), k -> new java.util.concurrent.ConcurrentHashMap<>())
                    .put("main", "f".repeat(40));
        }
        CampaignPlan plan = plans.createCampaignPlanFromPatches(OWNER, patches);
        for (int i = 0; i < repositories.length; i++) {
            plans.executeCampaignJob(plan.id(), JobIds.of(i));
        }
        plans.finish(plan.id());
        return plans.campaignPlan(OWNER, plan.id());
    }

    Campaign campaign(CampaignPlan plan, String branch) {
        return campaigns.createCampaign(OWNER, new CampaignService.CreateCampaignInput("Fix READMEs", "Makes them new.",
                branch, plan.id(), false, null));
    }

    /** Runs every step of every pending job of every page, as the state machine does when nothing fails. */
    void runAllSteps(Campaign campaign, int execution) {
        int jobs = repos.plan(campaign.planId()).orElseThrow().counters().total();
        for (int page = 0; page * limits.pageSize() < jobs; page++) {
            for (ChangesetJob job : steps.preparePage(campaign.id(), page)) {
                runSteps(campaign.id(), job.jobId());
            }
        }
        steps.finish(campaign.id(), execution);
    }

    void runSteps(String campaignId, String jobId) {
        steps.commit(campaignId, jobId);
        steps.push(campaignId, jobId);
        steps.pullRequest(campaignId, jobId);
        steps.changeset(campaignId, jobId);
    }
}
