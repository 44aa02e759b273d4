package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.sfn.ExecutionDescription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * updateCampaign (issue 16 item 1) end to end, through the deployed schema and state machine, counted from the local
 * code host: an update with an unchanged, a changed, a removed and an added repository, and one branch with a foreign
 * commit on top of the campaign's. Exactly one pull request per repository, numbers kept, head commits moved only
 * where the diff changed, the foreign commit intact (that changeset errs, naming both commits), the removed
 * repository's pull request closed; a repeated update changes nothing more.
 */
class UpdateCampaignTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String BRANCH = "campaigns/upd";
    private static LocalCampaigns stack;
    private static CampaignsApi api;

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("update-test-token"));
        api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "alice"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static List<LocalPullRequest> pulls(String repository) {
        return stack.codeHost().pullRequests(repository).stream().filter(p -> p.headRef().equals(BRANCH)).toList();
    }

    private static LocalPullRequest onlyPull(String repository) {
        List<LocalPullRequest> pulls = pulls(repository);
        assertEquals(1, pulls.size(), repository + ": exactly one pull request, " + pulls);
        return pulls.get(0);
    }

    private static String tip(String repository) {
        return stack.codeHost().branchTip(repository, BRANCH).orElseThrow();
    }

    private static List<String> executionsOf(String campaignId) {
        String machine = stack.stepFunctions().listStateMachines().get(0).stateMachineArn();
        return stack.stepFunctions().listExecutions(machine, null).stream().map(ExecutionDescription::name)
                .filter(name -> name.startsWith("campaign-" + campaignId + "-")).sorted().toList();
    }

    @SuppressWarnings("unchecked")
    @Test
    void anUpdateMovesOnlyChangedBranchesKeepsNumbersAndNeverOverwritesAForeignCommit() throws Exception {
        List<String> c = CampaignFixtures.campaignWithPullRequests(stack, api, "upd", 4, Map.of(), TIMEOUT);
        String id = c.get(0);
        String same = c.get(1);
        String changed = c.get(2);
        String foreign = c.get(3);
        String gone = c.get(4);
        Map<String, Integer> numbers = new HashMap<>();
        Map<String, String> tips = new HashMap<>();
        for (String r : List.of(same, changed, foreign, gone)) {
            numbers.put(r, onlyPull(r).number());
            tips.put(r, tip(r));
        }
        String foreignCommit = stack.codeHost().commitFiles(foreign, BRANCH, Map.of("NOTES.md", "mine\n"),
                "A person's commit on the campaign's branch");

        String added = "upd/service-005";
        String addedBase = stack.codeHost().createRepository(added, SampleCampaign.files(5));
        List<Patch> next = new ArrayList<>();
        next.add(new Patch(same, stack.codeHost().branchTip(same, "main").orElseThrow(), "main",
                SampleCampaign.patch()));
        next.add(new Patch(changed, stack.codeHost().branchTip(changed, "main").orElseThrow(), "main",
                SampleCampaign.secondPatch()));
        next.add(new Patch(foreign, stack.codeHost().branchTip(foreign, "main").orElseThrow(), "main",
                SampleCampaign.secondPatch()));
        next.add(new Patch(added, addedBase, "main", SampleCampaign.patch()));
        String plan = api.createPlan(next);
        api.awaitPlan(plan, TIMEOUT);

        Map<String, Object> updated = api.updateCampaign(id, plan, "upd, take 2", null, null);
        assertEquals(2, ((Number) updated.get("generation")).intValue());
        Map<String, Object> done = api.awaitCampaign(id, TIMEOUT);
        Map<String, Object> status = CampaignsApi.status(done, "changesetCreationStatus");
        assertEquals("ERRORED", status.get("state"), status.toString());
        assertEquals(3, ((Number) status.get("completedCount")).intValue(), status.toString());
        List<String> errors = (List<String>) status.get("errors");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(foreign + ": ") && errors.get(0).contains(foreignCommit.substring(0, 12))
                && errors.get(0).contains(tips.get(foreign).substring(0, 12)), errors.get(0));

        // unchanged diff: the same head, the same pull request, renamed
        assertEquals(tips.get(same), tip(same));
        assertEquals(numbers.get(same), onlyPull(same).number());
        assertEquals("upd, take 2", onlyPull(same).title());
        // changed diff: a new head, the same pull request, renamed
        assertNotEquals(tips.get(changed), tip(changed));
        assertEquals(numbers.get(changed), onlyPull(changed).number());
        assertEquals(tip(changed), onlyPull(changed).headSha());
        assertEquals("upd, take 2", onlyPull(changed).title());
        // a foreign commit on top: intact
        assertEquals(foreignCommit, tip(foreign));
        assertEquals(numbers.get(foreign), onlyPull(foreign).number());
        // added: a new pull request
        assertEquals("open", onlyPull(added).state());
        // gone: its pull request closed in the background (the close queue), still one
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (!"closed".equals(onlyPull(gone).state()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertEquals("closed", onlyPull(gone).state());
        assertEquals(List.of("campaign-" + id + "-1", "campaign-" + id + "-2"), executionsOf(id));
        assertEquals(5, api.changesets(id).size(), "four of the first generation (one closed) and the added one");

        // the same update again: nothing more
        Map<String, Object> again = api.updateCampaign(id, plan, "upd, take 2", null, null);
        assertEquals(2, ((Number) again.get("generation")).intValue());
        assertEquals(List.of("campaign-" + id + "-1", "campaign-" + id + "-2"), executionsOf(id));
        for (String r : List.of(same, changed, foreign, gone, added)) {
            assertEquals(1, pulls(r).size(), r);
        }
        // a bad removedChangesets value is refused by the schema; an update of another's campaign is "not found"
        RuntimeException notFound = assertThrows(RuntimeException.class, () -> new CampaignsApi(
                new GraphQLClient(stack.graphqlUrl(), "mallory")).updateCampaign(id, plan, null, null, null));
        assertTrue(notFound.getMessage().contains("not found") || notFound.getMessage().contains("NotFound"),
                notFound.getMessage());
    }

    @Test
    void detachLeavesTheGoneRepositorysPullRequestOpenAndTakesItOutOfTheCampaign() {
        List<String> c = CampaignFixtures.campaignWithPullRequests(stack, api, "updetach", 2, Map.of(), TIMEOUT);
        String id = c.get(0);
        String kept = c.get(1);
        String gone = c.get(2);
        String plan = api.createPlan(List.of(new Patch(kept, stack.codeHost().branchTip(kept, "main").orElseThrow(),
                "main", SampleCampaign.secondPatch())));
        api.awaitPlan(plan, TIMEOUT);
        api.updateCampaign(id, plan, null, null, "DETACH");
        Map<String, Object> done = api.awaitCampaign(id, TIMEOUT);
        assertEquals("COMPLETED", CampaignsApi.status(done, "changesetCreationStatus").get("state"));
        List<Map<String, Object>> changesets = api.changesets(id);
        assertEquals(List.of(kept), changesets.stream().map(m -> m.get("repository")).toList(),
                "the gone repository's changeset left the campaign");
        List<LocalPullRequest> left = stack.codeHost().pullRequests(gone).stream()
                .filter(p -> p.headRef().equals("campaigns/updetach")).toList();
        assertEquals(1, left.size());
        assertEquals("open", left.get(0).state(), "detached, not closed");
        assertEquals("updetach", left.get(0).title(), "and not renamed");
    }
}
