package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHostKind;
import dev.campaigns.infra.codehost.GitHubAppSignInTest;
import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One campaign spanning code hosts, through the whole embedded stack: GitHub (the default host, {@code github.local};
 * repositories named OWNER/NAME), GitLab ({@code gitlab.local/OWNER/NAME}) and Bitbucket Server
 * ({@code bitbucket.local/PROJECT/NAME}) at once, each with its own secret in the template's {@code CodeHosts}.
 * Counted from each host: every pull or merge request opened exactly once; a person's review shows on a synced
 * changeset of each; a pull request a person closes reaches its changeset through that host's webhook (delivered to
 * the receiver's URL/host name); closing the campaign closes them on every host. A repository on a host that is not
 * configured errs its own job at plan time with a message naming the host; the others proceed. And a GitHub App
 * installed on two accounts runs one campaign across both installations, each repository with its own
 * installation's tokens.
 */
class MixedHostsEndToEndTest {
    private static final String TOKEN = "mixed-token-0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String BRANCH = "campaigns/mixed";
    private static final int PER_HOST = 2;

    @Test
    void oneCampaignSpansGitHubGitLabAndBitbucketServer() {
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(TOKEN)
                .withCodeHost(new LocalCodeHost.Options().users("alice"))
                .withOtherCodeHosts(List.of(
                        new LocalCampaigns.NamedCodeHost("gitlab.local",
                                new LocalCodeHost.Options().kind(CodeHostKind.GITLAB).users("alice")),
                        new LocalCampaigns.NamedCodeHost("bitbucket.local",
                                new LocalCodeHost.Options().kind(CodeHostKind.BITBUCKET_SERVER).users("alice")))))) {
            CampaignsApi api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "alice"));
            List<String> prefixes = List.of("", "gitlab.local/", "bitbucket.local/");
            List<LocalCodeHost> hosts = List.of(stack.codeHost(), stack.codeHost("gitlab.local"),
                    stack.codeHost("bitbucket.local"));
            List<Patch> patches = new ArrayList<>();
            int n = 0;
            for (int h = 0; h < hosts.size(); h++) {
                for (int i = 0; i < PER_HOST; i++) {
                    n++;
                    String onHost = "ACME/" + SampleCampaign.repository(n).split("/")[1];
                    patches.add(new Patch(prefixes.get(h) + onHost, hosts.get(h).createRepository(onHost,
                            SampleCampaign.files(n)), "main", SampleCampaign.patch()));
                }
            }
            patches.add(new Patch("gitlab.nowhere.example/ACME/lost", "0".repeat(40), "main",
                    SampleCampaign.patch()));
            String planId = api.createPlan(patches);
            Map<String, Object> planStatus = CampaignsApi.status(api.awaitPlan(planId, TIMEOUT), "status");
            assertEquals("ERRORED", planStatus.get("state"), String.valueOf(planStatus));
            assertEquals(patches.size() - 1, planStatus.get("completedCount"));
            @SuppressWarnings("unchecked")
            List<String> planErrors = (List<String>) planStatus.get("errors");
            assertEquals(1, planErrors.size(), String.valueOf(planErrors));
            assertTrue(planErrors.get(0).contains("code host gitlab.nowhere.example, which is not configured")
                    && planErrors.get(0).contains("github.local, gitlab.local, bitbucket.local"), planErrors.get(0));

            String id = (String) api.createCampaign(Map.of("name", "Across hosts", "branch", BRANCH, "plan", planId))
                    .get("id");
            Map<String, Object> status = CampaignsApi.status(api.awaitCampaign(id, TIMEOUT), "changesetCreationStatus");
            assertEquals("COMPLETED", status.get("state"), String.valueOf(status));
            assertEquals(3 * PER_HOST, status.get("completedCount"));

            // pull requests were paced per host and token: one bucket each
            List<String> buckets = stack.dynamo().scan(b -> b.tableName("PacingTable")).items().stream()
                    .map(i -> i.get("id").s()).filter(k -> k.startsWith("bucket#")).distinct().toList();
            assertEquals(3, buckets.size(), "one pacing bucket per host: " + buckets);

            List<String> creations = List.of("POST /repos/{owner}/{repo}/pulls", "POST /projects/{id}/merge_requests",
                    "POST /api/1.0/projects/{projectKey}/repos/{repositorySlug}/pull-requests");
            for (int h = 0; h < hosts.size(); h++) {
                LocalCodeHost host = hosts.get(h);
                assertEquals(PER_HOST, host.requestCount(creations.get(h)), "one creation per repository on "
                        + host.kind() + ": " + host.requestCounts());
                for (Patch p : patches.subList(h * PER_HOST, (h + 1) * PER_HOST)) {
                    String onHost = p.repository().substring(prefixes.get(h).length());
                    List<LocalPullRequest> prs = host.pullRequests(onHost);
                    assertEquals(1, prs.size(), "exactly one pull request in " + p.repository());
                    assertEquals("open", prs.get(0).state());
                    assertEquals(BRANCH, prs.get(0).headRef());
                }
            }

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> changesets = (List<Map<String, Object>>) ((Map<String, Object>) api.campaign(id,
                    100, null).get("changesets")).get("nodes");
            assertEquals(3 * PER_HOST, changesets.size());
            for (int h = 0; h < hosts.size(); h++) {
                String prefix = prefixes.get(h);
                List<Map<String, Object>> onThisHost = changesets.stream().filter(c -> {
                    String r = (String) c.get("repository");
                    return prefix.isEmpty() ? !r.contains(".local/") : r.startsWith(prefix);
                }).toList();
                assertEquals(PER_HOST, onThisHost.size(), "changesets named " + prefix + "OWNER/NAME: " + changesets);
                LocalCodeHost host = hosts.get(h);
                // a review on the host shows on its synced changeset
                Map<String, Object> first = onThisHost.get(0);
                String onHost = ((String) first.get("repository")).substring(prefix.length());
                int number = Integer.parseInt(String.valueOf(first.get("externalID")));
                host.reviewPullRequest(onHost, number, "alice", "APPROVED");
                @SuppressWarnings("unchecked")
                Map<String, Object> synced = (Map<String, Object>) api.client().data("mutation($id: ID!) {"
                        + " syncChangeset(changeset: $id) { id reviewState state } }", Map.of("id", first.get("id")))
                        .get("syncChangeset");
                assertEquals("APPROVED", synced.get("reviewState"), host.kind() + ": " + synced);
                // a person closes the other one: that host's webhook brings it to its changeset
                Map<String, Object> second = onThisHost.get(1);
                host.closePullRequest(((String) second.get("repository")).substring(prefix.length()),
                        Integer.parseInt(String.valueOf(second.get("externalID"))));
                stack.awaitChangesetEvents(TIMEOUT);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> after = (List<Map<String, Object>>) ((Map<String, Object>) api.campaign(id,
                        100, null).get("changesets")).get("nodes");
                assertEquals("CLOSED", after.stream().filter(c -> c.get("id").equals(second.get("id"))).findFirst()
                        .orElseThrow().get("state"), host.kind() + ": the webhook was received and acted on");
            }

            // the scheduled sync spends within every host's remaining requests (each host's secret read)
            assertTrue(stack.runSchedules().containsKey("SyncChangesetsFunction"));

            api.client().data("mutation($c: ID!) { closeCampaign(campaign: $c, closeChangesets: true) { id } }",
                    Map.of("c", id));
            stack.awaitChangesetEvents(TIMEOUT);
            for (int h = 0; h < hosts.size(); h++) {
                for (Patch p : patches.subList(h * PER_HOST, (h + 1) * PER_HOST)) {
                    String onHost = p.repository().substring(prefixes.get(h).length());
                    assertEquals("closed", hosts.get(h).pullRequests(onHost).get(0).state(), p.repository());
                }
            }
        }
    }

    @Test
    void aGitHubAppInstalledOnTwoAccountsRunsOneCampaignWithEachInstallationsTokens() {
        KeyPair keys = GitHubAppSignInTest.KEYS;
        String secret = "{\"appId\":\"42\",\"privateKey\":\"" + GitHubAppSignInTest.pkcs1Pem(keys).replace("\n", "\\n")
                + "\"}";
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(secret)
                .withCodeHost(new LocalCodeHost.Options().githubApp("42", "77", keys.getPublic())
                        .githubAppInstallation("other", "88")))) {
            LocalCodeHost host = stack.codeHost();
            CampaignsApi api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "alice"));
            List<Patch> patches = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                String repo = (i <= 2 ? "acme/" : "other/") + SampleCampaign.repository(i).split("/")[1];
                patches.add(new Patch(repo, host.createRepository(repo, SampleCampaign.files(i)), "main",
                        SampleCampaign.patch()));
            }
            String planId = api.createPlan(patches);
            assertEquals("COMPLETED", CampaignsApi.status(api.awaitPlan(planId, TIMEOUT), "status").get("state"));
            String id = (String) api.createCampaign(Map.of("name", "Two installations", "branch", BRANCH, "plan",
                    planId)).get("id");
            Map<String, Object> status = CampaignsApi.status(api.awaitCampaign(id, TIMEOUT), "changesetCreationStatus");
            assertEquals("COMPLETED", status.get("state"), String.valueOf(status));
            for (Patch p : patches) {
                assertEquals(1, host.pullRequests(p.repository()).size(), p.repository());
            }
            assertTrue(host.installationTokensIssued("77") >= 1, "installation 77 (acme) signed in");
            assertTrue(host.installationTokensIssued("88") >= 1, "installation 88 (other) signed in");
            long lookups = host.requestCount("GET /repos/{owner}/{repo}/installation");
            // one lookup per owner in each function that reaches the host (cached per owner for the container's life)
            assertTrue(lookups >= 2 && lookups <= 20,
                    "installation lookups: " + lookups);
        }
    }
}
