package dev.campaigns.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.domain.ChangesetOperation;
import dev.campaigns.domain.ChangesetOperationResult;
import dev.campaigns.domain.Page;
import dev.campaigns.domain.ChangesetOperationResult.State;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.domain.MergeMethod;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bulk operations' store contract (docs/changesets.md "Bulk operations"): the same cases on
 * {@link DynamoChangesetOperationStore} over DynamoDB Local and on the in-memory twin the service tests use. What
 * makes an operation idempotent per changeset lives here: a result is started once and finished once, and only a
 * final state counts on the operation.
 */
abstract class ChangesetOperationStoreContract {
    static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");

    protected abstract ChangesetOperationStore fresh();

    ChangesetOperationStore store;

    @BeforeEach
    void setUp() {
        store = fresh();
    }

    static ChangesetOperation operation(String id, int total) {
        return new ChangesetOperation(id, "c1", "alice", ChangesetOperation.Kind.MERGE,
                new ChangesetOperation.Filter(Set.of(ChangesetState.OPEN), Set.of(), Set.of()), null,
                MergeMethod.SQUASH, true, List.of("r1"), List.of("l1", "l2"), T0, total, null);
    }

    static ChangesetOperationResult pending(String op, String changeset) {
        return new ChangesetOperationResult(op, changeset, "org/" + changeset, "7", State.PENDING, null, T0);
    }

    @Test
    void anOperationIsReadBackAsCreatedAndARepeatedCreateKeepsTheFirst() {
        store.create(operation("op1", 2), List.of(pending("op1", "cs-b"), pending("op1", "cs-a")));
        // create is called once per operation, under a new random ID; a repeat (same results) keeps the first operation
        store.create(operation("op1", 5), List.of(pending("op1", "cs-b"), pending("op1", "cs-a")));
        ChangesetOperation read = store.operation("op1").orElseThrow();
        assertEquals(List.of("c1", "alice", ChangesetOperation.Kind.MERGE, MergeMethod.SQUASH, true, 2),
                List.of(read.campaignId(), read.owner(), read.kind(), read.mergeMethod(), read.force(), read.total()));
        assertEquals(Set.of(ChangesetState.OPEN), read.filter().states());
        assertEquals(List.of("r1"), read.reviewers());
        assertEquals(List.of("l1", "l2"), read.labels());
        assertEquals(ChangesetOperation.Counts.NONE, read.counts());
        assertEquals(List.of("cs-a", "cs-b"), OperationResults.all(store, "op1").stream()
                .map(ChangesetOperationResult::changesetId).toList(), "ordered by changeset ID");
        assertTrue(store.operation("nope").isEmpty());
        assertTrue(store.result("op1", "cs-c").isEmpty());
    }

    @Test
    void aResultStartsOnceAndFinishesOnceCountedOnTheOperation() {
        store.create(operation("op1", 3), List.of(pending("op1", "a"), pending("op1", "b"), pending("op1", "c")));
        assertTrue(store.start("op1", "a", T0.plusSeconds(1)));
        assertFalse(store.start("op1", "a", T0.plusSeconds(2)), "a started result is not started again");
        assertEquals(State.STARTED, store.result("op1", "a").orElseThrow().state());
        assertTrue(store.finish("op1", "a", State.SUCCEEDED, null, T0.plusSeconds(3)));
        assertFalse(store.finish("op1", "a", State.FAILED, "late", T0.plusSeconds(4)), "final once");
        assertFalse(store.start("op1", "a", T0.plusSeconds(5)), "a final result is never started again");
        assertTrue(store.finish("op1", "b", State.SKIPPED, "checks failing", T0.plusSeconds(6)),
                "a pending result may be finished without a start (a skip)");
        assertTrue(store.start("op1", "c", T0.plusSeconds(7)));
        assertTrue(store.finish("op1", "c", State.FAILED, "host said no", T0.plusSeconds(8)));
        ChangesetOperationResult b = store.result("op1", "b").orElseThrow();
        assertEquals(List.of(State.SKIPPED, "checks failing", T0.plusSeconds(6)),
                List.of(b.state(), b.reason(), b.updatedAt()));
        assertEquals(new ChangesetOperation.Counts(1, 1, 1), store.operation("op1").orElseThrow().counts());
        assertEquals(List.of(State.SUCCEEDED, State.SKIPPED, State.FAILED),
                OperationResults.all(store, "op1").stream().map(ChangesetOperationResult::state).toList());
    }

    @Test
    void onlyFinalStatesFinishAndAnUnknownResultStartsNothing() {
        store.create(operation("op1", 1), List.of(pending("op1", "a")));
        assertThrows(IllegalArgumentException.class, () -> store.finish("op1", "a", State.STARTED, null, T0));
        assertFalse(store.start("op1", "zzz", T0), "no such result");
        assertEquals(State.PENDING, store.result("op1", "a").orElseThrow().state());
        assertEquals(ChangesetOperation.Counts.NONE, store.operation("op1").orElseThrow().counts());
    }

    @Test
    void resultsArePagedInChangesetOrderWithCursorsOfTheirOwnOperation() {
        List<ChangesetOperationResult> pending = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            pending.add(pending("op1", "cs-" + i));
        }
        java.util.Collections.reverse(pending);
        store.create(operation("op1", 7), pending);
        store.create(operation("op2", 1), List.of(pending("op2", "cs-x")));

        List<String> seen = new java.util.ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Page<ChangesetOperationResult> page = store.results("op1", 3, after);
            assertTrue(page.nodes().size() <= 3, "at most first per page");
            page.nodes().forEach(r -> seen.add(r.changesetId()));
            after = page.endCursor();
            pages++;
        } while (after != null && pages < 10);
        assertEquals(List.of("cs-0", "cs-1", "cs-2", "cs-3", "cs-4", "cs-5", "cs-6"), seen, "each once, in order");
        assertTrue(pages >= 3 && pages <= 4, "7 results in pages of 3: " + pages);

        String op1Cursor = store.results("op1", 2, null).endCursor();
        assertNotNull(op1Cursor);
        assertEquals(List.of("cs-2", "cs-3"), store.results("op1", 2, op1Cursor).nodes().stream()
                .map(ChangesetOperationResult::changesetId).toList());
        assertThrows(InvalidCursorException.class, () -> store.results("op2", 2, op1Cursor),
                "another operation's cursor");
        assertThrows(InvalidCursorException.class, () -> store.results("op1", 2, "not a cursor!"));
        assertEquals(List.of(), store.results("nope", 5, null).nodes());
    }
}
