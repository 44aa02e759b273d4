package dev.campaigns.store;

import dev.campaigns.domain.ChangesetOperation;
import dev.campaigns.domain.ChangesetOperationResult;
import dev.campaigns.domain.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** The in-memory twin of {@link DynamoChangesetOperationStore}, with the same conditions. */
public final class InMemoryChangesetOperationStore implements ChangesetOperationStore {
    private final Map<String, ChangesetOperation> operations = new TreeMap<>();
    private final Map<String, NavigableMap<String, ChangesetOperationResult>> results = new TreeMap<>();

    @Override
    public synchronized void create(ChangesetOperation operation, List<ChangesetOperationResult> pending) {
        Map<String, ChangesetOperationResult> rs = results.computeIfAbsent(operation.id(), k -> new TreeMap<>());
        pending.forEach(r -> rs.put(r.changesetId(), r));
        operations.putIfAbsent(operation.id(), operation);
    }

    @Override
    public synchronized Optional<ChangesetOperation> operation(String operationId) {
        return Optional.ofNullable(operations.get(operationId));
    }

    @Override
    public synchronized Optional<ChangesetOperationResult> result(String operationId, String changesetId) {
        return Optional.ofNullable(results.getOrDefault(operationId, new TreeMap<>()).get(changesetId));
    }

    @Override
    public synchronized Page<ChangesetOperationResult> results(String operationId, int first, String after) {
        NavigableMap<String, ChangesetOperationResult> all = results.getOrDefault(operationId, new TreeMap<>());
        NavigableMap<String, ChangesetOperationResult> rest = after == null ? all
                : all.tailMap(decode(after, operationId), false);
        List<ChangesetOperationResult> nodes = new ArrayList<>(rest.values()).subList(0, Math.min(first, rest.size()));
        boolean more = rest.size() > first;
        return new Page<>(List.copyOf(nodes), more ? encode(operationId, nodes.get(nodes.size() - 1).changesetId())
                : null, -1);
    }

    /** A cursor of the operation's results after {@code changesetId}, in the twins' encoding. */
    private static String encode(String operationId, String changesetId) {
        return InMemoryRepositories.encode(operationId + "\u0000" + changesetId);
    }

    private static String decode(String cursor, String operationId) {
        String key = InMemoryRepositories.decode(cursor);
        if (!key.startsWith(operationId + "\u0000")) {
            throw new InvalidCursorException(); // another operation's
        }
        return key.substring(operationId.length() + 1);
    }

    @Override
    public synchronized boolean start(String operationId, String changesetId, Instant at) {
        ChangesetOperationResult r = result(operationId, changesetId).orElse(null);
        if (r == null || r.state() != ChangesetOperationResult.State.PENDING) {
            return false;
        }
        put(r, ChangesetOperationResult.State.STARTED, null, at);
        return true;
    }

    @Override
    public synchronized boolean finish(String operationId, String changesetId, ChangesetOperationResult.State state,
                                       String reason, Instant at) {
        if (!state.isFinal()) {
            throw new IllegalArgumentException(state + " is not a final state");
        }
        ChangesetOperationResult r = result(operationId, changesetId).orElse(null);
        ChangesetOperation op = operations.get(operationId);
        if (r == null || op == null || r.state().isFinal()) {
            return false;
        }
        put(r, state, reason, at);
        ChangesetOperation.Counts c = op.counts();
        ChangesetOperation.Counts counted = switch (state) {
            case SUCCEEDED -> new ChangesetOperation.Counts(c.succeeded() + 1, c.failed(), c.skipped());
            case FAILED -> new ChangesetOperation.Counts(c.succeeded(), c.failed() + 1, c.skipped());
            default -> new ChangesetOperation.Counts(c.succeeded(), c.failed(), c.skipped() + 1);
        };
        operations.put(operationId, new ChangesetOperation(op.id(), op.campaignId(), op.owner(), op.kind(),
                op.filter(), op.body(), op.mergeMethod(), op.force(), op.reviewers(), op.labels(), op.createdAt(),
                op.total(), counted));
        return true;
    }

    /** Sets a result's state as a crashed consumer would have left it (tests). */
    public synchronized void force(String operationId, String changesetId, ChangesetOperationResult.State state) {
        put(result(operationId, changesetId).orElseThrow(), state, null, Instant.EPOCH);
    }

    private void put(ChangesetOperationResult r, ChangesetOperationResult.State state, String reason, Instant at) {
        results.get(r.operationId()).put(r.changesetId(), new ChangesetOperationResult(r.operationId(),
                r.changesetId(), r.repository(), r.externalID(), state, reason, at));
    }
}
