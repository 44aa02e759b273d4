package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHostKind;
import dev.campaigns.infra.codehost.Fault;
import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same campaign, unchanged, on each kind of code host (GitHub, GitLab, Bitbucket Server), through the whole
 * embedded stack: GraphQL → state machine → commit, push (git smart HTTP) → pull request / merge request through that
 * host's own API → changeset. One repository's pull request is refused until the cause is gone; the retry completes
 * it and duplicates nothing; a person's approval and a CI result show on a synced changeset; a pull request a
 * person closes on the host reaches its changeset through that host's webhook; closing the campaign closes
 * (declines) its pull requests on the host.
 */
class CodeHostsEndToEndTest {
    private static final String TOKEN = "host-token-0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int REPOSITORIES = 5;
    private static final String BRANCH = "campaigns/upgrade-actions";

    @ParameterizedTest
    @EnumSource(CodeHostKind.class)
    void oneCampaignRunsTheSameOnEveryHost(CodeHostKind kind) {
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(TOKEN)
                .withCodeHost(new LocalCodeHost.Options().kind(kind).users("alice")))) {
            LocalCodeHost host = stack.codeHost();
            assertEquals(kind, host.kind());
            CampaignsApi api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "alice"));
            GraphQLClient graphql = api.client();
            List<Patch> patches = new ArrayList<>();
            for (int i = 1; i <= REPOSITORIES; i++) {
                String repo = "ACME/" + SampleCampaign.repository(i).split("/")[1];
                patches.add(new Patch(repo, host.createRepository(repo, SampleCampaign.files(i)), "main",
                        SampleCampaign.patch()));
            }
            String planId = api.createPlan(patches);
            assertEquals("COMPLETED", CampaignsApi.status(api.awaitPlan(planId, TIMEOUT), "status").get("state"));

            String refused = patches.get(2).repository();
            host.faults().add(Fault.on("POST", host.pullRequestCreationPath(refused)).status(403,
                    kind == CodeHostKind.BITBUCKET_SERVER
                            ? "{\"errors\":[{\"message\":\"You are not permitted to access this resource\"}]}"
                            : "{\"message\":\"403 Forbidden - not permitted\"}", Map.of()));
            String id = (String) api.createCampaign(Map.of("name", "Upgrade on " + kind.id(), "branch", BRANCH,
                    "plan", planId)).get("id");
            Map<String, Object> status = CampaignsApi.status(api.awaitCampaign(id, TIMEOUT), "changesetCreationStatus");
            assertEquals("ERRORED", status.get("state"));
            assertEquals(REPOSITORIES - 1, status.get("completedCount"));
            @SuppressWarnings("unchecked")
            List<String> errors = (List<String>) status.get("errors");
            assertEquals(1, errors.size());
            assertTrue(errors.get(0).startsWith(refused + ": ") && errors.get(0).contains("403")
                    && errors.get(0).contains("not permitted"), errors.get(0));
            Map<String, String> tips = new HashMap<>();
            patches.forEach(p -> tips.put(p.repository(), host.branchTip(p.repository(), BRANCH).orElseThrow()));

            host.faults().clear();
            api.retryCampaign(id);
            assertEquals(Map.of("state", "COMPLETED", "completedCount", REPOSITORIES, "pendingCount", 0,
                    "errors", List.of(), "unpublishedCount", 0), CampaignsApi.status(api.awaitCampaign(id, TIMEOUT),
                    "changesetCreationStatus"));
            for (Patch p : patches) {
                List<LocalPullRequest> prs = host.pullRequests(p.repository());
                assertEquals(1, prs.size(), "exactly one pull request in " + p.repository());
                assertEquals("open", prs.get(0).state());
                assertEquals(BRANCH, prs.get(0).headRef());
                assertEquals(tips.get(p.repository()), host.branchTip(p.repository(), BRANCH).orElseThrow(),
                        "no second commit");
            }

            String created = switch (kind) {
                case GITHUB -> "POST /repos/{owner}/{repo}/pulls";
                case GITLAB -> "POST /projects/{id}/merge_requests";
                case BITBUCKET_SERVER -> "POST /api/1.0/projects/{projectKey}/repos/{repositorySlug}/pull-requests";
            };
            assertEquals(REPOSITORIES + 1, host.requestCount(created), "one creation each, and the refused one again: "
                    + host.requestCounts());

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> changesets = (List<Map<String, Object>>) ((Map<String, Object>) api.campaign(id,
                    100, null).get("changesets")).get("nodes");
            assertEquals(REPOSITORIES, changesets.size());
            String urlShape = switch (kind) {
                case GITHUB -> "/pull/";
                case GITLAB -> "/-/merge_requests/";
                case BITBUCKET_SERVER -> "/pull-requests/";
            };
            for (Map<String, Object> c : changesets) {
                assertEquals("OPEN", c.get("state"));
                assertEquals(tips.get((String) c.get("repository")), c.get("headCommit"));
                assertTrue(String.valueOf(c.get("externalURL")).contains(urlShape), String.valueOf(c.get("externalURL")));
            }

            // A person approves one pull request and CI passes on it; the synced changeset shows both.
            Map<String, Object> first = changesets.get(0);
            String repo = (String) first.get("repository");
            int number = Integer.parseInt(String.valueOf(first.get("externalID")));
            host.reviewPullRequest(repo, number, "alice", "APPROVED");
            host.setCheck(repo, number, "ci", "completed", "success");
            @SuppressWarnings("unchecked")
            Map<String, Object> synced = (Map<String, Object>) graphql.data("mutation($id: ID!) { syncChangeset("
                    + "changeset: $id) { id reviewState checkState state } }", Map.of("id", first.get("id")))
                    .get("syncChangeset");
            assertEquals("APPROVED", synced.get("reviewState"));
            assertEquals("PASSED", synced.get("checkState"));

            // A person closes another one on the host: the host's webhook (signed or tokened as that host does)
            // reaches the receiver, and the changeset follows without a sync.
            Map<String, Object> second = changesets.get(1);
            host.closePullRequest((String) second.get("repository"),
                    Integer.parseInt(String.valueOf(second.get("externalID"))));
            stack.awaitChangesetEvents(TIMEOUT);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> after = (List<Map<String, Object>>) ((Map<String, Object>) api.campaign(id,
                    100, null).get("changesets")).get("nodes");
            assertEquals("CLOSED", after.stream().filter(c -> c.get("id").equals(second.get("id"))).findFirst()
                    .orElseThrow().get("state"), "the webhook was received and acted on");
            assertTrue(host.webhooks().deliveries().size() >= REPOSITORIES, "deliveries: "
                    + host.webhooks().deliveries().size());

            graphql.data("mutation($c: ID!) { closeCampaign(campaign: $c, closeChangesets: true) { id closedAt } }",
                    Map.of("c", id));
            stack.awaitChangesetEvents(TIMEOUT);
            for (Patch p : patches) {
                assertEquals("closed", host.pullRequests(p.repository()).get(0).state(), p.repository());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aGitHubAppInstallationRunsTheCampaignWithTokensItMints() {
        java.security.KeyPair keys = dev.campaigns.infra.codehost.GitHubAppSignInTest.KEYS;
        String secret = dev.campaigns.infra.codehost.GitHubAppSignInTest.secret("42", "77",
                dev.campaigns.infra.codehost.GitHubAppSignInTest.pkcs1Pem(keys));
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(secret)
                .withCodeHost(new LocalCodeHost.Options().githubApp("42", "77", keys.getPublic())))) {
            LocalCodeHost host = stack.codeHost();
            CampaignsApi api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "alice"));
            List<Patch> patches = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                String repo = "app/" + SampleCampaign.repository(i).split("/")[1];
                patches.add(new Patch(repo, host.createRepository(repo, SampleCampaign.files(i)), "main",
                        SampleCampaign.patch()));
            }
            String planId = api.createPlan(patches);
            api.awaitPlan(planId, TIMEOUT);
            String id = (String) api.createCampaign(Map.of("name", "As an App", "branch", BRANCH, "plan", planId))
                    .get("id");
            Map<String, Object> status = CampaignsApi.status(api.awaitCampaign(id, TIMEOUT), "changesetCreationStatus");
            assertEquals("COMPLETED", status.get("state"), String.valueOf(status));
            for (Patch p : patches) {
                assertEquals(1, host.pullRequests(p.repository()).size());
            }
            assertTrue(host.installationTokensIssued() >= 1, "the functions signed in as the App");
            assertEquals(0, host.requestCount("GET /user"), "no token lookups beyond the mint");
        }
    }
}
