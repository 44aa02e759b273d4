package dev.campaigns.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHost;
import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetOperation;
import dev.campaigns.domain.ChangesetOperationResult;
import dev.campaigns.domain.ChangesetReviewState;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.domain.MergeMethod;
import dev.campaigns.git.BotIdentity;
import dev.campaigns.git.RemoteCredentials;
import dev.campaigns.store.InMemoryChangesetOperationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The bulk operations' rules on in-memory twins with a frozen clock: which changesets are acted on or skipped and why,
 * idempotency per operation and changeset (a final result is never acted on again; a STARTED one is checked on the
 * host), pacing (a near slot is waited for, a far one sends the rest back to the queue), rate limits and transient
 * failures, and the input checks.
 */
class ChangesetOperationsTest {
    static final Instant NOW = Instant.parse("2026-12-04T08:00:00Z");
    static final String CAMPAIGN = "c1";

    final InMemoryChangesetOperationStore store = new InMemoryChangesetOperationStore();
    final Map<String, Changeset> changesets = new LinkedHashMap<>();
    final RecordingHost host = new RecordingHost();
    final List<ChangesetOperationRequest> queued = new ArrayList<>();
    final List<Duration> slept = new ArrayList<>();
    final List<String> refreshed = new ArrayList<>();
    Duration slotIn = Duration.ZERO;

    final ChangesetOperations ops = new ChangesetOperations(store, new ChangesetOperations.Changesets() {
        @Override
        public List<String> campaignChangesetIds(String campaignId) {
            return changesets.values().stream().filter(c -> c.campaignIds().contains(campaignId))
                    .map(Changeset::id).toList();
        }

        @Override
        public List<Changeset> changesets(List<String> ids) {
            return ids.stream().map(changesets::get).filter(java.util.Objects::nonNull).toList();
        }

        @Override
        public void refresh(String owner, Changeset changeset) {
            refreshed.add(changeset.id());
        }
    }, (owner, campaignId) -> {
        if (!"alice".equals(owner) || !CAMPAIGN.equals(campaignId)) {
            throw new NotFoundException("campaign", campaignId);
        }
    }, () -> new CodeHostAccess(host, new RemoteCredentials("t0ken"), new BotIdentity("bot",
            "bot@example.com")), () -> (request, delay) -> queued.add(request), (repository, key) -> NOW.plus(slotIn),
            Clock.fixed(NOW, ZoneOffset.UTC), slept::add);

    Changeset changeset(int n, ChangesetState state, ChangesetCheckState checks, boolean own) {
        Changeset c = new Changeset("cs" + n, "acme/r" + n, "1", null, state, ChangesetReviewState.PENDING, checks,
                "t", List.of(), "campaigns/x", "main", "abc", NOW, NOW, own ? CAMPAIGN : null, Set.of(CAMPAIGN), NOW);
        changesets.put(c.id(), c);
        return c;
    }

    ChangesetOperations.Input input(ChangesetOperation.Kind kind) {
        return new ChangesetOperations.Input(CAMPAIGN, kind, null, kind == ChangesetOperation.Kind.COMMENT ? "Hi"
                : null, null, false, List.of(), List.of());
    }

    ChangesetOperation runAll(ChangesetOperations.Input in) {
        ChangesetOperation op = ops.start("alice", in);
        for (ChangesetOperationRequest r : List.copyOf(queued)) {
            assertNull(ops.run(r));
        }
        return store.operation(op.id()).orElseThrow();
    }

    Map<String, ChangesetOperationResult> results(ChangesetOperation op) {
        Map<String, ChangesetOperationResult> out = new HashMap<>();
        dev.campaigns.store.OperationResults.all(store, op.id()).forEach(r -> out.put(r.changesetId(), r));
        return out;
    }

    @Test
    void aMergeSkipsFailingAndPendingChecksAndClosedPullRequestsUnlessForced() {
        changeset(1, ChangesetState.OPEN, ChangesetCheckState.PASSED, true);
        changeset(2, ChangesetState.OPEN, ChangesetCheckState.FAILED, true);
        changeset(3, ChangesetState.OPEN, ChangesetCheckState.PENDING, false);
        changeset(4, ChangesetState.CLOSED, ChangesetCheckState.PASSED, true);
        changeset(5, ChangesetState.OPEN, null, true);
        ChangesetOperation op = runAll(new ChangesetOperations.Input(CAMPAIGN, ChangesetOperation.Kind.MERGE, null,
                null, MergeMethod.SQUASH, false, null, null));
        Map<String, ChangesetOperationResult> r = results(op);
        assertEquals(ChangesetOperationResult.State.SUCCEEDED, r.get("cs1").state());
        assertEquals("checks failing", r.get("cs2").reason());
        assertEquals("checks pending", r.get("cs3").reason());
        assertEquals("the pull request is CLOSED", r.get("cs4").reason());
        assertEquals(ChangesetOperationResult.State.SUCCEEDED, r.get("cs5").state(), "no checks: nothing failing");
        assertEquals(List.of("merge acme/r1#1 SQUASH", "merge acme/r5#1 SQUASH"), host.writes);
        assertEquals(new ChangesetOperation.Counts(2, 0, 3), op.counts());
        assertTrue(op.finished());
        assertEquals(List.of("cs1", "cs5"), refreshed, "merged changesets are re-read");

        host.writes.clear();
        queued.clear();
        runAll(new ChangesetOperations.Input(CAMPAIGN, ChangesetOperation.Kind.MERGE, null, null, null, true, null,
                null));
        assertTrue(host.writes.containsAll(List.of("merge acme/r2#1 MERGE", "merge acme/r3#1 MERGE")), host.writes
                .toString());
    }

    @Test
    void aCloseActsOnlyOnTheCampaignsOwnPullRequests() {
        changeset(1, ChangesetState.OPEN, null, true);
        changeset(2, ChangesetState.OPEN, null, false);
        ChangesetOperation op = runAll(input(ChangesetOperation.Kind.CLOSE));
        assertEquals(List.of("close acme/r1#1"), host.writes);
        assertTrue(results(op).get("cs2").reason().startsWith("tracked, not opened by this campaign"));
    }

    @Test
    void theFilterSelectsByStateReviewAndChecks() {
        changeset(1, ChangesetState.OPEN, ChangesetCheckState.PASSED, true);
        changeset(2, ChangesetState.OPEN, ChangesetCheckState.FAILED, true);
        changeset(3, ChangesetState.MERGED, ChangesetCheckState.PASSED, true);
        changeset(4, ChangesetState.OPEN, null, true);
        ChangesetOperation op = ops.start("alice", new ChangesetOperations.Input(CAMPAIGN,
                ChangesetOperation.Kind.ADD_LABELS, new ChangesetOperation.Filter(Set.of(ChangesetState.OPEN),
                Set.of(ChangesetReviewState.PENDING), Set.of(ChangesetCheckState.PASSED)), null, null, false, null,
                List.of("ready")));
        assertEquals(1, op.total());
        assertEquals(List.of(new ChangesetOperationRequest(op.id(), List.of("cs1"))), queued);
    }

    @Test
    void aFinalResultIsNeverActedOnAgain() {
        changeset(1, ChangesetState.OPEN, null, true);
        ChangesetOperation op = runAll(input(ChangesetOperation.Kind.COMMENT));
        assertEquals(1, host.writes.size());
        assertNull(ops.run(queued.get(0)));
        assertEquals(1, host.writes.size());
        assertEquals(1, store.operation(op.id()).orElseThrow().counts().succeeded(), "counted once");
    }

    @Test
    void aStartedCommentIsLookedUpOnTheHostBeforeCommentingAgain() {
        changeset(1, ChangesetState.OPEN, null, true);
        changeset(2, ChangesetState.OPEN, null, true);
        ChangesetOperation op = ops.start("alice", input(ChangesetOperation.Kind.COMMENT));
        // cs1: commented, then the consumer stopped before recording it; cs2: stopped before commenting
        store.start(op.id(), "cs1", NOW);
        host.comments.add("acme/r1#1 Hi\n\n" + op.commentMarker());
        store.start(op.id(), "cs2", NOW);
        assertNull(ops.run(queued.get(0)));
        assertEquals(List.of("comment acme/r2#1"), host.writes);
        assertEquals(2, host.comments.size());
        assertTrue(host.comments.get(1).endsWith(op.commentMarker()), "the comment carries the marker");
        results(op).values().forEach(r -> assertEquals(ChangesetOperationResult.State.SUCCEEDED, r.state()));
    }

    @Test
    void aStartedMergeThatLandedIsNotMergedAgain() {
        changeset(1, ChangesetState.OPEN, ChangesetCheckState.PASSED, true);
        ChangesetOperation op = ops.start("alice", new ChangesetOperations.Input(CAMPAIGN,
                ChangesetOperation.Kind.MERGE, null, null, null, false, null, null));
        store.start(op.id(), "cs1", NOW);
        host.merged.add("acme/r1#1");
        assertNull(ops.run(queued.get(0)));
        assertEquals(List.of(), host.writes);
        assertEquals(ChangesetOperationResult.State.SUCCEEDED, results(op).get("cs1").state());
    }

    @Test
    void aNearSlotIsWaitedForAndAFarOneSendsTheRestBackToTheQueue() {
        changeset(1, ChangesetState.OPEN, null, true);
        changeset(2, ChangesetState.OPEN, null, true);
        slotIn = Duration.ofSeconds(5);
        ChangesetOperation op = ops.start("alice", input(ChangesetOperation.Kind.COMMENT));
        assertNull(ops.run(queued.get(0)));
        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(5)), slept);

        slotIn = Duration.ofSeconds(90);
        queued.clear();
        ChangesetOperation later = ops.start("alice", input(ChangesetOperation.Kind.COMMENT));
        ChangesetOperations.Continuation rest = ops.run(queued.get(0));
        assertEquals(new ChangesetOperations.Continuation(new ChangesetOperationRequest(later.id(),
                List.of("cs1", "cs2")), Duration.ofSeconds(90)), rest);
        assertEquals(2, host.writes.size(), "nothing sent for the later operation");

        // Not content creation: a merge takes no pacer slot and never waits.
        queued.clear();
        slept.clear();
        runAll(new ChangesetOperations.Input(CAMPAIGN, ChangesetOperation.Kind.MERGE, null, null, null, false, null,
                null));
        assertEquals(List.of(), slept);
        assertEquals(4, host.writes.size());
        results(later).values().forEach(r -> assertEquals(ChangesetOperationResult.State.PENDING, r.state()));
        assertEquals(2, store.operation(op.id()).orElseThrow().counts().succeeded());
    }

    @Test
    void aRateLimitSendsTheRestBackAndATransientFailureRetriesTheMessage() {
        changeset(1, ChangesetState.OPEN, null, true);
        changeset(2, ChangesetState.OPEN, null, true);
        ChangesetOperation op = ops.start("alice", input(ChangesetOperation.Kind.COMMENT));
        host.failNext = new CodeHostException(CodeHostException.Kind.RATE_LIMITED, 403, "secondary rate limit",
                Duration.ofMinutes(2), null);
        ChangesetOperations.Continuation rest = ops.run(queued.get(0));
        assertEquals(Duration.ofMinutes(2), rest.delay());
        assertEquals(List.of("cs1", "cs2"), rest.rest().changesetIds());
        assertEquals(ChangesetOperationResult.State.STARTED, results(op).get("cs1").state(), "ambiguous: checked "
                + "on the host when delivered again");

        host.failNext = new CodeHostException(CodeHostException.Kind.SERVER_ERROR, 502, "bad gateway", null, null);
        assertThrows(CodeHostException.class, () -> ops.run(rest.rest()));
        assertNull(ops.run(rest.rest()));
        assertEquals(2, host.comments.size());
    }

    @Test
    void aRefusalIsRecordedAsFailedWithTheHostsReasonAndTheTokenRedacted() {
        changeset(1, ChangesetState.OPEN, null, true);
        host.failNext = new CodeHostException(CodeHostException.Kind.VALIDATION, 422, "label refused for t0ken",
                null, null);
        ChangesetOperation op = runAll(new ChangesetOperations.Input(CAMPAIGN, ChangesetOperation.Kind.ADD_LABELS,
                null, null, null, false, null, List.of("x")));
        ChangesetOperationResult r = results(op).get("cs1");
        assertEquals(ChangesetOperationResult.State.FAILED, r.state());
        assertTrue(r.reason().contains("label refused") && !r.reason().contains("t0ken"), r.reason());
        assertEquals(new ChangesetOperation.Counts(0, 1, 0), op.counts());
    }

    @Test
    void badInputIsRefusedByNameAndRecordsNothing() {
        changeset(1, ChangesetState.OPEN, null, true);
        assertMessage("body is required for COMMENT", new ChangesetOperations.Input(CAMPAIGN,
                ChangesetOperation.Kind.COMMENT, null, " ", null, false, null, null));
        assertMessage("labels does not apply to CLOSE", new ChangesetOperations.Input(CAMPAIGN,
                ChangesetOperation.Kind.CLOSE, null, null, null, false, null, List.of("x")));
        assertMessage("body does not apply to MERGE", new ChangesetOperations.Input(CAMPAIGN,
                ChangesetOperation.Kind.MERGE, null, "hi", null, false, null, null));
        assertMessage("reviewers[1] is not a valid user name", new ChangesetOperations.Input(CAMPAIGN,
                ChangesetOperation.Kind.REQUEST_REVIEWERS, null, null, null, false, List.of("bob", "-x y"), null));
        assertMessage("labels names 21; at most 20", new ChangesetOperations.Input(CAMPAIGN,
                ChangesetOperation.Kind.ADD_LABELS, null, null, null, false, null,
                java.util.stream.IntStream.range(0, 21).mapToObj(i -> "l" + i).toList()));
        assertMessage("operation is required", new ChangesetOperations.Input(CAMPAIGN, null, null, null, null,
                false, null, null));
        assertThrows(NotFoundException.class, () -> ops.start("mallory", input(ChangesetOperation.Kind.CLOSE)));
        assertEquals(List.of(), queued);
        assertEquals(List.of(), host.writes);
    }

    void assertMessage(String expected, ChangesetOperations.Input in) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ops.start("alice", in));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** A code host that records every write; what it has is what the tests gave it. */
    static final class RecordingHost implements CodeHost {
        final List<String> writes = new ArrayList<>();
        final List<String> comments = new ArrayList<>();
        final List<String> merged = new ArrayList<>();
        CodeHostException failNext;

        private void write(String what) {
            if (failNext != null) {
                CodeHostException e = failNext;
                failNext = null;
                throw e;
            }
            writes.add(what);
        }

        @Override
        public void commentOnPullRequest(String repository, long number, String body) {
            write("comment " + repository + "#" + number);
            comments.add(repository + "#" + number + " " + body);
        }

        @Override
        public boolean hasComment(String repository, long number, String marker) {
            return comments.stream().anyMatch(c -> c.startsWith(repository + "#" + number + " ") && c.contains(marker));
        }

        @Override
        public PullRequest mergePullRequest(String repository, long number, MergeMethod method) {
            write("merge " + repository + "#" + number + " " + method);
            merged.add(repository + "#" + number);
            return loadPullRequest(repository, number);
        }

        @Override
        public void requestReviewers(String repository, long number, List<String> reviewers) {
            write("reviewers " + repository + "#" + number + " " + reviewers);
        }

        @Override
        public void addLabels(String repository, long number, List<String> labels) {
            write("labels " + repository + "#" + number + " " + labels);
        }

        @Override
        public PullRequest closePullRequest(String repository, long number) {
            write("close " + repository + "#" + number);
            return loadPullRequest(repository, number);
        }

        @Override
        public PullRequest loadPullRequest(String repository, long number) {
            return new PullRequest(repository, number, null, merged.contains(repository + "#" + number)
                    ? PullRequestState.MERGED : PullRequestState.OPEN, "t", "", "campaigns/x", "main", "abc", false,
                    List.of(), List.of());
        }

        @Override
        public PullRequest ensurePullRequest(PullRequestSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<PullRequest> findPullRequest(String repository, String headBranch) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String cloneUrl(String repository) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PullRequestStatus loadPullRequestStatus(String repository, long number) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int remainingRequests() {
            return 5000;
        }
    }
}
