package dev.campaigns.infra.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHost;
import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.CodeHostKind;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.domain.MergeMethod;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.codehost.bitbucket.BitbucketServerCodeHost;
import dev.campaigns.codehost.gitlab.GitLabCodeHost;
import dev.campaigns.codehost.rest.RestHostConfig;
import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetReviewState;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The GitLab and Bitbucket Server clients against the local host speaking each API: find-or-create that is safe to
 * repeat and to race, convergence of title, body, labels and reviewers, the closed/merged rule, review and check
 * state, close, and failures classified by kind with the token never in a message.
 */
class RestCodeHostsTest {
    private static final String TOKEN = "glpat-secretToken0123";
    private static final AtomicInteger REPOS = new AtomicInteger();
    private LocalCodeHost host;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    private CodeHost start(CodeHostKind kind) {
        host = LocalCodeHost.start(new LocalCodeHost.Options().kind(kind).token(TOKEN, LocalCodeHost.Access.WRITE)
                .token("reader", LocalCodeHost.Access.READ).users("alice", "bob"));
        return client(kind, TOKEN);
    }

    private CodeHost client(CodeHostKind kind, String token) {
        RestHostConfig config = new RestHostConfig(URI.create(host.apiUrl()), URI.create(host.baseUrl()), () -> token,
                Duration.ofSeconds(10), null, Duration.ofSeconds(10), null, sleeps::add);
        return kind == CodeHostKind.GITLAB ? new GitLabCodeHost(config) : new BitbucketServerCodeHost(config);
    }

    /** A repository with a pushed branch {@code b} one commit ahead of main. */
    private String repository(String branch) {
        String repo = "PROJ/app" + REPOS.incrementAndGet();
        host.createRepository(repo, Map.of("README.md", "hi\n"));
        host.commitFiles(repo, branch, Map.of("f.txt", "change\n"), "change");
        return repo;
    }

    private static PullRequestSpec spec(String repo, String branch, List<String> labels, List<String> reviewers) {
        return new PullRequestSpec(repo, branch, "main", "Upgrade", "Body", false, labels, reviewers);
    }

    @ParameterizedTest
    @EnumSource(value = CodeHostKind.class, names = {"GITLAB", "BITBUCKET_SERVER"})
    void ensuringTwiceOpensOnePullRequestWithItsLabelsAndKnownReviewers(CodeHostKind kind) {
        CodeHost client = start(kind);
        String repo = repository("b");
        PullRequest first = client.ensurePullRequest(spec(repo, "b", List.of("deps"), List.of("alice", "ghost")));
        PullRequest again = client.ensurePullRequest(spec(repo, "b", List.of("deps"), List.of("alice", "ghost")));
        assertEquals(first.number(), again.number());
        assertEquals(1, host.pullRequests(repo).size());
        assertEquals(PullRequestState.OPEN, again.state());
        assertEquals("b", again.headRef());
        assertEquals("main", again.baseRef());
        assertEquals(host.branchTip(repo, "b").orElseThrow(), again.headSha());
        assertEquals(List.of("alice"), again.reviewers(), "the unknown reviewer is left out");
        assertEquals(List.of("alice"), host.pullRequests(repo).get(0).requestedReviewers());
        if (kind == CodeHostKind.GITLAB) {
            assertEquals(List.of("deps"), again.labels());
            assertTrue(again.url().endsWith("/" + repo + "/-/merge_requests/" + again.number()), again.url());
        } else {
            assertEquals(List.of(), again.labels(), "Bitbucket Server pull requests have no labels");
            assertTrue(again.url().endsWith("/projects/PROJ/repos/" + repo.split("/")[1] + "/pull-requests/"
                    + again.number()), again.url());
        }
        assertEquals(host.gitUrl(repo), client.cloneUrl(repo));
    }

    @ParameterizedTest
    @EnumSource(value = CodeHostKind.class, names = {"GITLAB", "BITBUCKET_SERVER"})
    void findLooksUpByHeadBranchPrefersAnOpenOneAndNeverOpensOne(CodeHostKind kind) {
        CodeHost client = start(kind);
        String repo = repository("b");
        assertTrue(client.findPullRequest(repo, "b").isEmpty());
        assertTrue(host.pullRequests(repo).isEmpty(), "nothing opened");
        int first = host.openPullRequest(repo, "b", "main", "First").number();
        host.closePullRequest(repo, first);
        assertEquals(List.of((long) first, PullRequestState.CLOSED), found(client, repo));
        int second = host.openPullRequest(repo, "b", "main", "Second").number();
        assertEquals(List.of((long) second, PullRequestState.OPEN), found(client, repo), "the open one first");
        assertTrue(client.findPullRequest(repo, "other").isEmpty());
        assertEquals(2, host.pullRequests(repo).size());
    }

    private static List<Object> found(CodeHost client, String repo) {
        PullRequest pr = client.findPullRequest(repo, "b").orElseThrow();
        assertEquals("b", pr.headRef());
        return List.of(pr.number(), pr.state());
    }

    @ParameterizedTest
    @EnumSource(value = CodeHostKind.class, names = {"GITLAB", "BITBUCKET_SERVER"})
    void bulkOperationsCommentFindTheCommentRequestReviewersLabelAndMerge(CodeHostKind kind) {
        CodeHost client = start(kind);
        String repo = repository("b");
        long n = client.ensurePullRequest(spec(repo, "b", List.of(), List.of())).number();
        client.commentOnPullRequest(repo, n, "Lands Friday\n\n<!-- campaigns-operation:op1 -->");
        assertEquals(List.of("Lands Friday\n\n<!-- campaigns-operation:op1 -->"), host.comments(repo, (int) n));
        assertTrue(client.hasComment(repo, n, "<!-- campaigns-operation:op1 -->"));
        assertFalse(client.hasComment(repo, n, "<!-- campaigns-operation:op2 -->"));
        client.requestReviewers(repo, n, List.of("bob"));
        client.requestReviewers(repo, n, List.of("bob"));
        assertEquals(List.of("bob"), host.pullRequests(repo).get(0).requestedReviewers());
        if (kind == CodeHostKind.GITLAB) {
            client.addLabels(repo, n, List.of("ready"));
            assertEquals(List.of("ready"), host.pullRequests(repo).get(0).labels());
            CodeHostException rebase = assertThrows(CodeHostException.class,
                    () -> client.mergePullRequest(repo, n, MergeMethod.REBASE));
            assertEquals(CodeHostException.Kind.VALIDATION, rebase.kind());
        } else {
            CodeHostException labels = assertThrows(CodeHostException.class,
                    () -> client.addLabels(repo, n, List.of("ready")));
            assertTrue(labels.getMessage().contains("no labels"), labels.getMessage());
        }
        assertEquals(PullRequestState.MERGED, client.mergePullRequest(repo, n, MergeMethod.SQUASH).state());
        assertEquals("squash", host.mergeMethod(repo, (int) n));
        assertEquals(PullRequestState.MERGED, client.mergePullRequest(repo, n, MergeMethod.SQUASH).state(),
                "merging a merged one changes nothing");
    }

    @ParameterizedTest
    @EnumSource(value = CodeHostKind.class, names = {"GITLAB", "BITBUCKET_SERVER"})
    void anOpenOneIsConvergedAndALostRaceResolvesToTheWinner(CodeHostKind kind) {
        CodeHost client = start(kind);
        String repo = repository("b");
        host.openPullRequest(repo, "b", "main", "Old title");
        PullRequest found = client.ensurePullRequest(spec(repo, "b", List.of(), List.of("bob")));
        assertEquals(1, found.number());
        assertEquals("Upgrade", found.title());
        assertEquals("Body", found.body());
        assertEquals(List.of("bob"), found.reviewers());

        String raced = repository("r");
        host.faults().add(Fault.on("POST", host.pullRequestCreationPath(raced)).times(1)
                .before(() -> host.openPullRequest(raced, "r", "main", "Upgrade")));
        PullRequest winner = client.ensurePullRequest(spec(raced, "r", List.of(), List.of()));
        assertEquals(1, host.pullRequests(raced).size());
        assertEquals(host.pullRequests(raced).get(0).number(), winner.number());
    }

    @ParameterizedTest
    @EnumSource(value = CodeHostKind.class, names = {"GITLAB", "BITBUCKET_SERVER"})
    void aClosedOneIsNotReopenedAndADraftIsADraft(CodeHostKind kind) {
        CodeHost client = start(kind);
        String repo = repository("b");
        PullRequest pr = client.ensurePullRequest(new PullRequestSpec(repo, "b", "main", "Upgrade", "", true, null,
                null));
        assertTrue(pr.draft());
        PullRequest closed = client.closePullRequest(repo, pr.number());
        assertEquals(PullRequestState.CLOSED, closed.state());
        assertEquals(PullRequestState.CLOSED, client.closePullRequest(repo, pr.number()).state(), "closing again");
        assertEquals(PullRequestState.CLOSED, client.ensurePullRequest(spec(repo, "b", null, null)).state());
        assertEquals(1, host.pullRequests(repo).size());
        assertEquals("closed", host.pullRequests(repo).get(0).state());

        String merged = repository("m");
        PullRequest m = client.ensurePullRequest(spec(merged, "m", null, null));
        host.mergePullRequest(merged, (int) m.number());
        assertEquals(PullRequestState.MERGED, client.loadPullRequest(merged, m.number()).state());
        assertEquals(PullRequestState.MERGED, client.ensurePullRequest(spec(merged, "m", null, null)).state());
    }

    @ParameterizedTest
    @EnumSource(value = CodeHostKind.class, names = {"GITLAB", "BITBUCKET_SERVER"})
    void reviewsAndChecksBecomeTheChangesetsStates(CodeHostKind kind) {
        CodeHost client = start(kind);
        String repo = repository("b");
        int n = (int) client.ensurePullRequest(spec(repo, "b", null, List.of("alice"))).number();
        PullRequestStatus none = client.loadPullRequestStatus(repo, n);
        assertEquals(ChangesetReviewState.PENDING, none.reviewState());
        assertEquals(null, none.checkState(), "no CI: no check state");
        assertTrue(none.createdAt() != null && none.updatedAt() != null);

        host.setCheck(repo, n, "build", "in_progress", null);
        assertEquals(ChangesetCheckState.PENDING, client.loadPullRequestStatus(repo, n).checkState());
        host.setCheck(repo, n, "build", "completed", "failure");
        assertEquals(ChangesetCheckState.FAILED, client.loadPullRequestStatus(repo, n).checkState());
        host.setCheck(repo, n, "build", "completed", "success");
        host.reviewPullRequest(repo, n, "alice", "APPROVED");
        PullRequestStatus approved = client.loadPullRequestStatus(repo, n);
        assertEquals(ChangesetCheckState.PASSED, approved.checkState());
        assertEquals(ChangesetReviewState.APPROVED, approved.reviewState());
        assertTrue(approved.reviewChangedAt() != null && approved.checkChangedAt() != null);
        if (kind == CodeHostKind.BITBUCKET_SERVER) {
            host.reviewPullRequest(repo, n, "bob", "CHANGES_REQUESTED");
            assertEquals(ChangesetReviewState.CHANGES_REQUESTED, client.loadPullRequestStatus(repo, n).reviewState());
        }
        client.closePullRequest(repo, n);
        PullRequestStatus closed = client.loadPullRequestStatus(repo, n);
        assertEquals(PullRequestState.CLOSED, closed.pullRequest().state());
        assertTrue(closed.closedAt() != null);
        assertEquals(null, closed.mergedAt());
    }

    @ParameterizedTest
    @EnumSource(value = CodeHostKind.class, names = {"GITLAB", "BITBUCKET_SERVER"})
    void failuresAreClassifiedAndNeverCarryTheToken(CodeHostKind kind) {
        CodeHost client = start(kind);
        String repo = repository("b");
        CodeHostException missing = assertThrows(CodeHostException.class, () -> client.loadPullRequest("PROJ/none",
                1));
        assertEquals(CodeHostException.Kind.NOT_FOUND, missing.kind());
        assertEquals(CodeHostException.Kind.NOT_FOUND, assertThrows(CodeHostException.class,
                () -> client.loadPullRequest(repo, 99)).kind());
        CodeHostException badToken = assertThrows(CodeHostException.class,
                () -> client(kind, "wrong-" + TOKEN).ensurePullRequest(spec(repo, "b", null, null)));
        assertEquals(CodeHostException.Kind.UNAUTHORIZED, badToken.kind());
        assertFalse(badToken.getMessage().contains(TOKEN), badToken.getMessage());
        assertEquals(CodeHostException.Kind.FORBIDDEN, assertThrows(CodeHostException.class,
                () -> client(kind, "reader").ensurePullRequest(spec(repo, "b", null, null))).kind());
        assertEquals(0, host.pullRequests(repo).size(), "nothing was opened");

        host.faults().add(Fault.on("GET", ".*").times(1).status(502));
        CodeHostException server = assertThrows(CodeHostException.class, () -> client.ensurePullRequest(spec(repo,
                "b", null, null)));
        assertEquals(CodeHostException.Kind.SERVER_ERROR, server.kind());
        assertTrue(server.isTransient());
        CodeHostException noBranch = assertThrows(CodeHostException.class,
                () -> client.ensurePullRequest(spec(repo, "no-such-branch", null, null)));
        // GitLab: 422 "Source branch or target branch does not exist"; Bitbucket: 404 NoSuchBranchException.
        assertEquals(kind == CodeHostKind.GITLAB ? CodeHostException.Kind.VALIDATION
                : CodeHostException.Kind.NOT_FOUND, noBranch.kind(), noBranch.getMessage());
        assertFalse(noBranch.isTransient());
        assertTrue(noBranch.getMessage().contains("no-such-branch") || noBranch.getMessage().contains("branch"),
                noBranch.getMessage());
        assertFalse(server.getMessage().contains(TOKEN));
    }

    @ParameterizedTest
    @EnumSource(value = CodeHostKind.class, names = {"GITLAB", "BITBUCKET_SERVER"})
    void aShortRateLimitIsWaitedForAndALongOneIsHandedToTheWorkflow(CodeHostKind kind) {
        CodeHost client = start(kind);
        String repo = repository("b");
        host.faults().add(Fault.on("POST", host.pullRequestCreationPath(repo)).times(1)
                .secondaryRateLimit(Duration.ofSeconds(3)));
        PullRequest pr = client.ensurePullRequest(spec(repo, "b", null, null));
        assertEquals(List.of(Duration.ofSeconds(3)), sleeps);
        assertEquals(1, host.pullRequests(repo).size());

        String other = repository("c");
        host.faults().add(Fault.on("POST", host.pullRequestCreationPath(other)).times(1)
                .secondaryRateLimit(Duration.ofSeconds(120)));
        CodeHostException limited = assertThrows(CodeHostException.class, () -> client.ensurePullRequest(spec(other,
                "c", null, null)));
        assertEquals(CodeHostException.Kind.RATE_LIMITED, limited.kind());
        assertEquals(Duration.ofSeconds(120), limited.retryAfter().orElseThrow());
        assertEquals(List.of(Duration.ofSeconds(3)), sleeps, "a pause above the bound is not slept in the call");
        assertNotEquals(0, pr.number());
        if (kind == CodeHostKind.GITLAB) {
            assertTrue(client.remainingRequests() < 5000, "GitLab's RateLimit-Remaining is read");
        } else {
            assertEquals(Integer.MAX_VALUE, client.remainingRequests(), "Bitbucket publishes no remaining count");
        }
    }
}
