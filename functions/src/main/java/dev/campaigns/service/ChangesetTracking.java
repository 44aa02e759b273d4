package dev.campaigns.service;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetCounts;
import dev.campaigns.domain.ChangesetEvent;
import dev.campaigns.domain.ChangesetHistory;
import dev.campaigns.domain.Page;
import dev.campaigns.service.ChangesetService.ExternalChangesetInput;
import dev.campaigns.store.CampaignRepository;
import dev.campaigns.store.ChangesetRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tracking: existing pull requests recorded as changesets and added to campaigns, a changeset synced on request, a
 * campaign's changesets read back and counted over time (Sourcegraph's changesets service, its tracking half).
 */
public final class ChangesetTracking {
    private static final int MAX_CHANGESETS_PER_CALL = 100;

    private final ChangesetRepository changesets;
    private final CampaignRepository campaignStore;
    private final CampaignService campaigns;
    private final ChangesetReads reads;
    private final Clock clock;

    public ChangesetTracking(ChangesetRepository changesets, CampaignRepository campaignStore,
                             CampaignService campaigns, ChangesetReads reads, Clock clock) {
        this.changesets = changesets;
        this.campaignStore = campaignStore;
        this.campaigns = campaigns;
        this.reads = reads;
        this.clock = clock;
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
            String repository = Validation.repository("input[" + i + "].repository", in.repository());
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
                found.add(reads.codeHost().codeHost().loadPullRequestStatus(in.repository(),
                        Long.parseLong(in.externalID())));
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
                campaignStore.addToCampaign(campaignId, c);
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
        return reads.sync(c);
    }
    private boolean ownsCampaign(String owner, String campaignId) {
        try {
            campaigns.campaign(owner, campaignId);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }
    /** A page of the campaign's changesets. */
    public Page<Changeset> campaignChangesets(Campaign campaign, Integer first, String after) {
        Page<String> ids = campaignStore.campaignChangesetIds(campaign.id(), Validation.first(first, 50, 100), after,
                campaign.changesetCount());
        return new Page<>(changesets.changesets(ids.nodes()), ids.endCursor(), ids.totalCount());
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
        for (String id : campaignStore.allCampaignChangesetIds(campaign.id())) {
            events.addAll(changesets.events(id));
        }
        return ChangesetHistory.countsOverTime(events, start, end);
    }
}
