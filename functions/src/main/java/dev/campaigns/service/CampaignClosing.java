package dev.campaigns.service;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.store.CampaignRepository;
import dev.campaigns.store.ChangesetRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The close paths: a campaign closed or deleted (its own open pull requests queued to be closed, never the ones it
 * only tracks), and the queue's work of closing them on the code host, once each.
 */
public final class CampaignClosing {
    private static final Logger LOG = LoggerFactory.getLogger(CampaignClosing.class);

    private final ChangesetRepository changesets;
    private final CampaignRepository campaignStore;
    private final CampaignService campaigns;
    private final ChangesetReads reads;
    private final Supplier<ChangesetCloseQueue> closeQueue;
    private final Clock clock;

    /** @param closeQueue supplied on first use: where closeCampaign / deleteCampaign queue the pull requests to close */
    public CampaignClosing(ChangesetRepository changesets, CampaignRepository campaignStore, CampaignService campaigns,
                           ChangesetReads reads, Supplier<ChangesetCloseQueue> closeQueue, Clock clock) {
        this.changesets = changesets;
        this.campaignStore = campaignStore;
        this.campaigns = campaigns;
        this.reads = reads;
        this.closeQueue = closeQueue;
        this.clock = clock;
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
            // The mark first, then the list: a pull request a cancel caught in flight and recorded later
            // (InFlightPullRequests) is either in this list or recorded after the mark, and then closed by its
            // recorder, which reads the mark after recording it.
            campaignStore.closeCampaignAndChangesets(campaignId, clock.instant());
            queueOwnedChangesets(campaign);
        } else {
            campaignStore.closeCampaign(campaignId, clock.instant());
        }
        return campaigns.campaign(owner, campaignId);
    }
    /** Deletes the campaign (queueing its own open pull requests to be closed, when asked); its changesets remain. */
    public void deleteCampaign(String owner, String campaignId, boolean closeChangesets) {
        Campaign campaign = settled(owner, campaignId, "deleted");
        if (closeChangesets) {
            refuseWhileCaughtPullRequestsAreRecorded(campaign);
            queueOwnedChangesets(campaign);
        }
        campaignStore.deleteCampaign(campaign.id());
    }
    /**
     * A cancel that caught pull requests in flight hands them to {@link InFlightPullRequests}, which records each
     * found as the campaign's changeset (and, for a campaign closing with its changesets, closes it). A delete cannot
     * leave that to the recorder: the campaign's records go. So, until the recorder's window has passed
     * ({@link CampaignCancellation#PULL_REQUEST_STEP_LIMIT} after the cancel), a delete that closes the changesets is
     * refused while any cancelled job caught mid pull request has no changeset yet; closeCampaign is not (its mark
     * reaches the recorder).
     */
    private void refuseWhileCaughtPullRequestsAreRecorded(Campaign campaign) {
        if (campaign.cancelledAt() == null || campaign.planId() == null) {
            return;
        }
        java.time.Instant until = campaign.cancelledAt().plus(CampaignCancellation.PULL_REQUEST_STEP_LIMIT);
        if (!clock.instant().isBefore(until)) {
            return;
        }
        int jobs = campaigns.planJobCount(campaign);
        int caught = 0;
        for (int from = 0; from < jobs; from += 1000) {
            for (CampaignRepository.JobClaim c : campaignStore.changesetJobClaims(campaign.id(), from,
                    Math.min(jobs, from + 1000))) {
                if (c.job().state() == dev.campaigns.domain.JobState.CANCELLED && c.job().changesetId() == null
                        && (c.openingAt() != null || c.job().pullRequest() != 0)) {
                    caught++;
                }
            }
        }
        if (caught > 0) {
            throw new FailedPreconditionException("campaign " + campaign.id() + " was cancelled at "
                    + campaign.cancelledAt() + " with " + caught + " pull request(s) caught being opened, which are"
                    + " being recorded as its changesets: delete it with closeChangesets once they are (at the latest"
                    + " at " + until + "), or closeCampaign(closeChangesets: true) now, which closes them too");
        }
    }

    /** The caller's campaign, once it is no longer creating changesets (a running step would race the close). */
    private Campaign settled(String owner, String campaignId, String what) {
        Campaign campaign = campaigns.campaign(owner, campaignId);
        if (campaign.inFlight() > 0) {
            throw new FailedPreconditionException("campaign " + campaignId + " is still creating changesets ("
                    + campaign.inFlight() + " pending); it can be " + what + " once that has finished");
        }
        return campaign;
    }
    /** Queues the campaign's own open changesets, {@link CloseChangesetsRequest#MAX_CHANGESETS} per message. */
    private void queueOwnedChangesets(Campaign campaign) {
        List<String> open = new ArrayList<>();
        for (Changeset c : changesets.changesets(campaignStore.allCampaignChangesetIds(campaign.id()))) {
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
                reads.codeHost().codeHost().closePullRequest(c.repository(), Long.parseLong(c.externalID()));
                reads.sync(c);
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
}
