package dev.campaigns.service;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.domain.Changeset;
import dev.campaigns.store.ChangesetRepository;
import dev.campaigns.store.Idempotency;
import dev.campaigns.util.Digests;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeping changesets current without a user: each webhook delivery handled once (a trigger to re-read, never
 * trusted), and the scheduled sync of the stalest changesets within a request budget.
 */
public final class ChangesetSync {
    private static final Logger LOG = LoggerFactory.getLogger(ChangesetSync.class);
    /**
     * REST requests one sync of one changeset costs on GitHub (repository, pull, reviews, check runs, statuses), plus
     * one {@code GET /users/{login}} per reviewer the client has not seen yet (github-api caches users per client).
     */
    public static final int REQUESTS_PER_SYNC = 5;

    private final ChangesetRepository changesets;
    private final Idempotency idempotency;
    private final ChangesetReads reads;

    public ChangesetSync(ChangesetRepository changesets, Idempotency idempotency, ChangesetReads reads) {
        this.changesets = changesets;
        this.idempotency = idempotency;
        this.reads = reads;
    }

    /**
     * Handles one queued webhook delivery, once per delivery ID: syncs each pull request it names that is a
     * changeset (others are ignored). Returns how many changesets were synced. A pull request's {@code opened}
     * delivery syncs nothing: a changeset exists only through a read made after the pull request was created
     * (the campaign's own changeset step reads every pull request it opens), so it holds at least what the event
     * describes; reviews, checks and every later change come with deliveries of their own. This saves a
     * campaign one full re-read (5 requests) per pull request it opens.
     */
    public int handleDelivery(WebhookDelivery delivery) {
        if (delivery.delivery() == null || delivery.delivery().isBlank()) {
            throw new InvalidInputException("a webhook delivery needs its X-GitHub-Delivery ID");
        }
        String key = "webhook#" + delivery.delivery();
        String digest = Digests.sha256Hex(delivery.toJson().getBytes(StandardCharsets.UTF_8));
        String result = idempotency.execute(key, digest, () -> {
            int synced = 0;
            if (delivery.isOpened()) {
                return "0";
            }
            for (long number : delivery.numbers()) {
                String id = Changeset.idOf(delivery.repository(), Long.toString(number));
                var existing = changesets.changeset(id);
                if (existing.isPresent()) {
                    reads.sync(existing.get());
                    synced++;
                }
            }
            return Integer.toString(synced);
        });
        return Integer.parseInt(result);
    }
    /**
     * The scheduled sync: re-reads the changesets synced longest ago, as many as {@code requestBudget} code host
     * requests allow ({@link #REQUESTS_PER_SYNC} each) and never touching the last {@code reserve} requests of the
     * token's current rate-limit window (read first, for free), so webhooks that never arrived are caught without
     * starving campaign creation. One changeset's failure does not stop the others; a rate-limit answer stops the run.
     *
     * @return how many changesets were synced
     */
    public int syncStalest(int requestBudget, int reserve) {
        int budget = Math.min(requestBudget, reads.codeHost().codeHost().remainingRequests() - reserve);
        int limit = Math.max(0, budget / REQUESTS_PER_SYNC);
        if (limit == 0) {
            LOG.info("scheduled sync skipped: no request budget left above the reserve of {}", reserve);
            return 0;
        }
        int synced = 0;
        for (Changeset c : changesets.changesets(changesets.stalest(limit))) {
            try {
                reads.sync(c);
                synced++;
            } catch (CodeHostException e) {
                LOG.warn("sync of changeset {} ({}#{}) failed: {}", c.id(), c.repository(), c.externalID(),
                        reads.codeHost().redact(e.getMessage()));
                if (e.kind() == CodeHostException.Kind.RATE_LIMITED) {
                    break;
                }
            }
        }
        return synced;
    }
}
