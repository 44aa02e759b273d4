package dev.campaigns.store;

import dev.campaigns.domain.ChangesetOperation;
import dev.campaigns.domain.ChangesetOperationResult;
import dev.campaigns.domain.Page;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Bulk operations and each changeset's outcome (docs/changesets.md "Bulk operations"). {@link #start} and
 * {@link #finish} are the idempotency record around each side effect: a changeset is acted on only after it moved
 * from PENDING to STARTED, and reaches a final state once, which also counts it on the operation.
 * {@link DynamoChangesetOperationStore} in AWS; an in-memory twin in the tests.
 */
public interface ChangesetOperationStore {
    /** Records a new operation and one PENDING result per changeset it applies to. */
    void create(ChangesetOperation operation, List<ChangesetOperationResult> pending);

    Optional<ChangesetOperation> operation(String operationId);

    Optional<ChangesetOperationResult> result(String operationId, String changesetId);

    /**
     * Up to {@code first} results, ordered by changeset ID, after the cursor {@code after} (null: from the start);
     * the page's end cursor is null on the last page (it may also be set when nothing follows). Its total count is
     * -1: the operation's own total says it. A cursor this store did not make for this operation is refused with
     * {@link InvalidCursorException}.
     */
    Page<ChangesetOperationResult> results(String operationId, int first, String after);

    /** PENDING to STARTED; false when the result is not PENDING (already started or final). */
    boolean start(String operationId, String changesetId, Instant at);

    /**
     * PENDING or STARTED to a final state (with its reason), counted on the operation in the same write; false (and
     * nothing changed) when the result was final already.
     */
    boolean finish(String operationId, String changesetId, ChangesetOperationResult.State state, String reason,
                   Instant at);
}
