package dev.campaigns.infra.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.CodeHostException.Kind;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.codehost.github.GitHubCodeHost;
import dev.campaigns.codehost.github.GitHubConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The production GitHub client (github-api over HTTP) against the local code host. */
class GitHubCodeHostTest {

    static final String TOKEN = "ghp_test0123456789abcdefTOKEN";
    static final String READ_TOKEN = "ghp_readonly0123456789TOKEN";
    static final String REPO = "acme/app";
    static final String PULLS = "/api/v3/repos/acme/app/pulls";

    ManualClock clock = new ManualClock(Instant.parse("2026-01-05T10:00:00Z"));
    List<Duration> sleeps = new CopyOnWriteArrayList<>();
    LocalCodeHost host;
    GitHubCodeHost github;

    @BeforeEach
    void start() {
        host = LocalCodeHost.start(new LocalCodeHost.Options()
                .token(TOKEN, LocalCodeHost.Access.WRITE)
                .token(READ_TOKEN, LocalCodeHost.Access.READ)
                .users("alice", "bob")
                .clock(clock)
                .contentLimits(5, 500));
        host.createRepository(REPO, Map.of("README.md", "hello\n", "src/Main.java", "class Main {}\n"));
        host.commitFiles(REPO, "campaign/fix", Map.of("README.md", "hello, world\n"), "Fix greeting");
        github = client(TOKEN);
    }

    @AfterEach
    void stop() {
        host.close();
    }

    GitHubCodeHost client(String token) {
        return new GitHubCodeHost(GitHubConfig.enterprise(URI.create(host.baseUrl()), () -> token)
                .withRequestTimeout(Duration.ofSeconds(1))
                .withMaxRateLimitWait(Duration.ofSeconds(90))
                .withClockAndSleeper(clock, d -> {
                    sleeps.add(d);
                    clock.advance(d);
                }));
    }

    static PullRequestSpec spec(String head) {
        return new PullRequestSpec(REPO, head, "main", "Fix the greeting", "Campaign *fix*", false,
                List.of("campaign"), List.of());
    }

    @Test
    void opensPullRequestWithLabelsReviewersAndDraft() {
        PullRequestSpec spec = new PullRequestSpec(REPO, "campaign/fix", "main", "Fix the greeting", "Body", true,
                List.of("campaign", "automated"), List.of("alice", "bob"));

        PullRequest pr = github.ensurePullRequest(spec);

        assertEquals(1, pr.number());
        assertEquals(PullRequestState.OPEN, pr.state());
        assertEquals(host.baseUrl() + "/acme/app/pull/1", pr.url());
        assertEquals("campaign/fix", pr.headRef());
        assertEquals("main", pr.baseRef());
        assertEquals(host.branchTip(REPO, "campaign/fix").orElseThrow(), pr.headSha());
        assertTrue(pr.draft());
        assertEquals(List.of("campaign", "automated"), pr.labels());
        assertEquals(List.of("alice", "bob"), pr.reviewers());
        LocalPullRequest onHost = host.pullRequests(REPO).get(0);
        assertEquals(List.of("campaign", "automated"), onHost.labels());
        assertEquals(List.of("alice", "bob"), onHost.requestedReviewers());
        assertEquals("Body", onHost.body());
        assertTrue(onHost.draft());
    }

    @Test
    void secondEnsureFindsTheSamePullRequestAndUpdatesTitleAndBody() {
        PullRequest first = github.ensurePullRequest(spec("campaign/fix"));
        PullRequestSpec changed = new PullRequestSpec(REPO, "campaign/fix", "main", "New title", "New body", false,
                List.of("campaign", "second"), List.of());

        PullRequest second = github.ensurePullRequest(changed);

        assertEquals(first.number(), second.number());
        assertEquals("New title", second.title());
        assertEquals("New body", second.body());
        assertEquals(List.of("campaign", "second"), second.labels());
        assertEquals(1, host.pullRequests(REPO).size());
        assertEquals(1, host.requestCount("POST /repos/{owner}/{repo}/pulls"));
        assertEquals(2, host.requestCount("PATCH /repos/{owner}/{repo}/pulls/{pull_number}"));
    }

    @Test
    void unchangedRerunMakesNoWrites() {
        github.ensurePullRequest(spec("campaign/fix"));
        host.resetRequestCounts();

        github.ensurePullRequest(spec("campaign/fix"));

        assertEquals(Map.of("GET /repos/{owner}/{repo}", 1L, "GET /repos/{owner}/{repo}/pulls", 1L,
                "GET /repos/{owner}/{repo}/pulls/{pull_number}", 1L), host.requestCounts());
    }

    @Test
    void pullRequestOpenedConcurrentlyIsReturnedAfter422() {
        Fault race = host.faults().add(Fault.on("POST", PULLS).times(1)
                .before(() -> host.openPullRequest(REPO, "campaign/fix", "main", "Opened by someone else")));

        PullRequest pr = github.ensurePullRequest(spec("campaign/fix"));

        assertEquals(1, race.hits());
        assertEquals(1, pr.number());
        assertEquals("Fix the greeting", pr.title(), "the spec's title replaces the other worker's");
        assertEquals(1, host.pullRequests(REPO).size());
        assertEquals(2, host.requestCount("GET /repos/{owner}/{repo}/pulls"), "re-queried after the 422");
    }

    @Test
    void mergedPullRequestIsReturnedAsIs() {
        PullRequest opened = github.ensurePullRequest(spec("campaign/fix"));
        host.mergePullRequest(REPO, (int) opened.number());

        PullRequest again = github.ensurePullRequest(spec("campaign/fix").withLabelsAndReviewers(
                List.of("other"), List.of()));

        assertEquals(PullRequestState.MERGED, again.state());
        assertEquals(opened.number(), again.number());
        assertEquals(List.of("campaign"), again.labels(), "a merged pull request is not modified");
        assertEquals(1, host.pullRequests(REPO).size());
    }

    @Test
    void closedPullRequestIsNotReopenedNorDuplicated() {
        PullRequest opened = github.ensurePullRequest(spec("campaign/fix"));
        host.closePullRequest(REPO, (int) opened.number());

        PullRequest again = github.ensurePullRequest(spec("campaign/fix"));

        assertEquals(PullRequestState.CLOSED, again.state());
        assertEquals(1, host.pullRequests(REPO).size());
        assertEquals("closed", host.pullRequests(REPO).get(0).state());
        assertEquals(PullRequestState.CLOSED, github.loadPullRequest(REPO, opened.number()).state());
    }

    @Test
    void unknownReviewerIsSkippedNotFatal() {
        PullRequest pr = github.ensurePullRequest(spec("campaign/fix").withLabelsAndReviewers(List.of(),
                List.of("ghost", "alice")));

        assertEquals(List.of("alice"), pr.reviewers());
    }

    @Test
    void findLooksUpByHeadBranchAndNeverOpensOne() {
        // Six requests in a row: a 10 s timeout, not the class's 1 s, so a loaded machine does not fail it.
        GitHubCodeHost github = new GitHubCodeHost(GitHubConfig.enterprise(URI.create(host.baseUrl()), () -> TOKEN)
                .withRequestTimeout(Duration.ofSeconds(10)));
        host.resetRequestCounts();
        assertTrue(github.findPullRequest(REPO, "campaign/fix").isEmpty());
        assertTrue(host.pullRequests(REPO).isEmpty(), "nothing opened");
        assertEquals(0, host.requestCount("POST /repos/{owner}/{repo}/pulls"));
        assertEquals(1, host.requestCount("GET /repos/{owner}/{repo}/pulls"), "one listing by head");
        PullRequest opened = github.ensurePullRequest(spec("campaign/fix"));
        PullRequest found = github.findPullRequest(REPO, "campaign/fix").orElseThrow();
        assertEquals(List.of(opened.number(), "campaign/fix", PullRequestState.OPEN),
                List.of(found.number(), found.headRef(), found.state()));
        host.closePullRequest(REPO, (int) opened.number());
        assertEquals(PullRequestState.CLOSED, github.findPullRequest(REPO, "campaign/fix").orElseThrow().state(),
                "a closed one is found as it is");
        assertTrue(github.findPullRequest(REPO, "campaign/other").isEmpty());
        assertEquals(1, host.pullRequests(REPO).size());
    }

    @Test
    void loadsPullRequestByNumber() {
        PullRequest opened = github.ensurePullRequest(spec("campaign/fix"));

        assertEquals(opened, github.loadPullRequest(REPO, opened.number()));
        CodeHostException e = assertThrows(CodeHostException.class, () -> github.loadPullRequest(REPO, 99));
        assertEquals(Kind.NOT_FOUND, e.kind());
    }

    @Test
    void tenConcurrentWorkersProduceExactlyOnePullRequest() throws Exception {
        int workers = 10;
        // Every worker has listed (and found nothing) before any creation is handled: a true race.
        CyclicBarrier allPosting = new CyclicBarrier(workers);
        host.faults().add(Fault.on("POST", PULLS).times(workers).before(() -> {
            try {
                allPosting.await(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<PullRequest>> results = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                GitHubCodeHost worker = client(TOKEN); // one client per "Lambda"
                results.add(pool.submit(() -> asTheWorkflowRetries(() -> worker.ensurePullRequest(
                        spec("campaign/fix")))));
            }
            Set<Long> numbers = new HashSet<>();
            for (Future<PullRequest> result : results) {
                numbers.add(result.get(60, TimeUnit.SECONDS).number());
            }
            assertEquals(Set.of(1L), numbers);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, host.pullRequests(REPO).size());
        // Each worker posted at least once (some twice: the host's 5-per-minute content limit made them wait).
        assertTrue(host.requestCount("POST /repos/{owner}/{repo}/pulls") >= workers);
    }

    /**
     * The pull-request step as the state machine runs it: a RATE_LIMITED failure (ten workers sharing one token's
     * 5-per-minute content limit may exhaust a client's bounded waits) is retried after its pause, at most the
     * ASL's 8 attempts for RateLimitedStepFailure; anything else fails the step.
     */
    PullRequest asTheWorkflowRetries(java.util.function.Supplier<PullRequest> step) {
        for (int attempt = 1; ; attempt++) {
            try {
                return step.get();
            } catch (CodeHostException e) {
                if (e.kind() != Kind.RATE_LIMITED || attempt == 8) {
                    throw e;
                }
                clock.advance(e.retryAfter().orElse(Duration.ofMinutes(1)));
            }
        }
    }

    @Test
    void missingRepositoryIsPermanentNotFound() {
        CodeHostException e = assertThrows(CodeHostException.class,
                () -> github.ensurePullRequest(new PullRequestSpec("acme/missing", "b", "main", "t", "", false,
                        List.of(), List.of())));
        assertEquals(Kind.NOT_FOUND, e.kind());
        assertFalse(e.isTransient());
        assertNoToken(e);
    }

    @Test
    void badTokenIsUnauthorized() {
        CodeHostException e = assertThrows(CodeHostException.class,
                () -> client("ghp_wrongTOKEN").ensurePullRequest(spec("campaign/fix")));
        assertEquals(Kind.UNAUTHORIZED, e.kind());
        assertEquals(401, e.httpStatus());
        assertFalse(e.isTransient());
    }

    @Test
    void readOnlyTokenIsPermanentForbidden() {
        CodeHostException e = assertThrows(CodeHostException.class,
                () -> client(READ_TOKEN).ensurePullRequest(spec("campaign/fix")));
        assertEquals(Kind.FORBIDDEN, e.kind());
        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("Resource not accessible"), e.getMessage());
        assertNoToken(e);
    }

    @Test
    void missingBaseBranchIsPermanentValidation() {
        PullRequestSpec spec = new PullRequestSpec(REPO, "campaign/fix", "develop", "t", "", false, List.of(),
                List.of());
        CodeHostException e = assertThrows(CodeHostException.class, () -> github.ensurePullRequest(spec));
        assertEquals(Kind.VALIDATION, e.kind());
        assertEquals(422, e.httpStatus());
        assertTrue(e.getMessage().contains("Validation Failed: PullRequest.base invalid"), e.getMessage());
    }

    @Test
    void branchWithoutCommitsIsPermanentValidation() {
        host.createBranch(REPO, "empty", host.branchTip(REPO, "main").orElseThrow());
        host.commitFiles(REPO, "main", Map.of("y", "2"), "main moves on"); // "empty" is now behind main
        CodeHostException e = assertThrows(CodeHostException.class, () -> github.ensurePullRequest(spec("empty")));
        assertEquals(Kind.VALIDATION, e.kind());
        assertTrue(e.getMessage().contains("No commits between main and empty"), e.getMessage());
    }

    @Test
    void serverErrorIsTransient() {
        host.faults().add(Fault.on("POST", PULLS).times(1).status(502));

        CodeHostException e = assertThrows(CodeHostException.class,
                () -> github.ensurePullRequest(spec("campaign/fix")));
        assertEquals(Kind.SERVER_ERROR, e.kind());
        assertEquals(502, e.httpStatus());
        assertTrue(e.isTransient());
        // The retry (by the workflow) then succeeds and opens exactly one pull request.
        assertEquals(1, github.ensurePullRequest(spec("campaign/fix")).number());
        assertEquals(1, host.pullRequests(REPO).size());
    }

    @Test
    void droppedConnectionIsTransientNetwork() {
        host.faults().add(Fault.on("POST", PULLS).times(1).dropConnection());

        CodeHostException e = assertThrows(CodeHostException.class,
                () -> github.ensurePullRequest(spec("campaign/fix")));
        assertEquals(Kind.NETWORK, e.kind());
        assertTrue(e.isTransient());
        assertNoToken(e);
        assertEquals(1, github.ensurePullRequest(spec("campaign/fix")).number());
        assertEquals(1, host.pullRequests(REPO).size());
    }

    @Test
    void droppedConnectionOnReadsIsRetriedByTheHttpClientOnceThenSurfaces() {
        host.faults().add(Fault.on("GET", PULLS).times(1).dropConnection());
        assertEquals(1, github.ensurePullRequest(spec("campaign/fix")).number(), "one drop on a GET is retried");

        host.faults().add(Fault.on("GET", "/api/v3/repos/acme/app/pulls/1").dropConnection());
        CodeHostException e = assertThrows(CodeHostException.class, () -> github.loadPullRequest(REPO, 1));
        assertEquals(Kind.NETWORK, e.kind());
    }

    @Test
    void slowResponseTimesOutAsTransient() {
        host.faults().add(Fault.on("GET", "/api/v3/repos/acme/app").times(1).delay(Duration.ofSeconds(3)));

        CodeHostException e = assertThrows(CodeHostException.class,
                () -> github.ensurePullRequest(spec("campaign/fix")));
        assertEquals(Kind.TIMEOUT, e.kind());
        assertTrue(e.isTransient());
    }

    @Test
    void shortSecondaryRateLimitIsWaitedOutInsideTheCall() {
        host.faults().add(Fault.on("POST", PULLS).times(1).secondaryRateLimit(Duration.ofSeconds(3)));

        PullRequest pr = github.ensurePullRequest(spec("campaign/fix"));

        assertEquals(1, pr.number());
        assertEquals(List.of(Duration.ofSeconds(3)), sleeps);
    }

    @Test
    void longSecondaryRateLimitSurfacesWithRetryAfter() {
        host.faults().add(Fault.on("POST", PULLS).times(1).secondaryRateLimit(Duration.ofSeconds(120)));

        CodeHostException e = assertThrows(CodeHostException.class,
                () -> github.ensurePullRequest(spec("campaign/fix")));

        assertEquals(Kind.RATE_LIMITED, e.kind());
        assertTrue(e.isTransient());
        assertEquals(Duration.ofSeconds(120), e.retryAfter().orElseThrow());
        assertEquals(List.of(), sleeps, "a pause above the bound is not slept in the call");
    }

    @Test
    void contentCreationLimitIsEnforcedOnTheHostClockAndWaitedOut() {
        // The host allows 5 content-creating requests a minute; each new pull request with a label costs 2.
        for (int i = 0; i < 3; i++) {
            host.commitFiles(REPO, "campaign/" + i, Map.of("f" + i, "x"), "change " + i);
        }
        for (int i = 0; i < 3; i++) {
            github.ensurePullRequest(spec("campaign/" + i));
        }
        assertEquals(3, host.pullRequests(REPO).size());
        assertEquals(1, sleeps.size(), "the 6th write waited for the minute window: " + sleeps);
        assertTrue(sleeps.get(0).compareTo(Duration.ofSeconds(60)) <= 0, sleeps.toString());
        assertEquals(3, host.pullRequests(REPO).stream().filter(p -> p.labels().equals(List.of("campaign")))
                .count());
    }

    @Test
    void configAndErrorsNeverShowTheToken() {
        GitHubConfig config = GitHubConfig.enterprise(URI.create(host.baseUrl()), () -> TOKEN);
        assertFalse(config.toString().contains(TOKEN));
        assertFalse(github.toString().contains(TOKEN));
        host.faults().add(Fault.on(null, ".*").status(500));
        CodeHostException e = assertThrows(CodeHostException.class,
                () -> github.ensurePullRequest(spec("campaign/fix")));
        assertNoToken(e);
    }

    @Test
    void cloneUrlFollowsTheEnterpriseLayout() {
        assertEquals(host.gitUrl(REPO), github.cloneUrl(REPO));
    }

    static void assertNoToken(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertFalse(trace.toString().contains(TOKEN), trace.toString());
        assertFalse(trace.toString().contains(READ_TOKEN), trace.toString());
    }
}
