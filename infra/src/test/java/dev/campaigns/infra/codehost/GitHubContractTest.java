package dev.campaigns.infra.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.codehost.github.GitHubCodeHost;
import dev.campaigns.codehost.github.GitHubConfig;
import dev.campaigns.domain.ChangesetCheckState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every REST answer of the local code host, checked against GitHub's own published description of api.github.com
 * ({@code @octokit/openapi}, see {@link GitHubDescriptions}): each exchange is matched to its documented operation
 * and status code and its body validated against the documented schema. The requests come from the product's own
 * client ({@link GitHubCodeHost} over github-api) and from plain HTTP for what the client never sends (errors,
 * anonymous calls, merges, check runs and statuses written by CI). The test fails on any invalid answer, any route
 * of the host that GitHub does not document, and any route no exchange reached.
 */
class GitHubContractTest {

    static final String TOKEN = "ghp_contract0123456789TOKEN";
    static final String READ_TOKEN = "ghp_contractRead0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    static GitHubDescriptions.Rest rest;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<LocalCodeHost.Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
    LocalCodeHost host;

    /** Per test, so that without npm each test is reported skipped, with the reason. */
    @BeforeEach
    void description() {
        synchronized (GitHubContractTest.class) {
            if (rest == null) {
                rest = new GitHubDescriptions.Rest();
                System.out.println("GitHub REST description: OpenAPI " + rest.openapiVersion());
            }
        }
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    LocalCodeHost start(LocalCodeHost.Options options) {
        host = LocalCodeHost.start(options.token(TOKEN, LocalCodeHost.Access.WRITE)
                .token(READ_TOKEN, LocalCodeHost.Access.READ).users("alice", "bob"));
        host.onExchange(exchanges::add);
        return host;
    }

    @Test
    void everyRouteIsADocumentedGitHubOperation() {
        start(new LocalCodeHost.Options());
        List<String> undocumented = new ArrayList<>();
        for (String route : host.apiRoutes()) {
            String method = route.substring(0, route.indexOf(' '));
            if (rest.documented(method, route.substring(route.indexOf(' ') + 1)) == null) {
                undocumented.add(route);
            }
        }
        assertEquals(List.of(), undocumented);
        assertTrue(host.apiRoutes().size() >= 28, host.apiRoutes().toString());
    }

    @Test
    void theCheckRefusesWhatGitHubDoesNotDocument() throws Exception {
        start(new LocalCodeHost.Options());
        host.createRepository("acme/app", Map.of("a", "1"));
        String good = send("GET", "/repos/acme/app", TOKEN, null, 200).body();
        String route = "/repos/{owner}/{repo}";
        assertEquals(List.of(), rest.check("GET", route, 200, "application/json", good));

        com.fasterxml.jackson.databind.node.ObjectNode missing = (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree(good);
        missing.remove("pulls_url");
        assertProblem(rest.check("GET", route, 200, "application/json", missing.toString()), "pulls_url");
        com.fasterxml.jackson.databind.node.ObjectNode wrongType = (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree(good);
        wrongType.put("private", "yes");
        assertProblem(rest.check("GET", route, 200, "application/json", wrongType.toString()), "private");
        com.fasterxml.jackson.databind.node.ObjectNode badDate = (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree(good);
        badDate.put("created_at", "yesterday");
        assertProblem(rest.check("GET", route, 200, "application/json", badDate.toString()), "created_at");
        com.fasterxml.jackson.databind.node.ObjectNode nullOwner = (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree(good);
        nullOwner.putNull("owner");
        assertProblem(rest.check("GET", route, 200, "application/json", nullOwner.toString()), "owner");
        assertProblem(rest.check("GET", route, 418, "application/json", good), "not documented");
        assertProblem(rest.check("GET", route, 200, "text/html", good), "content type");
        assertProblem(rest.check("GET", "/repos/{owner}/{repo}/wiki", 200, "application/json", good),
                "not a documented operation");
        assertProblem(rest.check("GET", route, 404, "application/json", "{\"message\":404}"), "message");
    }

    private static void assertProblem(List<String> problems, String mentioning) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(mentioning)), "expected a problem about " + mentioning
                + ", got " + problems);
    }

    @Test
    void everyAnswerOfEveryRouteValidatesAgainstGitHubsDescription() throws Exception {
        start(new LocalCodeHost.Options().primaryLimitPerHour(0).contentLimits(0, 0)
                .githubApp("42", "77", GitHubAppSignInTest.KEYS.getPublic()));
        String main = host.createRepository("acme/app", Map.of("README.md", "hello\n"));
        host.commitFiles("acme/app", "campaigns/bump", Map.of("README.md", "hello, campaign\n"), "Bump");

        // The product's client: find-or-create with labels and reviewers, status, close, rate limit.
        GitHubCodeHost client = new GitHubCodeHost(GitHubConfig.enterprise(URI.create(host.baseUrl()), () -> TOKEN));
        PullRequest pr = client.ensurePullRequest(new PullRequestSpec("acme/app", "campaigns/bump", "main", "Bump",
                "Body", false, List.of("deps", "campaign"), List.of("alice", "nobody")));
        assertEquals(List.of("alice"), pr.reviewers());
        int n = (int) pr.number();
        String head = pr.headSha();

        // What CI and people do beside the product, over the API.
        send("POST", "/repos/acme/app/check-runs", TOKEN, "{\"name\":\"build\",\"head_sha\":\"" + head
                + "\",\"status\":\"completed\",\"conclusion\":\"success\"}", 201);
        send("POST", "/repos/acme/app/check-runs", TOKEN, "{\"name\":\"lint\",\"head_sha\":\"" + head
                + "\",\"status\":\"in_progress\"}", 201);
        send("POST", "/repos/acme/app/statuses/" + head, TOKEN, "{\"state\":\"pending\",\"context\":\"ci/deploy\","
                + "\"description\":\"deploying\",\"target_url\":\"https://ci.example/1\"}", 201);
        send("POST", "/repos/acme/app/statuses/" + head, TOKEN, "{\"state\":\"failure\",\"context\":\"ci/test\"}",
                201);
        send("POST", "/repos/acme/app/pulls/" + n + "/reviews", TOKEN, "{\"event\":\"COMMENT\",\"body\":\"nice\"}",
                200);
        PullRequestStatus status = client.loadPullRequestStatus("acme/app", n);
        assertEquals(ChangesetCheckState.FAILED, status.checkState(), "the failing commit status counts");
        assertTrue(client.remainingRequests() > 0);

        // Reads by branch name (with a slash: one %2F-encoded segment, as GitHub takes it) and by SHA.
        JsonNode runs = JSON.readTree(send("GET", "/repos/acme/app/commits/campaigns%2Fbump/check-runs", TOKEN,
                null, 200).body());
        assertEquals(2, runs.get("total_count").asInt());
        assertEquals(n, runs.get("check_runs").get(0).get("pull_requests").get(0).get("number").asInt());
        JsonNode combined = JSON.readTree(send("GET", "/repos/acme/app/commits/" + head + "/status", TOKEN, null,
                200).body());
        assertEquals("failure", combined.get("state").asText());
        assertEquals(2, JSON.readTree(send("GET", "/repos/acme/app/commits/campaigns%2Fbump/statuses", TOKEN, null,
                200).body()).size());
        send("GET", "/repos/acme/app/commits/main/status", TOKEN, null, 200);
        send("GET", "/repos/acme/app/commits/nope/status", TOKEN, null, 404);
        send("GET", "/repos/acme/app/commits/nope/check-runs", TOKEN, null, 404);
        send("GET", "/repos/acme/app/issues/" + n + "/labels", TOKEN, null, 200);
        send("GET", "/repos/acme/app/pulls/" + n + "/reviews", TOKEN, null, 200);
        send("GET", "/", TOKEN, null, 200);
        send("GET", "/user", TOKEN, null, 200);
        send("GET", "/users/alice", TOKEN, null, 200);
        send("GET", "/users/nobody-here", TOKEN, null, 404);
        send("GET", "/rate_limit", null, null, 200);

        // GitHub App sign-in: the product's token minting, the installation lookup, and their refusals.
        String pem = GitHubAppSignInTest.pkcs1Pem(GitHubAppSignInTest.KEYS);
        dev.campaigns.codehost.github.GitHubAppInstallationTokens app = dev.campaigns.codehost.github
                .GitHubAppInstallationTokens.fromSecret(GitHubAppSignInTest.secret("42", "77", pem),
                        URI.create(host.apiUrl()), null, null);
        assertTrue(app.get().startsWith("ghs_"));
        String jwt = new dev.campaigns.codehost.github.GitHubAppJwt("42", pem, java.time.Clock.systemUTC()).create();
        assertEquals(77, JSON.readTree(send("GET", "/repos/acme/app/installation", jwt, null, 200).body()).get("id")
                .asInt());
        send("GET", "/repos/acme/missing/installation", jwt, null, 404);
        send("POST", "/app/installations/78/access_tokens", jwt, null, 404);
        send("POST", "/app/installations/77/access_tokens", TOKEN, null, 401);

        // Errors, as GitHub answers them.
        send("GET", "/user", null, null, 401);
        send("GET", "/repos/acme/app", null, null, 404);
        send("GET", "/repos/acme/app/pulls", null, null, 404);
        send("POST", "/repos/acme/app/pulls", null, "{}", 404);
        send("GET", "/repos/acme/app", "wrong-token", null, 401);
        send("POST", "/repos/acme/app/pulls", READ_TOKEN, "{\"title\":\"t\",\"head\":\"x\",\"base\":\"main\"}", 403);
        send("GET", "/repos/acme/missing", TOKEN, null, 404);
        send("GET", "/repos/acme/app/pulls/999", TOKEN, null, 404);
        send("POST", "/repos/acme/app/pulls", TOKEN, "{\"title\":\"t\",\"head\":\"campaigns/bump\",\"base\":\"main\"}",
                422);
        send("POST", "/repos/acme/app/pulls", TOKEN, "{\"title\":\"t\",\"head\":\"nope\",\"base\":\"main\"}", 422);
        send("POST", "/repos/acme/app/pulls", TOKEN, "{\"title\":", 400);
        send("GET", "/repos/acme/app/pulls?state=sideways", TOKEN, null, 422);
        send("POST", "/repos/acme/app/pulls/" + n + "/requested_reviewers", TOKEN, "{\"reviewers\":[\"zed\"]}", 422);
        send("POST", "/repos/acme/app/pulls/" + n + "/reviews", TOKEN, "{\"event\":\"SHRUG\"}", 422);
        send("POST", "/repos/acme/app/check-runs", TOKEN, "{\"name\":\"x\",\"head_sha\":\"" + "0".repeat(40) + "\"}",
                422);
        send("POST", "/repos/acme/app/statuses/" + head, TOKEN, "{\"state\":\"great\"}", 422);
        send("POST", "/repos/acme/app/issues/" + n + "/labels", TOKEN, "{\"labels\":\"x\"}", 422);
        send("DELETE", "/repos/acme/app", TOKEN, null, 404);

        // Merge: a merge commit on the base, its SHA in the answer; a second merge is refused.
        host.commitFiles("acme/app", "feature", Map.of("NEW.md", "new\n"), "Add");
        int m = (int) client.ensurePullRequest(new PullRequestSpec("acme/app", "feature", "main", "Feature", "",
                true, List.of(), List.of())).number();
        String sha = JSON.readTree(send("PUT", "/repos/acme/app/pulls/" + m + "/merge", TOKEN, "{}", 200).body())
                .get("sha").asText();
        assertEquals(sha, host.branchTip("acme/app", "main").orElseThrow());
        assertFalse(sha.equals(main));
        send("PUT", "/repos/acme/app/pulls/" + m + "/merge", TOKEN, "{}", 405);
        assertEquals(sha, JSON.readTree(send("GET", "/repos/acme/app/pulls/" + m, TOKEN, null, 200).body())
                .get("merge_commit_sha").asText());
        // Bulk operations (issue 16) through the product's client: a comment and its lookup, labels, reviewers, and
        // a squash merge that names the head it read; then what GitHub refuses.
        client.commentOnPullRequest("acme/app", n, "Please review\n\n<!-- campaigns-operation:x -->");
        assertTrue(client.hasComment("acme/app", n, "<!-- campaigns-operation:x -->"));
        assertFalse(client.hasComment("acme/app", n, "<!-- campaigns-operation:y -->"));
        client.addLabels("acme/app", n, List.of("bulk"));
        client.requestReviewers("acme/app", n, List.of("bob"));
        send("POST", "/repos/acme/app/issues/" + n + "/comments", TOKEN, "{}", 422);
        host.commitFiles("acme/app", "squashed", Map.of("SQUASH.md", "squash\n"), "Squash me");
        int q = (int) client.ensurePullRequest(new PullRequestSpec("acme/app", "squashed", "main", "Squash", "",
                false, List.of(), List.of())).number();
        send("PUT", "/repos/acme/app/pulls/" + q + "/merge", TOKEN, "{\"merge_method\":\"octopus\"}", 422);
        send("PUT", "/repos/acme/app/pulls/" + q + "/merge", TOKEN, "{\"sha\":\"" + "1".repeat(40) + "\"}", 409);
        assertEquals(dev.campaigns.codehost.PullRequestState.MERGED, client.mergePullRequest("acme/app", q,
                dev.campaigns.domain.MergeMethod.SQUASH).state());
        assertEquals("squash", host.mergeMethod("acme/app", q));
        client.closePullRequest("acme/app", n);

        // Repositories as a user makes and finds them: create (user and organisation), list, topics, search.
        send("POST", "/user/repos", TOKEN, "{\"name\":\"mine\",\"private\":true}", 201);
        send("POST", "/orgs/acme/repos", TOKEN, "{\"name\":\"tool\",\"auto_init\":true}", 201);
        send("POST", "/orgs/acme/repos", TOKEN, "{\"name\":\"tool\"}", 422);
        send("POST", "/orgs/acme/repos", TOKEN, "{\"name\":\"bad name\"}", 422);
        send("POST", "/orgs/acme/repos", READ_TOKEN, "{\"name\":\"nope\"}", 403);
        HttpResponse<String> firstPage = send("GET", "/orgs/acme/repos?per_page=1", TOKEN, null, 200);
        assertEquals(1, JSON.readTree(firstPage.body()).size(), "one repository a page");
        assertTrue(firstPage.headers().firstValue("Link").orElse("").contains("rel=\"next\""), "a next page");
        send("GET", "/orgs/nobody/repos", TOKEN, null, 404);
        assertEquals(3, JSON.readTree(send("GET", "/user/repos", TOKEN, null, 200).body()).size());
        send("PUT", "/repos/acme/tool/topics", TOKEN, "{\"names\":[\"Java\",\"cli\"]}", 200);
        send("PUT", "/repos/acme/tool/topics", TOKEN, "{\"names\":[\"not a topic\"]}", 422);
        assertEquals("[\"java\",\"cli\"]", JSON.readTree(send("GET", "/repos/acme/tool/topics", TOKEN, null, 200)
                .body()).get("names").toString());
        JsonNode found = JSON.readTree(send("GET", "/search/repositories?q=org%3Aacme+topic%3Ajava", TOKEN, null,
                200).body());
        assertEquals(1, found.get("total_count").asInt());
        assertEquals("acme/tool", found.get("items").get(0).get("full_name").asText());
        send("GET", "/search/repositories", TOKEN, null, 422);

        // Verdict: every exchange as documented, every route reached.
        Map<String, List<String>> invalid = new TreeMap<>();
        Set<String> reached = new TreeSet<>();
        List<String> global = new ArrayList<>();
        synchronized (exchanges) {
            for (LocalCodeHost.Exchange e : exchanges) {
                String route = e.route() == null ? null : e.method() + " " + e.route();
                String name = e.method() + " " + e.path() + (e.query() == null ? "" : "?" + e.query()) + " -> "
                        + e.status();
                if (route == null) { // a path the host does not serve: GitHub's 404
                    assertEquals(404, e.status(), name);
                    List<String> problems = rest.checkNotServed(e.contentType(), e.body());
                    if (!problems.isEmpty()) {
                        invalid.put(name, problems);
                    }
                    continue;
                }
                reached.add(route);
                List<String> problems = rest.check(e.method(), e.route(), e.status(), e.contentType(), e.body());
                if (!problems.isEmpty()) {
                    invalid.put(name, problems);
                }
                if (rest.isGlobal(e.method(), e.route(), e.status())) {
                    global.add(name);
                }
            }
        }
        System.out.printf("validated %d REST answers of %d routes against GitHub's description; answered with a "
                + "status GitHub documents for the whole API: %s%n", exchanges.size(), reached.size(), global);
        assertEquals(Map.of(), invalid, "answers that do not validate against GitHub's description");
        assertEquals(new TreeSet<>(host.apiRoutes()), reached, "every route reached");
        assertTrue(exchanges.size() >= 45, "exchanges: " + exchanges.size());
    }

    private HttpResponse<String> send(String method, String path, String token, String body, int expected)
            throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(host.apiUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(expected, resp.statusCode(), method + " " + path + ": " + resp.body());
        assertNotNull(resp.headers().firstValue("content-type").orElse(null));
        return resp;
    }
}
