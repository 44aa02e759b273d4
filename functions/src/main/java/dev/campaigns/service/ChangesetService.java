package dev.campaigns.service;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetCounts;
import dev.campaigns.domain.ChangesetEvent;
import dev.campaigns.domain.ChangesetHistory;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.domain.Page;
import dev.campaigns.store.ChangesetStore;
import dev.campaigns.store.IdempotencyStore;
import dev.campaigns.util.Digests;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changesets as the code host's truth: existing pull requests recorded and added to campaigns, kept current by
 * webhooks and a scheduled sync, closed with their campaign, and counted over time (Sourcegraph's changesets
 * service).
 *
 * <p>Every sync is "read the truth, then write it ordered by read time" ({@link ChangesetStore#observe}): a webhook
 * is only a trigger, so duplicate, late or missing deliveries cannot leave a wrong state; a missed one is repaired
 * by the next scheduled sync of that changeset.
 */
public final class ChangesetService {
    private static final Logger LOG = LoggerFactory.getLogger(ChangesetService.class);
    /**
     * REST requests one sync of one changeset costs on GitHub (repository, pull, reviews, check runs, statuses), plus
     * one {@code GET /users/{login}} per reviewer the client has not seen yet (github-api caches users per client).
     */
    public static final int REQUESTS_PER_SYNC = 5;
    private static final int MAX_CHANGESETS_PER_CALL = 100;

    private final ChangesetStore changesets;
    private final CampaignService campaigns;
    private final IdempotencyStore idempotency;
    private final Supplier<CodeHostAccess> codeHostAccess;
    private final Supplier<ChangesetCloseQueue> closeQueue;
    private final Supplier<AutoMerge> autoMerge;
    private final Clock clock;

    /**
     * @param codeHost   supplied on first use, so that reads which never reach the code host (a campaign's
     *                   changesets, counts over time) need no code host token
     * @param closeQueue supplied on first use: where closeCampaign / deleteCampaign queue the pull requests to close
     */
    public ChangesetService(ChangesetStore changesets, CampaignService campaigns, IdempotencyStore idempotency,
                            Supplier<CodeHostAccess> codeHost, Supplier<ChangesetCloseQueue> closeQueue, Clock clock) {
        this(changesets, campaigns, idempotency, codeHost, closeQueue, clock, null);
    }

    /** @param autoMerge consulted after every sync (issue 16's auto-merge); null: none */
    public ChangesetService(ChangesetStore changesets, CampaignService campaigns, IdempotencyStore idempotency,
                            Supplier<CodeHostAccess> codeHost, Supplier<ChangesetCloseQueue> closeQueue, Clock clock,
                            Supplier<AutoMerge> autoMerge) {
        this.autoMerge = autoMerge;
        this.changesets = changesets;
        this.campaigns = campaigns;
        this.idempotency = idempotency;
        this.codeHostAccess = codeHost;
        this.closeQueue = closeQueue;
        this.clock = clock;
    }

    private CodeHostAccess codeHost() {
        return codeHostAccess.get();
    }

    /** An existing pull request to record: {@code externalID} is its number. */
    public record ExternalChangesetInput(String repository, String externalID) {
    }

    /**
     * Records existing pull requests as changesets (or finds them recorded). Every one is checked on the code host
     * first; if any does not exist, nothing is recorded and the error names it.
     */
    public List<Changeset> createChangesets(List<ExternalChangesetInput> input) {
        if (input == null || input.isEmpty()) {
            throw new InvalidInputException("input must name at least one pull request");
        }
        if (input.size() > MAX_CHANGESETS_PER_CALL) {
            throw new InvalidInputException("input names " + input.size() + " pull requests; at most "
                    + MAX_CHANGESETS_PER_CALL + " per call");
        }
        Map<String, ExternalChangesetInput> distinct = new LinkedHashMap<>();
        for (int i = 0; i < input.size(); i++) {
            ExternalChangesetInput in = input.get(i);
            if (in == null) {
                throw new InvalidInputException("input[" + i + "] is null");
            }
            String repository = Validation.required("input[" + i + "].repository", in.repository());
            if (!repository.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
                throw new InvalidInputException("input[" + i + "].repository must be OWNER/NAME, got " + repository);
            }
            String number = Validation.required("input[" + i + "].externalID", in.externalID());
            if (!number.matches("[1-9][0-9]{0,9}")) {
                throw new InvalidInputException("input[" + i + "].externalID must be a pull request number, got "
                        + number);
            }
            distinct.putIfAbsent(repository + "#" + number, new ExternalChangesetInput(repository, number));
        }
        List<Instant> readTimes = new ArrayList<>();
        List<PullRequestStatus> found = new ArrayList<>();
        for (ExternalChangesetInput in : distinct.values()) {
            readTimes.add(clock.instant());
            try {
                found.add(codeHost().codeHost().loadPullRequestStatus(in.repository(), Long.parseLong(in.externalID())));
            } catch (CodeHostException e) {
                if (e.kind() == CodeHostException.Kind.NOT_FOUND) {
                    throw new InvalidInputException("pull request " + in.repository() + "#" + in.externalID()
                            + " does not exist on the code host (or its repository is not visible to the bot)");
                }
                throw e;
            }
        }
        List<Changeset> recorded = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            recorded.add(changesets.observe(found.get(i), readTimes.get(i), null));
        }
        return recorded;
    }

    /**
     * Adds changesets to the caller's campaign. Adding one that already belongs changes nothing; one changeset may
     * belong to several campaigns. Every ID is checked before anything is written.
     */
    public Campaign addChangesetsToCampaign(String owner, String campaignId, List<String> changesetIds) {
        Campaign campaign = campaigns.campaign(owner, campaignId);
        if (campaign.closedAt() != null) {
            throw new FailedPreconditionException("campaign " + campaignId + " is closed");
        }
        if (changesetIds == null || changesetIds.isEmpty()) {
            throw new InvalidInputException("changesets must name at least one changeset");
        }
        List<String> ids = changesetIds.stream().distinct().toList();
        List<Changeset> found = changesets.changesets(ids);
        if (found.size() != ids.size()) {
            List<String> missing = new ArrayList<>(ids);
            found.forEach(c -> missing.remove(c.id()));
            throw new NotFoundException("changeset", missing.get(0));
        }
        for (Changeset c : found) {
            if (!c.campaignIds().contains(campaignId)) {
                changesets.addToCampaign(campaignId, c);
            }
        }
        return campaigns.campaign(owner, campaignId);
    }

    /**
     * Reads one changeset's truth from the code host now and stores it. The caller must own a campaign the
     * changeset belongs to; any other changeset is "not found", so the caller learns nothing of it.
     */
    public Changeset syncChangeset(String owner, String changesetId) {
        Changeset c = changesets.changeset(Validation.required("changeset", changesetId))
                .filter(found -> found.campaignIds().stream().anyMatch(id -> ownsCampaign(owner, id)))
                .orElseThrow(() -> new NotFoundException("changeset", changesetId));
        return sync(c);
    }

    private boolean ownsCampaign(String owner, String campaignId) {
        try {
            campaigns.campaign(owner, campaignId);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private Changeset sync(Changeset c) {
        Instant readAt = clock.instant();
        try {
            PullRequestStatus status = codeHost().codeHost().loadPullRequestStatus(c.repository(),
                    Long.parseLong(c.externalID()));
            Changeset read = changesets.observe(status, readAt, null);
            if (autoMerge != null && autoMerge.get().consider(read)) {
                return sync(read); // merged now: record it (the merge's webhook would too)
            }
            return read;
        } catch (CodeHostException e) {
            if (e.kind() == CodeHostException.Kind.NOT_FOUND) {
                changesets.markDeleted(c.id(), readAt);
                return changesets.changeset(c.id()).orElseThrow();
            }
            throw e;
        }
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
                String id = ChangesetStore.changesetId(delivery.repository(), Long.toString(number));
                var existing = changesets.changeset(id);
                if (existing.isPresent()) {
                    sync(existing.get());
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
        int budget = Math.min(requestBudget, codeHost().codeHost().remainingRequests() - reserve);
        int limit = Math.max(0, budget / REQUESTS_PER_SYNC);
        if (limit == 0) {
            LOG.info("scheduled sync skipped: no request budget left above the reserve of {}", reserve);
            return 0;
        }
        int synced = 0;
        for (Changeset c : changesets.changesets(changesets.stalest(limit))) {
            try {
                sync(c);
                synced++;
            } catch (CodeHostException e) {
                LOG.warn("sync of changeset {} ({}#{}) failed: {}", c.id(), c.repository(), c.externalID(),
                        codeHost().redact(e.getMessage()));
                if (e.kind() == CodeHostException.Kind.RATE_LIMITED) {
                    break;
                }
            }
        }
        return synced;
    }

    /** A page of the campaign's changesets. */
    public Page<Changeset> campaignChangesets(Campaign campaign, Integer first, String after) {
        Page<String> ids = changesets.campaignChangesetIds(campaign.id(), Validation.first(first, 50, 100), after,
                campaign.changesetCount());
        return new Page<>(changesets.changesets(ids.nodes()), ids.endCursor(), ids.totalCount());
    }

    /**
     * Closes the campaign; with {@code closeChangesets}, also queues the open pull requests this campaign created
     * (never the ones it only tracks) to be closed on the code host in the background, where their new state is
     * recorded ({@link #closeChangesets}). Repeatable. Like Sourcegraph's campaigns, the mutation does not wait for
     * the code host: a campaign of 10,000 pull requests takes hours of GitHub's request budget to close.
     */
    public Campaign closeCampaign(String owner, String campaignId, boolean closeChangesets) {
        Campaign campaign = settled(owner, campaignId, "closed");
        if (closeChangesets) {
            queueOwnedChangesets(campaign);
        }
        changesets.closeCampaign(campaignId, clock.instant());
        return campaigns.campaign(owner, campaignId);
    }

    /** Deletes the campaign (queueing its own open pull requests to be closed, when asked); its changesets remain. */
    public void deleteCampaign(String owner, String campaignId, boolean closeChangesets) {
        Campaign campaign = settled(owner, campaignId, "deleted");
        if (closeChangesets) {
            queueOwnedChangesets(campaign);
        }
        changesets.deleteCampaign(campaign.id());
    }

    /** The caller's campaign, once it is no longer creating changesets (a running step would race the close). */
    private Campaign settled(String owner, String campaignId, String what) {
        Campaign campaign = campaigns.campaign(owner, campaignId);
        if (campaign.counters().pending() > 0) {
            throw new FailedPreconditionException("campaign " + campaignId + " is still creating changesets ("
                    + campaign.counters().pending() + " pending); it can be " + what + " once that has finished");
        }
        return campaign;
    }

    /** Queues the campaign's own open changesets, {@link CloseChangesetsRequest#MAX_CHANGESETS} per message. */
    private void queueOwnedChangesets(Campaign campaign) {
        List<String> open = new ArrayList<>();
        for (Changeset c : changesets.changesets(changesets.allCampaignChangesetIds(campaign.id()))) {
            if (c.createdBy(campaign.id()) && c.state() == ChangesetState.OPEN) {
                open.add(c.id());
            }
        }
        for (int i = 0; i < open.size(); i += CloseChangesetsRequest.MAX_CHANGESETS) {
            closeQueue.get().send(new CloseChangesetsRequest(campaign.id(),
                    open.subList(i, Math.min(open.size(), i + CloseChangesetsRequest.MAX_CHANGESETS))), Duration.ZERO);
        }
    }

    /**
     * Closes on the code host, and records, each changeset of {@code request} that its campaign created and that is
     * still open (so a repeated or retried request closes nothing twice; a pull request closed meanwhile by someone
     * else is left alone). When the code host's rate limit stops it, returns the changesets not done yet, to be
     * queued again later; otherwise null. Other failures propagate: the queue retries the message.
     */
    public CloseChangesetsRequest closeChangesets(CloseChangesetsRequest request) {
        List<Changeset> found = changesets.changesets(request.changesetIds());
        for (int i = 0; i < found.size(); i++) {
            Changeset c = found.get(i);
            if (!c.createdBy(request.campaignId()) || c.state() != ChangesetState.OPEN) {
                continue;
            }
            try {
                codeHost().codeHost().closePullRequest(c.repository(), Long.parseLong(c.externalID()));
                sync(c);
            } catch (CodeHostException e) {
                if (e.kind() == CodeHostException.Kind.RATE_LIMITED) {
                    LOG.warn("closing campaign {}'s pull requests: rate limited, {} left for later", request.campaignId(),
                            found.size() - i);
                    return new CloseChangesetsRequest(request.campaignId(),
                            found.subList(i, found.size()).stream().map(Changeset::id).toList());
                }
                throw e;
            }
        }
        return null;
    }

    /**
     * The campaign's changeset counts per day from {@code from} (default: the campaign's creation) to {@code to}
     * (default: now), replayed from the recorded history of each of its changesets.
     */
    public List<ChangesetCounts> countsOverTime(Campaign campaign, Instant from, Instant to) {
        Instant end = to != null ? to : clock.instant();
        Instant start = from != null ? from : campaign.createdAt();
        if (end.isBefore(start)) {
            throw new InvalidInputException("to (" + end + ") is before from (" + start + ")");
        }
        if (java.time.Duration.between(start, end).toDays() > 3660) {
            throw new InvalidInputException("from and to may be at most 10 years apart");
        }
        List<ChangesetEvent> events = new ArrayList<>();
        for (String id : changesets.allCampaignChangesetIds(campaign.id())) {
            events.addAll(changesets.events(id));
        }
        return ChangesetHistory.countsOverTime(events, start, end);
    }
}
