package dev.campaigns.service;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.ChangesetJobLifecycle;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.domain.JobState;
import dev.campaigns.store.CampaignRepository;
import dev.campaigns.store.ChangesetRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull requests a cancel caught in flight (issue 16, "started ones finish idempotently"): a job whose
 * pull-request step had taken its claim, or had recorded its pull request, when {@code cancelCampaign} landed ends
 * CANCELLED there (the cancel reads no code host token), and is handed here, to the close queue's consumer, which has
 * the token. For each such job, once it is CANCELLED:
 * <ul>
 *   <li>the pull request is <em>looked up</em> by the campaign's branch ({@code CodeHost.findPullRequest}: never
 *       opened, so nothing is opened after the cancel returned);</li>
 *   <li>found: read in full and recorded as the campaign's changeset, and the job CANCELLED → COMPLETED with the
 *       counters, in one conditional transaction ({@code completeCancelledChangesetJob}), so repeating it records
 *       nothing twice, and a job that {@code retryCampaign} resumed meanwhile is left to its new execution;</li>
 *   <li>not found: looked up again once the steps that claimed before the cancel have surely ended
 *       ({@link InFlightPullRequestsRequest#lookUntil}); still none then, it stays CANCELLED (its host call failed).</li>
 * </ul>
 * A job still PENDING under the cancel mark (the message overtook the cancel's write) is looked at again shortly.
 *
 * <p>Closing: once the jobs are recorded, if the campaign was closed with its changesets
 * ({@code closeCampaign(closeChangesets: true)}, possibly before this ran), its jobs' open changesets are queued to be
 * closed. The close writes its mark before listing the campaign's changesets and this records the changeset before
 * reading the mark, so whichever comes second sees the other: the pull request is closed either way.
 */
public final class InFlightPullRequests {
    private static final Logger LOG = LoggerFactory.getLogger(InFlightPullRequests.class);
    /** A job the cancel has not written CANCELLED yet is looked at again after this. */
    static final Duration NOT_YET_CANCELLED = Duration.ofSeconds(2);
    /** After a rate-limit answer the jobs left wait this long (SQS's longest delay), as the close does. */
    static final Duration RATE_LIMITED = Duration.ofMinutes(15);
    private static final Duration LONGEST_DELAY = Duration.ofMinutes(15);

    /** The jobs to look at again, and when. */
    public record Again(InFlightPullRequestsRequest request, Duration delay) {
    }

    private final CampaignRepository store;
    private final ChangesetRepository changesets;
    private final Supplier<CodeHostAccess> codeHost;
    private final Supplier<ChangesetCloseQueue> closeQueue;
    private final Clock clock;

    public InFlightPullRequests(CampaignRepository store, ChangesetRepository changesets,
                                Supplier<CodeHostAccess> codeHost, Supplier<ChangesetCloseQueue> closeQueue,
                                Clock clock) {
        this.store = store;
        this.changesets = changesets;
        this.codeHost = codeHost;
        this.closeQueue = closeQueue;
        this.clock = clock;
    }

    /**
     * Records the request's jobs' pull requests as the campaign's changesets (see the class). Returns the jobs to
     * look at again and when, or null when every job is settled. Safe to repeat.
     */
    public Again record(InFlightPullRequestsRequest request) {
        String campaignId = request.campaignId();
        Optional<Campaign> found = store.campaign(campaignId);
        if (found.isEmpty()) {
            return null; // deleted: its jobs are gone (docs/changesets.md, known gap)
        }
        Campaign campaign = found.get();
        Instant lookUntil = request.lookUntilInstant();
        List<String> again = new ArrayList<>();
        Duration delay = LONGEST_DELAY;
        List<String> recorded = new ArrayList<>();
        List<String> jobIds = request.inFlightJobIds();
        for (int i = 0; i < jobIds.size(); i++) {
            String jobId = jobIds.get(i);
            ChangesetJob job = store.changesetJob(campaignId, jobId).orElse(null);
            if (job == null) {
                continue;
            }
            Instant now = clock.instant();
            if (job.state() == JobState.PENDING) {
                if (campaign.cancelledAt() != null && now.isBefore(lookUntil)) {
                    again.add(jobId); // the cancel's write has not landed yet
                    delay = min(delay, NOT_YET_CANCELLED);
                }
                continue; // else retryCampaign resumed it: its new execution finishes it
            }
            if (job.state() == JobState.CANCELLED) {
                try {
                    if (!recordCancelled(campaign, job)) {
                        if (now.isBefore(lookUntil)) {
                            again.add(jobId);
                            delay = min(delay, Duration.between(now, lookUntil));
                        } else {
                            LOG.info("campaign {} job {} ({}): no pull request from {}: it stays cancelled", campaignId,
                                    jobId, job.repository(), campaign.branch());
                        }
                        continue;
                    }
                } catch (CodeHostException e) {
                    if (e.kind() != CodeHostException.Kind.RATE_LIMITED) {
                        throw e;
                    }
                    LOG.warn("campaign {}: rate limited recording in-flight pull requests, {} left for later",
                            campaignId, jobIds.size() - i);
                    again.addAll(jobIds.subList(i, jobIds.size()));
                    delay = RATE_LIMITED;
                    break;
                }
                job = store.changesetJob(campaignId, jobId).orElse(job);
            }
            if (job.state() == JobState.COMPLETED && job.changesetId() != null) {
                recorded.add(job.changesetId());
            }
        }
        closeIfClosing(campaignId, recorded);
        return again.isEmpty() ? null
                : new Again(new InFlightPullRequestsRequest(campaignId, again, request.lookUntil()), delay);
    }

    /** Looks the job's pull request up and, found, records it as the campaign's changeset; false if none. */
    private boolean recordCancelled(Campaign campaign, ChangesetJob job) {
        ChangesetJobLifecycle.require(job, ChangesetJobLifecycle.Event.RECORD_CHANGESET);
        Optional<PullRequest> pr = codeHost.get().codeHost().findPullRequest(job.repository(), campaign.branch());
        if (pr.isEmpty()) {
            return false;
        }
        Instant readAt = clock.instant();
        PullRequestStatus status = codeHost.get().codeHost().loadPullRequestStatus(job.repository(),
                pr.get().number());
        Changeset changeset = changesets.observe(status, readAt, campaign.id());
        if (store.completeCancelledChangesetJob(campaign.id(), job.jobId(), changeset)) {
            LOG.info("campaign {} job {}: {}#{}, opened around the cancel, recorded as its changeset", campaign.id(),
                    job.jobId(), job.repository(), pr.get().number());
        }
        return true;
    }

    /**
     * Queues the campaign's recorded changesets to be closed if the campaign was closed with its changesets. Read
     * after the changesets were recorded (see the class: a close that listed the changesets before they were
     * recorded had written its mark first).
     */
    private void closeIfClosing(String campaignId, List<String> recorded) {
        if (recorded.isEmpty() || !store.closingChangesets(campaignId)) {
            return;
        }
        List<String> open = new ArrayList<>();
        for (Changeset c : changesets.changesets(recorded)) {
            if (c.createdBy(campaignId) && c.state() == ChangesetState.OPEN) {
                open.add(c.id());
            }
        }
        if (!open.isEmpty()) {
            closeQueue.get().send(new CloseChangesetsRequest(campaignId, open), Duration.ZERO);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
