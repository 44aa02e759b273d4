package dev.campaigns.infra.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.codehost.github.GitHubCodeHost;
import dev.campaigns.codehost.github.GitHubConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local code host's own behaviour: git over smart HTTP, tokens, GitHub's shapes, limits, faults, scale. */
class LocalCodeHostTest {

    static final String TOKEN = "ghp_hostTest0123456789TOKEN";
    static final String READ_TOKEN = "ghp_hostRead0123456789TOKEN";
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T10:00:00Z"));
    LocalCodeHost host;

    @TempDir
    Path tmp;

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    LocalCodeHost start(LocalCodeHost.Options options) {
        host = LocalCodeHost.start(options.token(TOKEN, LocalCodeHost.Access.WRITE)
                .token(READ_TOKEN, LocalCodeHost.Access.READ));
        return host;
    }

    static UsernamePasswordCredentialsProvider creds(String token) {
        return new UsernamePasswordCredentialsProvider("x-access-token", token);
    }

    @Test
    void pushOverSmartHttpWithTokenBecomesExactlyOnePullRequest() throws Exception {
        start(new LocalCodeHost.Options());
        String base = host.createRepository("acme/app", Map.of("README.md", "hello\n", "lib/a.bin", new byte[] {0, 1}));

        try (Git git = Git.cloneRepository().setURI(host.gitUrl("acme/app")).setDirectory(tmp.resolve("wt").toFile())
                .setCredentialsProvider(creds(TOKEN)).call()) {
            assertEquals(base, git.getRepository().resolve("HEAD").name());
            assertEquals("hello\n", Files.readString(tmp.resolve("wt/README.md")));
            Files.writeString(tmp.resolve("wt/README.md"), "hello, campaign\n");
            git.add().addFilepattern("README.md").call();
            RevCommit commit = git.commit().setMessage("Campaign change").setAuthor("bot", "bot@example.test")
                    .setCommitter("bot", "bot@example.test").call();
            Iterable<PushResult> results = git.push().setCredentialsProvider(creds(TOKEN))
                    .setRefSpecs(new org.eclipse.jgit.transport.RefSpec("HEAD:refs/heads/campaign/x")).call();
            RemoteRefUpdate update = results.iterator().next().getRemoteUpdate("refs/heads/campaign/x");
            assertEquals(RemoteRefUpdate.Status.OK, update.getStatus());
            assertEquals(commit.name(), host.branchTip("acme/app", "campaign/x").orElseThrow());

            GitHubCodeHost github = new GitHubCodeHost(GitHubConfig.enterprise(URI.create(host.baseUrl()),
                    () -> TOKEN));
            PullRequestSpec spec = new PullRequestSpec("acme/app", "campaign/x", "main", "Change", "", false,
                    List.of(), List.of());
            PullRequest pr = github.ensurePullRequest(spec);
            assertEquals(github.ensurePullRequest(spec), pr);
            assertEquals(commit.name(), pr.headSha());
            assertEquals(1, host.pullRequests("acme/app").size());
        }
        assertEquals(1, host.requestCount("GIT POST /{owner}/{repo}.git/git-receive-pack"));
    }

    @Test
    void aRepositoryCreatedThroughTheApiTakesAPushAndIsListedAndFound() throws Exception {
        start(new LocalCodeHost.Options());
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(host.apiUrl() + "/orgs/team/repos"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"fresh\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String cloneUrl = JSON.readTree(created.body()).get("clone_url").asText();
        assertEquals(host.gitUrl("team/fresh"), cloneUrl);
        assertTrue(host.branchTip("team/fresh", "main").isEmpty(), "created empty");

        // As a user does: git init, commit, push to the clone URL with the token.
        try (Git git = Git.init().setDirectory(tmp.resolve("fresh").toFile()).setInitialBranch("main").call()) {
            Files.writeString(tmp.resolve("fresh/app.txt"), "v1\n");
            git.add().addFilepattern("app.txt").call();
            RevCommit commit = git.commit().setMessage("First").setAuthor("me", "me@example.test")
                    .setCommitter("me", "me@example.test").call();
            git.remoteAdd().setName("origin").setUri(new org.eclipse.jgit.transport.URIish(cloneUrl)).call();
            for (PushResult r : git.push().setRemote("origin").setCredentialsProvider(creds(TOKEN)).add("main").call()) {
                assertEquals(RemoteRefUpdate.Status.OK, r.getRemoteUpdate("refs/heads/main").getStatus());
            }
            assertEquals(commit.name(), host.branchTip("team/fresh", "main").orElseThrow());
        }
        host.setTopics("team/fresh", "java");
        JsonNode listed = JSON.readTree(get("/api/v3/orgs/team/repos", TOKEN).body());
        assertEquals("team/fresh", listed.get(0).get("full_name").asText());
        JsonNode found = JSON.readTree(get("/api/v3/search/repositories?q=topic:java", TOKEN).body());
        assertEquals(1, found.get("total_count").asInt());
        assertEquals(0, JSON.readTree(get("/api/v3/search/repositories?q=topic:go", TOKEN).body()).get("total_count").asInt());
    }

    @Test
    void gitWithoutTokenIsUnauthorizedAndReadOnlyTokenCannotPush() throws Exception {
        start(new LocalCodeHost.Options());
        host.createRepository("acme/app", Map.of("a", "1"));

        HttpResponse<String> anonymous = get("/acme/app.git/info/refs?service=git-upload-pack", null);
        assertEquals(401, anonymous.statusCode());
        assertEquals("Basic realm=\"GitHub\"", anonymous.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertThrows(TransportException.class,
                () -> Git.lsRemoteRepository().setRemote(host.gitUrl("acme/app")).call());
        assertThrows(TransportException.class, () -> Git.lsRemoteRepository().setRemote(host.gitUrl("acme/app"))
                .setCredentialsProvider(creds("wrong")).call());

        try (Git git = Git.cloneRepository().setURI(host.gitUrl("acme/app")).setDirectory(tmp.resolve("ro").toFile())
                .setCredentialsProvider(creds(READ_TOKEN)).call()) {
            git.commit().setMessage("x").setAllowEmpty(true).setAuthor("b", "b@x").setCommitter("b", "b@x").call();
            assertThrows(TransportException.class, () -> git.push().setCredentialsProvider(creds(READ_TOKEN))
                    .setRefSpecs(new org.eclipse.jgit.transport.RefSpec("HEAD:refs/heads/x")).call());
        }
        assertTrue(host.branchTip("acme/app", "x").isEmpty());
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("x-access-token:" + TOKEN)
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(host.gitUrl("acme/missing")
                + "/info/refs?service=git-upload-pack")).header("Authorization", basic).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void apiErrorsHaveGitHubShapes() throws Exception {
        start(new LocalCodeHost.Options());
        HttpResponse<String> missing = get("/api/v3/repos/acme/missing", TOKEN);
        assertEquals(404, missing.statusCode());
        JsonNode body = JSON.readTree(missing.body());
        assertEquals("Not Found", body.get("message").asText());
        assertTrue(body.has("documentation_url"));

        assertEquals("Requires authentication", JSON.readTree(get("/api/v3/user", null).body()).get("message")
                .asText());
        HttpResponse<String> bad = get("/api/v3/user", "nope");
        assertEquals(401, bad.statusCode());
        assertEquals("Bad credentials", JSON.readTree(bad.body()).get("message").asText());

        HttpResponse<String> user = get("/api/v3/user", TOKEN);
        assertEquals(200, user.statusCode());
        assertEquals("campaigns-bot", JSON.readTree(user.body()).get("login").asText());
        assertEquals("5000", user.headers().firstValue("X-RateLimit-Limit").orElseThrow());
    }

    @Test
    void aBranchWithASlashIsOneEncodedSegment_andWhatTheServerRefusesIsJsonToo() throws Exception {
        start(new LocalCodeHost.Options());
        host.createRepository("acme/app", Map.of("a", "1"));
        String sha = host.commitFiles("acme/app", "feature/x", Map.of("b", "2"), "m");
        host.setCheckOnCommit("acme/app", sha, "build", "completed", "success");
        HttpResponse<String> runs = get("/api/v3/repos/acme/app/commits/feature%2Fx/check-runs", TOKEN);
        assertEquals(200, runs.statusCode(), runs.body());
        assertEquals("build", JSON.readTree(runs.body()).get("check_runs").get(0).get("name").asText());
        assertEquals(sha, JSON.readTree(get("/api/v3/repos/acme/app/commits/feature%2Fx/status", TOKEN).body())
                .get("sha").asText());
        assertEquals(1, host.requestCount("GET /repos/{owner}/{repo}/commits/{ref}/check-runs"));

        for (String path : List.of("/api/v3/repos/acme/%ZZ", "/api/v3/%2e%2e/x",
                "/api/v3/repos/acme/app/commits/a%2F..%2Fb/status", "/api/v3/nothing/here")) {
            HttpResponse<String> refused = raw(path);
            assertTrue(refused.statusCode() == 400 || refused.statusCode() == 404, path + ": " + refused.statusCode());
            assertTrue(refused.headers().firstValue("content-type").orElseThrow().startsWith("application/json"),
                    path);
            assertTrue(JSON.readTree(refused.body()).has("message"), path + ": " + refused.body());
        }
    }

    /** A request sent byte for byte (java.net.http refuses some of these paths before sending them). */
    private HttpResponse<String> raw(String path) throws Exception {
        URI base = URI.create(host.baseUrl());
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: token "
                    + TOKEN + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            head.lines().skip(1).forEach(l -> headers.put(l.substring(0, l.indexOf(':')).trim(),
                    List.of(l.substring(l.indexOf(':') + 1).trim())));
            return new HttpResponse<>() {
                public int statusCode() { return status; }
                public HttpRequest request() { return null; }
                public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
                public java.net.http.HttpHeaders headers() { return java.net.http.HttpHeaders.of(headers, (a, b) -> true); }
                public String body() { return body; }
                public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
                public URI uri() { return URI.create(host.baseUrl() + path); }
                public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
            };
        }
    }

    @Test
    void anonymousCallersSeeNoPrivateRepositoryAndNeedATokenForThemselves() throws Exception {
        start(new LocalCodeHost.Options());
        host.createRepository("acme/app", Map.of("a", "1"));
        assertEquals(404, get("/api/v3/repos/acme/app", null).statusCode(), "private: as if it did not exist");
        assertEquals(404, get("/api/v3/repos/acme/app/pulls", null).statusCode());
        assertEquals(401, get("/api/v3/user", null).statusCode());
        assertEquals(200, get("/api/v3/users/campaigns-bot", null).statusCode());
        HttpResponse<String> limit = get("/api/v3/rate_limit", null);
        assertEquals(200, limit.statusCode());
        assertEquals(60, JSON.readTree(limit.body()).get("rate").get("limit").asInt(), "GitHub's anonymous limit");
        assertEquals(401, get("/api/v3/repos/acme/app", "wrong").statusCode(), "a wrong token is refused anywhere");
        assertEquals(200, get("/api/v3/repos/acme/app", TOKEN).statusCode());
    }

    @Test
    void listsPullRequestsWithGitHubPagination() throws Exception {
        start(new LocalCodeHost.Options());
        host.createRepository("acme/app", Map.of("a", "1"));
        for (int i = 0; i < 5; i++) {
            host.commitFiles("acme/app", "b" + i, Map.of("f", "" + i), "c");
            host.openPullRequest("acme/app", "b" + i, "main", "PR " + i);
        }
        HttpResponse<String> page1 = get("/api/v3/repos/acme/app/pulls?state=open&per_page=2", TOKEN);
        assertEquals(2, JSON.readTree(page1.body()).size());
        assertEquals(5, JSON.readTree(page1.body()).get(0).get("number").asInt(), "newest first");
        String link = page1.headers().firstValue("Link").orElseThrow();
        assertTrue(link.contains("page=2>; rel=\"next\"") && link.contains("page=3>; rel=\"last\""), link);

        HttpResponse<String> byHead = get("/api/v3/repos/acme/app/pulls?head=acme:b3&state=all", TOKEN);
        JsonNode only = JSON.readTree(byHead.body());
        assertEquals(1, only.size());
        assertEquals("b3", only.get(0).get("head").get("ref").asText());
        assertFalse(only.get(0).has("mergeable_state"), "list items lack the single-PR fields, like GitHub");
    }

    @Test
    void primaryLimitRefusesWithResetAndRecoversOnTheHostClock() throws Exception {
        start(new LocalCodeHost.Options().clock(clock).primaryLimitPerHour(3));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("/api/v3/user", TOKEN).statusCode());
        }
        HttpResponse<String> limited = get("/api/v3/user", TOKEN);
        assertEquals(403, limited.statusCode());
        assertEquals("0", limited.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        assertEquals(String.valueOf(clock.instant().plusSeconds(3600).getEpochSecond()),
                limited.headers().firstValue("X-RateLimit-Reset").orElseThrow());
        assertTrue(JSON.readTree(limited.body()).get("message").asText().startsWith("API rate limit exceeded"));
        assertEquals(200, get("/api/v3/user", READ_TOKEN).statusCode(), "limits are per token");

        clock.advance(Duration.ofHours(1));
        assertEquals(200, get("/api/v3/user", TOKEN).statusCode());
    }

    @Test
    void contentLimitOnASpedUpClockGivesRetryAfterInRealSeconds() throws Exception {
        start(new LocalCodeHost.Options().timeScale(60).contentLimits(2, 500));
        host.createRepository("acme/app", Map.of("a", "1"));
        String body = "{\"title\":\"t\",\"head\":\"nope\",\"base\":\"main\"}";
        assertEquals(422, post("/api/v3/repos/acme/app/pulls", body).statusCode());
        assertEquals(422, post("/api/v3/repos/acme/app/pulls", body).statusCode());
        HttpResponse<String> limited = post("/api/v3/repos/acme/app/pulls", body);
        assertEquals(403, limited.statusCode());
        assertTrue(JSON.readTree(limited.body()).get("message").asText()
                .startsWith("You have exceeded a secondary rate limit"));
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "60 host seconds at 60x is about 1 real second: "
                + retryAfter);
    }

    @Test
    void probabilisticFaultsAreRepeatableWithASeed() throws Exception {
        start(new LocalCodeHost.Options());
        List<Integer> first = statuses(Fault.on("GET", "/api/v3/user").probability(0.5, 7).status(503));
        host.faults().clear();
        List<Integer> second = statuses(Fault.on("GET", "/api/v3/user").probability(0.5, 7).status(503));
        assertEquals(first, second);
        assertTrue(first.contains(503) && first.contains(200), first.toString());
        assertEquals(40, host.requestCount("GET /user"));
    }

    private List<Integer> statuses(Fault fault) throws Exception {
        host.faults().add(fault);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(get("/api/v3/user", TOKEN).statusCode());
        }
        assertEquals(out.stream().filter(s -> s == 503).count(), fault.hits());
        return out;
    }

    @Test
    void manySmallRepositoriesAreCheap_eachIsInMemoryAndHoldsOnlyItsOwnFewObjects() throws Exception {
        start(new LocalCodeHost.Options());
        int n = 2000;
        List<String> shas = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            shas.add(host.createRepository("org" + (i % 10) + "/repo" + i, Map.of("README.md", "repo " + i + "\n",
                    "src/main.go", "package main\n")));
        }
        assertEquals(n, host.repositoryCount());
        assertEquals(Map.of(), directoryContents(tmp), "in memory: nothing written to disk");
        // Cheap: creating one is a few object inserts. A clone holds exactly the commit, two trees and two blobs.
        for (int i : new int[] {0, 1233, n - 1}) {
            String repository = "org" + (i % 10) + "/repo" + i;
            assertEquals(Optional.of(shas.get(i)), host.branchTip(repository, "main"));
            Path clone = tmp.resolve("clone-" + i);
            try (Git git = Git.cloneRepository().setURI(host.gitUrl(repository)).setDirectory(clone.toFile())
                    .setCredentialsProvider(creds(TOKEN)).call()) {
                int objects = 0;
                try (org.eclipse.jgit.revwalk.ObjectWalk walk = new org.eclipse.jgit.revwalk.ObjectWalk(
                        git.getRepository())) {
                    walk.markStart(walk.parseCommit(git.getRepository().resolve("HEAD")));
                    while (walk.next() != null) {
                        objects++;
                    }
                    while (walk.nextObject() != null) {
                        objects++;
                    }
                }
                assertEquals(5, objects, repository + ": one commit, the root and src trees, two blobs");
            }
            deleteTree(clone);
        }
    }

    private static Map<String, Long> directoryContents(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.collect(java.util.stream.Collectors.toMap(p -> p.getFileName().toString(), p -> 1L));
        }
    }

    /**
     * Deletes a clone. JGit's clone may start an automatic gc in the background (gc.autoDetach), whose log lock file
     * comes and goes meanwhile: a file gone before its turn is fine, a directory that gained one is tried again (at
     * most 50 times, 100 ms apart).
     */
    private static void deleteTree(Path dir) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
                return;
            } catch (java.nio.file.DirectoryNotEmptyException | java.nio.file.NoSuchFileException
                     | java.io.UncheckedIOException raced) {
                if (!Files.exists(dir)) {
                    return;
                }
                if (attempt == 50) {
                    throw raced;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void bareRepositoriesOnDiskWorkToo() throws Exception {
        start(new LocalCodeHost.Options().storage(tmp.resolve("repos")));
        String sha = host.createRepository("acme/disk", Map.of("a", "1"));
        assertTrue(Files.isDirectory(tmp.resolve("repos/acme/disk.git/objects")));
        try (Git git = Git.cloneRepository().setURI(host.gitUrl("acme/disk")).setDirectory(tmp.resolve("d").toFile())
                .setCredentialsProvider(creds(TOKEN)).call()) {
            assertEquals(sha, git.getRepository().resolve("HEAD").name());
        }
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(host.baseUrl() + path)).GET();
        if (token != null) {
            req.header("Authorization", "token " + token);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(host.baseUrl() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
