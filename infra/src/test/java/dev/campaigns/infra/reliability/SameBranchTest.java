package dev.campaigns.infra.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.chaos.CampaignAudit;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.infra.codehost.LocalPullRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;

/**
 * Two campaigns that name the same branch in the same repositories, started at once, never overwrite each other's
 * branch: in each repository the first push creates the branch, and the other campaign's job ends with a clear
 * per-job error (the branch is at another commit; refusing to overwrite it). Its other repositories are unaffected.
 * This is the documented behaviour (docs/reliability.md): no distinct branch is invented, because the branch name
 * is the user's.
 */
class SameBranchTest {
    private static final String BRANCH = "campaigns/contested";
    private static final java.util.Map<dev.campaigns.codehost.CodeHostKind, LocalCampaigns> STACKS =
            new java.util.EnumMap<>(dev.campaigns.codehost.CodeHostKind.class);
    private LocalCampaigns stack;
    private CampaignsApi api;

    /** One stack per code host, shared by this class's tests on that host. */
    private void on(dev.campaigns.codehost.CodeHostKind kind) {
        stack = STACKS.computeIfAbsent(kind, k -> LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_sameBranch0123456789")
                .withCodeHost(new dev.campaigns.infra.codehost.LocalCodeHost.Options().kind(k))));
        api = ReliabilityStack.api(stack, "twins");
    }

    @AfterAll
    static void stop() {
        STACKS.values().forEach(LocalCampaigns::close);
        STACKS.clear();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(dev.campaigns.codehost.CodeHostKind.class)
    void twoCampaignsOnOneBranchNeverOverwriteEachOther(dev.campaigns.codehost.CodeHostKind kind) throws Exception {
        on(kind);
        List<Patch> patches = ReliabilityStack.repositories(stack, "contested", 6);
        String planId = ReliabilityStack.executedPlan(api, patches);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> calls = new ArrayList<>();
        for (String name : List.of("First", "Second")) {
            calls.add(pool.submit(() -> {
                go.await();
                return (String) api.createCampaign(Map.of("name", name, "branch", BRANCH, "plan", planId)).get("id");
            }));
        }
        go.countDown();
        List<String> ids = new ArrayList<>();
        for (Future<String> call : calls) {
            ids.add(call.get());
        }
        pool.shutdown();
        List<Map<String, Object>> statuses = new ArrayList<>();
        for (String id : ids) {
            statuses.add(ReliabilityStack.awaitStatus(api, id));
        }
        List<String> repositories = patches.stream().map(Patch::repository).toList();
        int completed = 0;
        for (int c = 0; c < 2; c++) {
            Map<String, Object> status = statuses.get(c);
            completed += (Integer) status.get("completedCount");
            @SuppressWarnings("unchecked")
            List<String> errors = (List<String>) status.get("errors");
            for (String error : errors) {
                assertTrue(error.contains("branch " + BRANCH + " is at ") && error.contains("refusing to overwrite it"),
                        error);
            }
            assertEquals(repositories.size(), (Integer) status.get("completedCount") + errors.size(), status::toString);
        }
        assertEquals(repositories.size(), completed, "each repository's branch belongs to exactly one campaign");
        for (String repo : repositories) {
            List<LocalPullRequest> prs = stack.codeHost().pullRequests(repo);
            assertEquals(1, prs.size(), repo);
            String tip = stack.codeHost().branchTip(repo, BRANCH).orElseThrow();
            int owners = 0;
            for (String id : ids) {
                var item = ReliabilityStack.changesetItem(stack, id, repo);
                if (item != null) {
                    owners++;
                    assertEquals(tip, item.get("headCommit").s(), "the branch holds its owner's commit");
                }
            }
            assertEquals(1, owners, repo + " has one changeset across both campaigns");
        }
        for (String id : ids) {
            CampaignAudit audit = CampaignAudit.of(stack.dynamo(), "CampaignsTable", stack.codeHost(), id, BRANCH, List.of());
            assertEquals(0, audit.miscounted(), audit.problems()::toString);
            assertEquals(0, audit.pending());
        }
    }
}
