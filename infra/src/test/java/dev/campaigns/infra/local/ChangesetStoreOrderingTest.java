package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetEvent;
import dev.campaigns.domain.ChangesetReviewState;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.store.ChangesetStore;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On DynamoDB Local with the template's table: code host truth is stored in order of the time its read started,
 * whatever order the writes arrive in, and the history holds each change once.
 */
class ChangesetStoreOrderingTest {
    private static final Instant OPENED = Instant.parse("2026-02-01T10:00:00Z");
    private static final Instant MERGED = Instant.parse("2026-02-03T10:00:00Z");
    private static LocalDynamoDb dynamo;
    private static ChangesetStore store;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamoDb.start(SamTemplate.fromClasspath().tables());
        store = new ChangesetStore(dynamo.client(), "CampaignsTable");
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    private static PullRequestStatus status(String repo, PullRequestState state, ChangesetReviewState review,
                                            ChangesetCheckState check, Instant updatedAt) {
        PullRequest pr = new PullRequest(repo, 1, "http://host/" + repo + "/pull/1", state, "Title", "", "feature",
                "main", "a".repeat(40), false, List.of(), List.of());
        return new PullRequestStatus(pr, review, check, OPENED, updatedAt,
                state == PullRequestState.OPEN ? null : updatedAt, state == PullRequestState.MERGED ? updatedAt : null,
                review == ChangesetReviewState.PENDING ? null : updatedAt, check == null ? null : updatedAt);
    }

    @Test
    void anOlderReadArrivingLateChangesNothing_andARepeatedWriteRecordsNothingTwice() {
        String repo = "order/late";
        Instant t1 = Instant.parse("2026-02-05T00:00:01Z");
        Instant t2 = t1.plusMillis(5);
        PullRequestStatus older = status(repo, PullRequestState.OPEN, ChangesetReviewState.APPROVED,
                ChangesetCheckState.PENDING, Instant.parse("2026-02-02T10:00:00Z"));
        PullRequestStatus newer = status(repo, PullRequestState.MERGED, ChangesetReviewState.APPROVED,
                ChangesetCheckState.PASSED, MERGED);

        store.observe(newer, t2, null);
        var afterLate = store.observe(older, t1, null);   // read earlier, written later: ignored
        assertEquals(ChangesetState.MERGED, afterLate.state());
        assertEquals(ChangesetCheckState.PASSED, afterLate.checkState());
        store.observe(newer, t2, null);                    // a duplicate: nothing new
        store.markDeleted(afterLate.id(), t1);             // an old 404: ignored

        List<ChangesetEvent> events = store.events(afterLate.id());
        assertEquals(java.util.Set.of("STATE=OPEN@" + OPENED, "STATE=MERGED@" + MERGED,
                        "REVIEW_STATE=APPROVED@" + MERGED, "CHECK_STATE=PASSED@" + MERGED),
                events.stream().map(e -> e.field() + "=" + e.value() + "@" + e.at())
                        .collect(java.util.stream.Collectors.toSet()));
        assertEquals(4, events.size());
    }

    @Test
    void inOrderReadsRecordEachChange() {
        String repo = "order/inorder";
        Instant t = Instant.parse("2026-02-05T00:00:00Z");
        Instant review = Instant.parse("2026-02-02T10:00:00Z");
        store.observe(status(repo, PullRequestState.OPEN, ChangesetReviewState.PENDING, null, OPENED), t, "c1");
        store.observe(status(repo, PullRequestState.OPEN, ChangesetReviewState.CHANGES_REQUESTED, null, review),
                t.plusSeconds(1), null);
        var merged = store.observe(status(repo, PullRequestState.MERGED, ChangesetReviewState.CHANGES_REQUESTED, null,
                MERGED), t.plusSeconds(2), "c2");
        assertEquals("c1", merged.ownerCampaignId(), "the first owner stays");
        store.markDeleted(merged.id(), t.plusSeconds(3));
        assertEquals(ChangesetState.DELETED, store.changeset(merged.id()).orElseThrow().state());
        assertEquals(List.of("STATE=OPEN", "REVIEW_STATE=CHANGES_REQUESTED", "STATE=MERGED", "STATE=DELETED"),
                store.events(merged.id()).stream().sorted(java.util.Comparator.comparing(ChangesetEvent::at))
                        .map(e -> e.field() + "=" + e.value()).toList());
    }
}
