package dev.campaigns.service;

import dev.campaigns.codehost.CodeHost;
import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetOperation;
import dev.campaigns.domain.ChangesetOperationResult;
import dev.campaigns.domain.ChangesetOperationRules;
import dev.campaigns.domain.MergeMethod;
import dev.campaigns.domain.Page;
import dev.campaigns.store.ChangesetOperationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk operations on a campaign's changesets (issue 16): comment, close, merge, request reviewers, add labels, on all
 * of them or those matching a filter. {@link #start} records the operation and one PENDING result per changeset and
 * queues them; {@link #run} (the queue's consumer) acts on each, paced, idempotently per operation and changeset:
 *
 * <ol>
 *   <li>a final result (SUCCEEDED, FAILED, SKIPPED) is never acted on again;</li>
 *   <li>a PENDING one is moved to STARTED (a conditional write) before the side effect and to its final state after;
 *   <li>a STARTED one (an earlier attempt stopped between the two writes) is first checked on the code host: a comment
 *       carrying the operation's marker, a merged or closed pull request count as done; labels and review requests
 *       are idempotent on the host and are simply sent again.</li>
 * </ol>
 *
 * <p>Pacing: a comment is content creation, like a pull request (GitHub's secondary limits: 80 a minute, 500 an
 * hour), so each takes a slot of the pacer that paces pull requests (the same host and token budget): a slot up to
 * {@link #MAX_WAIT} away is waited for, a later one sends the changesets left back to the queue with that delay (at
 * most SQS's 15 minutes) and the message succeeds. Merges, closes, labels and review requests are not content
 * creation and go at the host's pace: a rate-limit answer sends the rest back to the queue the same way.
 */
public final class ChangesetOperations {
    private static final Logger LOG = LoggerFactory.getLogger(ChangesetOperations.class);
    /** The longest pacing wait spent inside one delivery; longer ones go back to the queue. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(20);
    /** SQS's longest delivery delay. */
    static final Duration MAX_DELAY = Duration.ofMinutes(15);
    static final int MAX_COMMENT = 65_536;
    static final int MAX_NAMES = 20;
    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?");

    /** The campaign's changesets as last synced, and a fresh read of one from the code host. */
    public interface Changesets {
        List<String> campaignChangesetIds(String campaignId);

        List<Changeset> changesets(List<String> ids);

        /** Reads the changeset's pull request from the code host now and records it, as {@code owner}. */
        void refresh(String owner, Changeset changeset);
    }

    /** The caller's campaign, or a {@link NotFoundException}. */
    @FunctionalInterface
    public interface Campaigns {
        void requireOwned(String owner, String campaignId);
    }

    /** Pacer slots for writes to the code host. */
    @FunctionalInterface
    public interface Pacing {
        /**
         * When the write identified by {@code key} on {@code repository} may be sent (repeating a key gets its slot
         * back); the budget is that repository's code host and token.
         */
        Instant reserve(String repository, String key);
    }

    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** What {@link #start} is asked to do. */
    public record Input(String campaignId, ChangesetOperation.Kind kind, ChangesetOperation.Filter filter, String body,
                        MergeMethod mergeMethod, boolean force, List<String> reviewers, List<String> labels) {
    }

    /** The changesets of a delivery not done yet, to queue again after {@code delay}. */
    public record Continuation(ChangesetOperationRequest rest, Duration delay) {
    }

    private final ChangesetOperationStore operations;
    private final Changesets changesets;
    private final Campaigns campaigns;
    private final Supplier<CodeHostAccess> codeHost;
    private final Supplier<ChangesetOperationQueue> queue;
    private final Pacing pacing;
    private final Clock clock;
    private final Sleeper sleeper;

    public ChangesetOperations(ChangesetOperationStore operations, Changesets changesets, Campaigns campaigns,
                               Supplier<CodeHostAccess> codeHost, Supplier<ChangesetOperationQueue> queue,
                               Pacing pacing, Clock clock, Sleeper sleeper) {
        this.operations = operations;
        this.changesets = changesets;
        this.campaigns = campaigns;
        this.codeHost = codeHost;
        this.queue = queue;
        this.pacing = pacing;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Checks the input, selects the campaign's changesets that match the filter now, records the operation with one
     * PENDING result each, and queues them. Nothing is recorded or queued when the input is refused.
     */
    public ChangesetOperation start(String owner, Input in) {
        if (in == null || in.kind() == null) {
            throw new InvalidInputException("operation is required: one of COMMENT, CLOSE, MERGE, REQUEST_REVIEWERS, "
                    + "ADD_LABELS");
        }
        String campaignId = Validation.required("campaign", in.campaignId());
        ChangesetOperation.Kind kind = in.kind();
        String body = in.body();
        List<String> reviewers = in.reviewers() == null ? List.of() : in.reviewers();
        List<String> labels = in.labels() == null ? List.of() : in.labels();
        refuseUnless(body != null, kind == ChangesetOperation.Kind.COMMENT, "body", kind);
        refuseUnless(in.mergeMethod() != null || in.force(), kind == ChangesetOperation.Kind.MERGE,
                "mergeMethod and force", kind);
        refuseUnless(!reviewers.isEmpty(), kind == ChangesetOperation.Kind.REQUEST_REVIEWERS, "reviewers", kind);
        refuseUnless(!labels.isEmpty(), kind == ChangesetOperation.Kind.ADD_LABELS, "labels", kind);
        switch (kind) {
            case COMMENT -> {
                if (body == null || body.isBlank()) {
                    throw new InvalidInputException("body is required for COMMENT and must not be blank");
                }
                if (body.length() > MAX_COMMENT - 100) {
                    throw new InvalidInputException("body has " + body.length() + " characters; at most "
                            + (MAX_COMMENT - 100));
                }
            }
            case REQUEST_REVIEWERS -> names("reviewers", reviewers, true);
            case ADD_LABELS -> names("labels", labels, false);
            default -> { }
        }
        campaigns.requireOwned(owner, campaignId);
        ChangesetOperation.Filter filter = in.filter() == null ? ChangesetOperation.Filter.ALL : in.filter();
        List<Changeset> selected = new ArrayList<>();
        for (Changeset c : changesets.changesets(changesets.campaignChangesetIds(campaignId))) {
            if (filter.matches(c)) {
                selected.add(c);
            }
        }
        Instant now = clock.instant();
        ChangesetOperation op = new ChangesetOperation(UUID.randomUUID().toString(), campaignId, owner, kind, filter,
                kind == ChangesetOperation.Kind.COMMENT ? body : null,
                kind == ChangesetOperation.Kind.MERGE ? (in.mergeMethod() == null ? MergeMethod.MERGE
                        : in.mergeMethod()) : null,
                kind == ChangesetOperation.Kind.MERGE && in.force(), reviewers.stream().distinct().toList(),
                labels.stream().distinct().toList(), now, selected.size(), ChangesetOperation.Counts.NONE);
        operations.create(op, selected.stream().map(c -> new ChangesetOperationResult(op.id(), c.id(),
                c.repository(), c.externalID(), ChangesetOperationResult.State.PENDING, null, now)).toList());
        List<String> ids = selected.stream().map(Changeset::id).toList();
        for (int i = 0; i < ids.size(); i += ChangesetOperationRequest.MAX_CHANGESETS) {
            queue.get().send(new ChangesetOperationRequest(op.id(), ids.subList(i, Math.min(ids.size(),
                    i + ChangesetOperationRequest.MAX_CHANGESETS))), Duration.ZERO);
        }
        LOG.info("operation {} ({}) on campaign {}: {} changesets queued", op.id(), kind, campaignId, ids.size());
        return op;
    }

    private static void refuseUnless(boolean given, boolean applies, String what, ChangesetOperation.Kind kind) {
        if (given && !applies) {
            throw new InvalidInputException(what + " does not apply to " + kind);
        }
    }

    private static void names(String field, List<String> names, boolean logins) {
        if (names.size() > MAX_NAMES) {
            throw new InvalidInputException(field + " names " + names.size() + "; at most " + MAX_NAMES);
        }
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n == null || n.isBlank()) {
                throw new InvalidInputException(field + "[" + i + "] is blank");
            }
            if (logins ? !LOGIN.matcher(n).matches() : (n.length() > 50 || n.contains(","))) {
                throw new InvalidInputException(field + "[" + i + "] is not a valid "
                        + (logins ? "user name" : "label (at most 50 characters, no comma)") + ": " + n);
            }
        }
    }

    /** The caller's operation (another caller's is "not found"). */
    public ChangesetOperation operation(String owner, String operationId) {
        return operations.operation(Validation.required("id", operationId))
                .filter(op -> op.owner() == null || op.owner().equals(owner))
                .orElseThrow(() -> new NotFoundException("changeset operation", operationId));
    }

    /**
     * A page of the operation's results, ordered by changeset ID: {@code first} of them (default 100, at most 1,000,
     * so a page stays far below AppSync's 1 MB response) after the cursor {@code after}; the page's total is the
     * operation's.
     */
    public Page<ChangesetOperationResult> results(ChangesetOperation operation, Integer first, String after) {
        Page<ChangesetOperationResult> page = operations.results(operation.id(), Validation.first(first, 100, 1000),
                after);
        return new Page<>(page.nodes(), page.endCursor(), operation.total());
    }

    /**
     * Acts on each changeset of {@code request} (see the class comment). Returns the changesets not done when pacing
     * or the code host's rate limit stops it, with the delay to queue them again; null when all are done. A
     * transient code host failure propagates, for SQS to deliver the message again.
     *
     * @throws InvalidInputException the operation does not exist
     */
    public Continuation run(ChangesetOperationRequest request) {
        ChangesetOperation op = operations.operation(request.operationId()).orElseThrow(
                () -> new InvalidInputException("no changeset operation " + request.operationId()));
        List<Changeset> found = changesets.changesets(request.changesetIds());
        for (int i = 0; i < found.size(); i++) {
            Changeset c = found.get(i);
            Optional<ChangesetOperationResult> recorded = operations.result(op.id(), c.id());
            if (recorded.isEmpty() || recorded.get().state().isFinal()) {
                continue;
            }
            boolean started = recorded.get().state() == ChangesetOperationResult.State.STARTED;
            try {
                if (started && alreadyDone(op, c)) {
                    finish(op, c, ChangesetOperationResult.State.SUCCEEDED, null);
                    continue;
                }
                String skip = ChangesetOperationRules.skipReason(op, c);
                if (skip != null) {
                    finish(op, c, ChangesetOperationResult.State.SKIPPED, skip);
                    continue;
                }
                if (op.kind() == ChangesetOperation.Kind.COMMENT) {
                    Duration wait = Duration.between(clock.instant(), pacing.reserve(c.repository(), op.id() + "/" + c.id()));
                    if (wait.compareTo(MAX_WAIT) > 0) {
                        return later(op, found, i, wait);
                    }
                    if (!wait.isNegative() && !wait.isZero()) {
                        sleep(wait);
                    }
                }
                if (!started && !operations.start(op.id(), c.id(), clock.instant())) {
                    continue; // another delivery has it
                }
                act(op, c);
                finish(op, c, ChangesetOperationResult.State.SUCCEEDED, null);
                if (op.kind() != ChangesetOperation.Kind.COMMENT) {
                    refresh(op, c);
                }
            } catch (CodeHostException e) {
                if (e.kind() == CodeHostException.Kind.RATE_LIMITED) {
                    return later(op, found, i, e.retryAfter().orElse(MAX_DELAY));
                }
                if (e.kind().isTransient()) {
                    throw e;
                }
                finish(op, c, ChangesetOperationResult.State.FAILED, codeHost.get().redact(e.getMessage()));
            }
        }
        return null;
    }

    private Continuation later(ChangesetOperation op, List<Changeset> found, int from, Duration delay) {
        Duration d = delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
        LOG.info("operation {}: {} changesets left for {} (pacing or rate limit)", op.id(), found.size() - from, d);
        return new Continuation(new ChangesetOperationRequest(op.id(),
                found.subList(from, found.size()).stream().map(Changeset::id).toList()), d);
    }

    private void sleep(Duration wait) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pacing", e);
        }
    }

    /** For a result left STARTED: whether the side effect is visible on the code host. */
    private boolean alreadyDone(ChangesetOperation op, Changeset c) {
        CodeHost host = codeHost.get().codeHost();
        long number = Long.parseLong(c.externalID());
        return switch (op.kind()) {
            case COMMENT -> host.hasComment(c.repository(), number, op.commentMarker());
            case MERGE -> host.loadPullRequest(c.repository(), number).state() == PullRequestState.MERGED;
            case CLOSE -> host.loadPullRequest(c.repository(), number).state() != PullRequestState.OPEN;
            case REQUEST_REVIEWERS, ADD_LABELS -> false; // idempotent on the host: sent again
        };
    }

    private void act(ChangesetOperation op, Changeset c) {
        CodeHost host = codeHost.get().codeHost();
        long number = Long.parseLong(c.externalID());
        switch (op.kind()) {
            case COMMENT -> host.commentOnPullRequest(c.repository(), number, op.body() + "\n\n" + op.commentMarker());
            case CLOSE -> host.closePullRequest(c.repository(), number);
            case MERGE -> host.mergePullRequest(c.repository(), number, op.mergeMethod());
            case REQUEST_REVIEWERS -> host.requestReviewers(c.repository(), number, op.reviewers());
            case ADD_LABELS -> host.addLabels(c.repository(), number, op.labels());
        }
    }

    private void finish(ChangesetOperation op, Changeset c, ChangesetOperationResult.State state, String reason) {
        operations.finish(op.id(), c.id(), state, reason, clock.instant());
    }

    private void refresh(ChangesetOperation op, Changeset c) {
        try {
            changesets.refresh(op.owner(), c);
        } catch (CodeHostException e) {
            LOG.warn("operation: re-reading {}#{} failed ({}); the webhook or the scheduled sync will",
                    c.repository(), c.externalID(), codeHost.get().redact(e.getMessage()));
        }
    }
}
