package dev.campaigns.infra.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.codehost.github.GitHubCodeHost;
import dev.campaigns.codehost.github.GitHubConfig;
import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetReviewState;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kohsuke.github.GHCheckRun;
import org.kohsuke.github.GHPullRequest;
import org.kohsuke.github.GHPullRequestReviewEvent;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;

/**
 * The production client's status reads (pull request, reviews, check runs, statuses) and close, against the local
 * code host, whose pull requests are changed through GitHub's own write endpoints by a second github-api client
 * (as a person or a CI system would).
 */
class PullRequestStatusTest {
    static final String TOKEN = "ghp_status0123456789abcdefTOKEN";
    static final String REPO = "acme/status";
    final ManualClock clock = new ManualClock(Instant.parse("2026-04-01T08:00:00Z"));
    LocalCodeHost host;
    GitHubCodeHost codeHost;
    GHRepository person;
    int number;

    @BeforeEach
    void start() throws Exception {
        host = LocalCodeHost.start(new LocalCodeHost.Options().token(TOKEN, LocalCodeHost.Access.WRITE).clock(clock)
                .primaryLimitPerHour(1000));
        host.createRepository(REPO, Map.of("README.md", "hello\n"));
        host.commitFiles(REPO, "topic", Map.of("README.md", "hi\n"), "Change");
        number = host.openPullRequest(REPO, "topic", "main", "A change").number();
        codeHost = new GitHubCodeHost(GitHubConfig.enterprise(URI.create(host.baseUrl()), () -> TOKEN)
                .withRequestTimeout(Duration.ofSeconds(5)));
        GitHub gh = new GitHubBuilder().withEndpoint(host.apiUrl()).withOAuthToken(TOKEN).build();
        person = gh.getRepository(REPO);
    }

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void reviewsAndChecksBecomeTheChangesetsStates_inFiveRequests() throws Exception {
        PullRequestStatus fresh = codeHost.loadPullRequestStatus(REPO, number);
        assertEquals(ChangesetReviewState.PENDING, fresh.reviewState());
        assertNull(fresh.checkState());
        assertEquals(Instant.parse("2026-04-01T08:00:00Z"), fresh.createdAt());

        GHPullRequest pr = person.getPullRequest(number);
        String sha = pr.getHead().getSha();
        clock.advance(Duration.ofHours(1));
        pr.createReview().event(GHPullRequestReviewEvent.APPROVE).create();
        clock.advance(Duration.ofHours(1));
        person.createCheckRun("ci", sha).withStatus(GHCheckRun.Status.IN_PROGRESS).create();
        person.createCheckRun("lint", sha).withStatus(GHCheckRun.Status.COMPLETED)
                .withConclusion(GHCheckRun.Conclusion.SUCCESS).create();
        codeHost.loadPullRequestStatus(REPO, number); // github-api fetches (and caches) each reviewer once
        host.resetRequestCounts();
        PullRequestStatus running = codeHost.loadPullRequestStatus(REPO, number);
        assertEquals(5, host.requestCounts().values().stream().mapToLong(Long::longValue).sum(), host.requestCounts()
                .toString());
        assertEquals(ChangesetReviewState.APPROVED, running.reviewState());
        assertEquals(Instant.parse("2026-04-01T09:00:00Z"), running.reviewChangedAt());
        assertEquals(ChangesetCheckState.PENDING, running.checkState());

        clock.advance(Duration.ofHours(1));
        person.createCheckRun("ci", sha).withStatus(GHCheckRun.Status.COMPLETED)
                .withConclusion(GHCheckRun.Conclusion.FAILURE).create();
        PullRequestStatus failed = codeHost.loadPullRequestStatus(REPO, number);
        assertEquals(ChangesetCheckState.FAILED, failed.checkState());
        assertEquals(Instant.parse("2026-04-01T11:00:00Z"), failed.checkChangedAt());
        assertEquals(Instant.parse("2026-04-01T11:00:00Z"), failed.updatedAt());

        clock.advance(Duration.ofHours(1));
        pr.merge("ship it");
        PullRequestStatus merged = codeHost.loadPullRequestStatus(REPO, number);
        assertEquals(PullRequestState.MERGED, merged.pullRequest().state());
        assertEquals(Instant.parse("2026-04-01T12:00:00Z"), merged.mergedAt());
    }

    @Test
    void closeClosesAnOpenPullRequestOnce_andAMissingOneIsNotFound() {
        assertEquals(PullRequestState.CLOSED, codeHost.closePullRequest(REPO, number).state());
        assertEquals(PullRequestState.CLOSED, codeHost.closePullRequest(REPO, number).state());
        assertEquals(1, host.requestCount("PATCH /repos/{owner}/{repo}/pulls/{pull_number}"));
        CodeHostException missing = assertThrows(CodeHostException.class,
                () -> codeHost.loadPullRequestStatus(REPO, 99));
        assertEquals(CodeHostException.Kind.NOT_FOUND, missing.kind());
    }

    @Test
    void theRemainingRequestsAreReadForFree() {
        int before = codeHost.remainingRequests();
        assertEquals(before, codeHost.remainingRequests(), "GET /rate_limit does not count");
        codeHost.loadPullRequest(REPO, number);
        assertEquals(before - 2, codeHost.remainingRequests(), "GET repository and GET pull request count");
        assertTrue(before <= 1000 && before > 900, "limit 1000 per hour, a few used by set-up: " + before);
    }
}
