package dev.campaigns.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.Campaign;
import dev.campaigns.pacing.Pacer;
import dev.campaigns.pacing.PacerKey;
import dev.campaigns.pacing.PacingConfig;
import dev.campaigns.pacing.PacingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pull-request step's pacing: a pending job without a pull request takes a slot, once; others go now. */
class PullRequestPacingTest {
    /** The pacer's store, in memory (DynamoPacingStore's behaviour: DynamoBlobAndPacingStoreTest). */
    private static final class Slots implements PacingStore {
        final Map<String, Instant> next = new HashMap<>();
        final Map<String, Instant> reservations = new HashMap<>();

        @Override
        public Instant takeSlot(String bucketId, Instant now, Duration interval) {
            Instant n = next.get(bucketId);
            Instant slot = n == null || n.isBefore(now) ? now : n;
            next.put(bucketId, slot.plus(interval));
            return slot;
        }

        @Override
        public void delay(String bucketId, Duration delay) {
            next.computeIfPresent(bucketId, (k, v) -> v.plus(delay));
        }

        @Override
        public Optional<Instant> reservation(String jobKey) {
            return Optional.ofNullable(reservations.get(jobKey));
        }

        @Override
        public void recordReservation(String jobKey, Instant slot, Instant expiresAt) {
            reservations.put(jobKey, slot);
        }
    }

    @Test
    void slotsAreReservedOncePerJobAndRoundedUpToWholeSeconds() {
        ServiceFixture f = new ServiceFixture();
        f.clock.advance(Duration.ofMillis(250));
        Slots slots = new Slots();
        PullRequestPacing pacing = new PullRequestPacing(f.repos, new Pacer(slots, PacingConfig.github(), f.clock),
                repository -> PacerKey.of("https://api.github.com", "token"), f.clock);
        CampaignPlan plan = f.executedPlan("org/a", "org/b");
        Campaign campaign = f.campaign(plan, "fix");
        var jobs = f.steps.preparePage(campaign.id(), 0);
        Instant first = pacing.reserve(campaign.id(), jobs.get(0).jobId());
        assertEquals(f.clock.instant().plusMillis(750), first, "rounded up to the next second");
        assertEquals(first, pacing.reserve(campaign.id(), jobs.get(0).jobId()), "a retried reservation: the same");
        Instant second = pacing.reserve(campaign.id(), jobs.get(1).jobId());
        assertEquals(1, second.compareTo(first), "the next job waits its interval");
        assertEquals(f.clock.instant().plusMillis(750), pacing.reserve(campaign.id(), "000009"),
                "no such job: now");
        f.runSteps(campaign.id(), jobs.get(0).jobId());
        ChangesetJob done = f.repos.changesetJob(campaign.id(), jobs.get(0).jobId()).orElseThrow();
        assertEquals(f.clock.instant().plusMillis(750), pacing.reserve(campaign.id(), done.jobId()),
                "a job with its pull request goes now");
        assertEquals(f.clock.instant(), pacing.now());
        pacing.pullRequestSent(campaign.id(), jobs.get(1).jobId(), second.plusSeconds(30));
        assertEquals(second.plus(PacingConfig.github().forHost("https://api.github.com").interval())
                        .plusSeconds(30).plusSeconds(0),
                slots.next.values().iterator().next().minus(Duration.ZERO), "a late request delays the bucket");
    }
}
