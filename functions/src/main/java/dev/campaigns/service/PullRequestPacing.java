package dev.campaigns.service;

import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.JobState;
import dev.campaigns.pacing.Pacer;
import dev.campaigns.pacing.PacerKey;
import dev.campaigns.store.CampaignRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;

/**
 * When a changeset job may open its pull request: the {@link Pacer}'s slot for its repository's code host and token
 * (or GitHub App installation), as the
 * whole-second timestamp that the state machine's {@code WaitForPullRequestSlot} state waits for. A job that needs
 * no new pull request (no longer pending, or its pull request already open) is not paced: its slot is now.
 */
public final class PullRequestPacing {
    private final CampaignRepository store;
    private final Pacer pacer;
    private final Function<String, PacerKey> keyOf;
    private final Clock clock;

    /** @param keyOf whose budget a pull request on a repository spends ({@link CodeHostAccess#pacingKey}) */
    public PullRequestPacing(CampaignRepository store, Pacer pacer, Function<String, PacerKey> keyOf, Clock clock) {
        this.store = store;
        this.pacer = pacer;
        this.keyOf = keyOf;
        this.clock = clock;
    }

    /** Now, on the pacer's clock: taken by the pull-request step before it talks to the code host. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * After the job's pull request was opened (or found), sent at {@code sentAt}: compensates a late request (see
     * {@link Pacer#sent}).
     */
    public void pullRequestSent(String campaignId, String jobId, Instant sentAt) {
        ChangesetJob job = store.changesetJob(campaignId, jobId).orElse(null);
        if (job != null) {
            pacer.sent(keyOf.apply(job.repository()), campaignId + "/" + jobId, sentAt);
        }
    }

    /** The instant (whole seconds, rounded up) at which the job's pull request may be created. */
    public Instant reserve(String campaignId, String jobId) {
        ChangesetJob job = store.changesetJob(campaignId, jobId).orElse(null);
        Instant slot;
        if (job == null || job.state() != JobState.PENDING || job.pullRequest() != 0) {
            slot = clock.instant();
        } else {
            slot = pacer.reserve(keyOf.apply(job.repository()), campaignId + "/" + jobId).slot();
        }
        Instant whole = slot.truncatedTo(ChronoUnit.SECONDS);
        return whole.equals(slot) ? whole : whole.plusSeconds(1);
    }
}
