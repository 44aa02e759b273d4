package dev.campaigns.service;

import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetCounts;
import dev.campaigns.domain.Page;
import dev.campaigns.store.CampaignRepository;
import dev.campaigns.store.ChangesetRepository;
import dev.campaigns.store.Idempotency;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Changesets as the code host's truth: existing pull requests recorded and added to campaigns, kept current by
 * webhooks and a scheduled sync, closed with their campaign, and counted over time (Sourcegraph's changesets
 * service).
 *
 * <p>The work is split by responsibility: {@link ChangesetTracking} (record, add, sync on request, read, count),
 * {@link ChangesetSync} (webhooks, the scheduled sync), {@link CampaignClosing} (close, delete, the close queue's
 * work), {@link InFlightPullRequests} (the pull requests a cancel caught in flight, also the close queue's work),
 * all syncing through {@link ChangesetReads}; this class is their one face for the handlers.
 *
 * <p>Every sync is "read the truth, then write it ordered by read time" ({@link ChangesetRepository#observe}): a webhook
 * is only a trigger, so duplicate, late or missing deliveries cannot leave a wrong state; a missed one is repaired
 * by the next scheduled sync of that changeset.
 */
public final class ChangesetService {
    /** See {@link ChangesetSync#REQUESTS_PER_SYNC}. */
    public static final int REQUESTS_PER_SYNC = ChangesetSync.REQUESTS_PER_SYNC;

    private final ChangesetTracking tracking;
    private final ChangesetSync sync;
    private final CampaignClosing closing;
    private final InFlightPullRequests inFlight;

    /**
     * @param codeHost   supplied on first use, so that reads which never reach the code host (a campaign's
     *                   changesets, counts over time) need no code host token
     * @param closeQueue supplied on first use: where closeCampaign / deleteCampaign queue the pull requests to close
     */
    public ChangesetService(ChangesetRepository changesets, CampaignRepository campaignStore,
                            CampaignService campaigns, Idempotency idempotency,
                            Supplier<CodeHostAccess> codeHost, Supplier<ChangesetCloseQueue> closeQueue, Clock clock) {
        this(changesets, campaignStore, campaigns, idempotency, codeHost, closeQueue, clock, null);
    }

    /** @param autoMerge consulted after every sync (issue 16's auto-merge); null: none */
    public ChangesetService(ChangesetRepository changesets, CampaignRepository campaignStore,
                            CampaignService campaigns, Idempotency idempotency,
                            Supplier<CodeHostAccess> codeHost, Supplier<ChangesetCloseQueue> closeQueue, Clock clock,
                            Supplier<AutoMerge> autoMerge) {
        ChangesetReads reads = new ChangesetReads(changesets, codeHost, clock, autoMerge);
        this.tracking = new ChangesetTracking(changesets, campaignStore, campaigns, reads, clock);
        this.sync = new ChangesetSync(changesets, idempotency, reads);
        this.closing = new CampaignClosing(changesets, campaignStore, campaigns, reads, closeQueue, clock);
        this.inFlight = new InFlightPullRequests(campaignStore, changesets, codeHost, closeQueue, clock);
    }

    /** An existing pull request to record: {@code externalID} is its number. */
    public record ExternalChangesetInput(String repository, String externalID) {
    }

    /** See {@link ChangesetTracking#createChangesets}. */
    public List<Changeset> createChangesets(List<ExternalChangesetInput> input) {
        return tracking.createChangesets(input);
    }

    /** See {@link ChangesetTracking#addChangesetsToCampaign}. */
    public Campaign addChangesetsToCampaign(String owner, String campaignId, List<String> changesetIds) {
        return tracking.addChangesetsToCampaign(owner, campaignId, changesetIds);
    }

    /** See {@link ChangesetTracking#syncChangeset}. */
    public Changeset syncChangeset(String owner, String changesetId) {
        return tracking.syncChangeset(owner, changesetId);
    }

    /** See {@link ChangesetTracking#campaignChangesets}. */
    public Page<Changeset> campaignChangesets(Campaign campaign, Integer first, String after) {
        return tracking.campaignChangesets(campaign, first, after);
    }

    /** See {@link ChangesetTracking#countsOverTime}. */
    public List<ChangesetCounts> countsOverTime(Campaign campaign, Instant from, Instant to) {
        return tracking.countsOverTime(campaign, from, to);
    }

    /** See {@link ChangesetSync#handleDelivery}. */
    public int handleDelivery(WebhookDelivery delivery) {
        return sync.handleDelivery(delivery);
    }

    /** See {@link ChangesetSync#syncStalest}. */
    public int syncStalest(int requestBudget, int reserve) {
        return sync.syncStalest(requestBudget, reserve);
    }

    /** See {@link CampaignClosing#closeCampaign}. */
    public Campaign closeCampaign(String owner, String campaignId, boolean closeChangesets) {
        return closing.closeCampaign(owner, campaignId, closeChangesets);
    }

    /** See {@link CampaignClosing#deleteCampaign}. */
    public void deleteCampaign(String owner, String campaignId, boolean closeChangesets) {
        closing.deleteCampaign(owner, campaignId, closeChangesets);
    }

    /** See {@link InFlightPullRequests#record}. */
    public InFlightPullRequests.Again recordInFlightPullRequests(InFlightPullRequestsRequest request) {
        return inFlight.record(request);
    }

    /** See {@link CampaignClosing#closeChangesets}. */
    public CloseChangesetsRequest closeChangesets(CloseChangesetsRequest request) {
        return closing.closeChangesets(request);
    }
}
