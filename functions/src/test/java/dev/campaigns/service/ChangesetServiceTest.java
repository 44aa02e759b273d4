package dev.campaigns.service;

import static dev.campaigns.service.ServiceFixture.OWNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetCounts;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.testing.FakeCodeHost;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Changesets: tracking, sync, webhooks, the scheduled sync, the close paths, counts; on the in-memory twins. */
class ChangesetServiceTest {
    private final ServiceFixture f = new ServiceFixture();

    private Campaign emptyCampaign(String name) {
        return f.campaigns.createCampaign(OWNER, new CampaignService.CreateCampaignInput(name, null, null, null, null,
                null));
    }

    private List<Changeset> tracked(String... repositories) {
        List<ChangesetService.ExternalChangesetInput> input = new ArrayList<>();
        for (String r : repositories) {
            input.add(new ChangesetService.ExternalChangesetInput(r, Long.toString(f.host.open(r, "their-branch"))));
        }
        return f.changesets.createChangesets(input);
    }

    static Stream<Arguments> invalidPullRequests() {
        List<ChangesetService.ExternalChangesetInput> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(new ChangesetService.ExternalChangesetInput("org/a", Integer.toString(i + 1)));
        }
        return Stream.of(Arguments.of(List.of(), "at least one"), Arguments.of(many, "at most 100"),
                Arguments.of(Arrays.asList((ChangesetService.ExternalChangesetInput) null), "input[0] is null"),
                Arguments.of(List.of(new ChangesetService.ExternalChangesetInput("org", "1")), "OWNER/NAME"),
                Arguments.of(List.of(new ChangesetService.ExternalChangesetInput("org/a", "01")), "pull request number"),
                Arguments.of(List.of(new ChangesetService.ExternalChangesetInput("org/a", "99")), "does not exist"));
    }

    @ParameterizedTest
    @MethodSource("invalidPullRequests")
    void pullRequestsToTrackAreCheckedFirst(List<ChangesetService.ExternalChangesetInput> input, String message) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> f.changesets.createChangesets(input));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(f.repos.stalest(10).isEmpty(), "nothing recorded");
    }

    @Test
    void trackedChangesetsJoinACampaignOnceAndAreSyncedForTheirOwnersOnly() {
        List<Changeset> found = tracked("org/a", "org/b");
        assertEquals(found, f.changesets.createChangesets(List.of(
                new ChangesetService.ExternalChangesetInput("org/a", found.get(0).externalID()),
                new ChangesetService.ExternalChangesetInput("org/a", found.get(0).externalID()),
                new ChangesetService.ExternalChangesetInput("org/b", found.get(1).externalID()))),
                "found again, duplicates once");
        Campaign campaign = emptyCampaign("track");
        List<String> ids = found.stream().map(Changeset::id).toList();
        assertEquals(2, f.changesets.addChangesetsToCampaign(OWNER, campaign.id(), ids).changesetCount());
        assertEquals(2, f.changesets.addChangesetsToCampaign(OWNER, campaign.id(), ids).changesetCount(), "once");
        assertThrows(NotFoundException.class, () -> f.changesets.addChangesetsToCampaign(OWNER, campaign.id(),
                List.of("nope")));
        assertThrows(InvalidInputException.class, () -> f.changesets.addChangesetsToCampaign(OWNER, campaign.id(),
                List.of()));
        assertEquals(ids, f.changesets.campaignChangesets(f.campaigns.campaign(OWNER, campaign.id()), null, null)
                .nodes().stream().map(Changeset::id).toList());

        f.clock.advance(Duration.ofMinutes(1));
        f.host.setState("org/a", Long.parseLong(found.get(0).externalID()), PullRequestState.MERGED);
        assertEquals(ChangesetState.MERGED, f.changesets.syncChangeset(OWNER, ids.get(0)).state());
        assertThrows(NotFoundException.class, () -> f.changesets.syncChangeset("bob", ids.get(0)),
                "not a changeset of bob's campaigns");
        f.clock.advance(Duration.ofMinutes(1));
        f.host.delete("org/b", Long.parseLong(found.get(1).externalID()));
        assertEquals(ChangesetState.DELETED, f.changesets.syncChangeset(OWNER, ids.get(1)).state());

        f.changesets.closeCampaign(OWNER, campaign.id(), true);
        assertTrue(f.closeQueue.isEmpty(), "tracked pull requests are never closed by the campaign");
        assertThrows(FailedPreconditionException.class, () -> f.changesets.addChangesetsToCampaign(OWNER,
                campaign.id(), ids));
        f.host.failNext("status", () -> FakeCodeHost.error(CodeHostException.Kind.SERVER_ERROR));
        assertThrows(CodeHostException.class, () -> f.changesets.syncChangeset(OWNER, ids.get(0)));
    }

    @Test
    void aWebhookDeliveryIsHandledOnceAndSyncsOnlyChangesets() {
        List<Changeset> found = tracked("org/a");
        long number = Long.parseLong(found.get(0).externalID());
        f.clock.advance(Duration.ofMinutes(1));
        f.host.setState("org/a", number, PullRequestState.CLOSED);
        WebhookDelivery closed = new WebhookDelivery("d1", "pull_request", "closed", "org/a", List.of(number, 999L));
        assertEquals(1, f.changesets.handleDelivery(closed));
        assertEquals(ChangesetState.CLOSED, f.repos.changeset(found.get(0).id()).orElseThrow().state());
        long statusReads = f.host.calls.stream().filter(c -> c.startsWith("status")).count();
        assertEquals(1, f.changesets.handleDelivery(closed), "a redelivery answers the first answer");
        assertEquals(statusReads, f.host.calls.stream().filter(c -> c.startsWith("status")).count(), "read once");
        assertEquals(0, f.changesets.handleDelivery(new WebhookDelivery("d2", "pull_request", "opened", "org/a",
                List.of(number))));
        assertThrows(InvalidInputException.class, () -> f.changesets.handleDelivery(new WebhookDelivery(" ",
                "pull_request", "closed", "org/a", List.of(number))));
        f.host.failNext("status", () -> FakeCodeHost.error(CodeHostException.Kind.SERVER_ERROR));
        WebhookDelivery failing = new WebhookDelivery("d3", "pull_request", "edited", "org/a", List.of(number));
        assertThrows(CodeHostException.class, () -> f.changesets.handleDelivery(failing));
        assertEquals(1, f.changesets.handleDelivery(failing), "a failed delivery is handled again");
    }

    @Test
    void theScheduledSyncReadsTheStalestWithinItsBudgetAboveTheReserve() {
        List<Changeset> found = new ArrayList<>();
        for (String repository : List.of("org/a", "org/b", "org/c", "org/d")) {
            found.addAll(tracked(repository));
            f.clock.advance(Duration.ofSeconds(1));
        }
        f.clock.advance(Duration.ofMinutes(5));
        f.host.remaining = 100;
        assertEquals(0, f.changesets.syncStalest(1000, 100), "no budget above the reserve");
        f.host.remaining = 1000;
        assertEquals(2, f.changesets.syncStalest(10, 0), "10 requests: 2 syncs");
        assertEquals(List.of(found.get(2).id(), found.get(3).id()), f.repos.stalest(2), "the synced went last");
        f.host.failNext("status", () -> FakeCodeHost.error(CodeHostException.Kind.SERVER_ERROR));
        assertEquals(3, f.changesets.syncStalest(1000, 0), "one failure does not stop the others");
        f.host.failNext("status", () -> FakeCodeHost.error(CodeHostException.Kind.RATE_LIMITED));
        assertEquals(0, f.changesets.syncStalest(1000, 0), "a rate limit stops the run");
    }

    @Test
    void closingACampaignQueuesItsOwnOpenPullRequestsAndTheQueueClosesThemOnce() {
        CampaignPlan plan = f.executedPlan("org/a", "org/b", "org/c");
        Campaign campaign = f.campaign(plan, "fix");
        FailedPreconditionException pending = assertThrows(FailedPreconditionException.class,
                () -> f.changesets.closeCampaign(OWNER, campaign.id(), true));
        assertTrue(pending.getMessage().contains("still creating changesets"), pending.getMessage());
        f.runAllSteps(campaign, 1);
        Changeset other = tracked("org/x").get(0);
        f.changesets.addChangesetsToCampaign(OWNER, campaign.id(), List.of(other.id()));
        List<Changeset> own = f.changesets.campaignChangesets(f.campaigns.campaign(OWNER, campaign.id()), 10, null)
                .nodes().stream().filter(c -> c.createdBy(campaign.id())).toList();
        f.host.setState("org/c", Long.parseLong(own.get(2).externalID()), PullRequestState.MERGED);
        f.clock.advance(Duration.ofMinutes(1));
        f.changesets.syncChangeset(OWNER, own.get(2).id());

        Campaign closed = f.changesets.closeCampaign(OWNER, campaign.id(), true);
        assertEquals(f.clock.instant(), closed.closedAt());
        assertEquals(1, f.closeQueue.size());
        assertEquals(List.of(own.get(0).id(), own.get(1).id()), f.closeQueue.get(0).changesetIds(),
                "open and its own: not the merged one, not the tracked one");
        f.clock.advance(Duration.ofMinutes(1));
        CloseChangesetsRequest request = f.closeQueue.get(0);
        f.host.failNext("close", () -> FakeCodeHost.error(CodeHostException.Kind.SERVER_ERROR));
        assertThrows(CodeHostException.class, () -> f.changesets.closeChangesets(request),
                "a failure other than the rate limit goes back to the queue");
        f.host.failNext("close", () -> FakeCodeHost.error(CodeHostException.Kind.RATE_LIMITED));
        CloseChangesetsRequest rest = f.changesets.closeChangesets(request);
        assertEquals(request, rest, "rate limited before the first: all left for later");
        assertNull(f.changesets.closeChangesets(rest));
        assertNull(f.changesets.closeChangesets(rest), "a repeated message closes nothing twice");
        assertEquals(4, f.host.calls.stream().filter(c -> c.startsWith("close")).count(),
                "two failed attempts, then each closed once");
        for (Changeset c : f.repos.changesets(rest.changesetIds())) {
            assertEquals(ChangesetState.CLOSED, c.state());
        }
        assertEquals(PullRequestState.OPEN, f.host.pull("org/x", Long.parseLong(other.externalID())).state());
        Campaign again = f.changesets.closeCampaign(OWNER, campaign.id(), false);
        assertEquals(closed.closedAt(), again.closedAt(), "closed once");
    }

    @Test
    void deletingACampaignKeepsItsChangesetsForOtherCampaigns() {
        List<Changeset> found = tracked("org/a");
        Campaign one = emptyCampaign("one");
        Campaign two = emptyCampaign("two");
        f.changesets.addChangesetsToCampaign(OWNER, one.id(), List.of(found.get(0).id()));
        f.changesets.addChangesetsToCampaign(OWNER, two.id(), List.of(found.get(0).id()));
        f.changesets.deleteCampaign(OWNER, one.id(), true);
        assertThrows(NotFoundException.class, () -> f.campaigns.campaign(OWNER, one.id()));
        assertEquals(java.util.Set.of(two.id()), f.repos.changeset(found.get(0).id()).orElseThrow().campaignIds());
        assertTrue(f.closeQueue.isEmpty());
        assertThrows(NotFoundException.class, () -> f.changesets.deleteCampaign("bob", two.id(), false));
    }

    @Test
    void countsOverTimeReplayTheHistoryWithinBounds() {
        Instant start = f.clock.instant();
        List<Changeset> found = tracked("org/a", "org/b");
        Campaign campaign = emptyCampaign("counts");
        f.changesets.addChangesetsToCampaign(OWNER, campaign.id(), found.stream().map(Changeset::id).toList());
        f.clock.advance(Duration.ofDays(2));
        f.host.setState("org/a", Long.parseLong(found.get(0).externalID()), PullRequestState.MERGED);
        f.changesets.syncChangeset(OWNER, found.get(0).id());
        f.clock.advance(Duration.ofDays(1));
        List<ChangesetCounts> counts = f.changesets.countsOverTime(f.campaigns.campaign(OWNER, campaign.id()),
                start, null);
        assertFalse(counts.isEmpty());
        ChangesetCounts last = counts.get(counts.size() - 1);
        assertEquals(2, last.total());
        assertEquals(1, last.merged());
        assertThrows(InvalidInputException.class, () -> f.changesets.countsOverTime(campaign, start,
                start.minusSeconds(1)));
        assertThrows(InvalidInputException.class, () -> f.changesets.countsOverTime(campaign, start,
                start.plus(Duration.ofDays(3700))));
    }
}
