package dev.campaigns.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.OwnerRule;
import dev.campaigns.service.CampaignCancellation;
import dev.campaigns.service.CampaignService;
import dev.campaigns.service.ChangesetService;
import dev.campaigns.service.ChangesetService.ExternalChangesetInput;
import dev.campaigns.service.InvalidInputException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Resolves the changeset-tracking fields: Mutation.createChangesets, addChangesetsToCampaign, syncChangeset,
 * closeCampaign, deleteCampaign, and Campaign.changesetCountsOverTime. Campaign fields check that the caller owns
 * the campaign (another user's campaign is "not found").
 */
public final class ChangesetResolverHandler extends ResolverHandler {
    private final Supplier<ChangesetService> changesets;
    private final Supplier<CampaignService> campaigns;
    private final Supplier<CampaignCancellation> cancellation;

    public ChangesetResolverHandler() {
        this(Services.fromEnvironment());
    }

    ChangesetResolverHandler(Services services) {
        this(services::changesets, services::campaigns, services::cancellation, services.ownerRule(), services::prime);
    }

    public ChangesetResolverHandler(Supplier<ChangesetService> changesets, Supplier<CampaignService> campaigns,
                                    Supplier<CampaignCancellation> cancellation, OwnerRule ownerRule,
                                    Runnable priming) {
        super(ownerRule, priming);
        this.changesets = changesets;
        this.campaigns = campaigns;
        this.cancellation = cancellation;
    }

    @Override
    protected Map<String, Function<AppSyncEvent, Object>> resolvers() {
        return Map.of(
                "Mutation.createChangesets", this::createChangesets,
                "Mutation.addChangesetsToCampaign", this::addChangesetsToCampaign,
                "Mutation.syncChangeset", e -> Views.changeset(changesets.get().syncChangeset(owner(e),
                        e.text("changeset"))),
                "Mutation.closeCampaign", this::closeCampaign,
                "Mutation.deleteCampaign", this::deleteCampaign,
                "Campaign.changesetCountsOverTime", this::countsOverTime);
    }

    private Object createChangesets(AppSyncEvent event) {
        owner(event);
        JsonNode input = event.arguments() == null ? null : event.arguments().get("input");
        if (input == null || !input.isArray()) {
            throw new InvalidInputException("input is required: a list of {repository, externalID}");
        }
        List<ExternalChangesetInput> list = new ArrayList<>();
        input.forEach(i -> list.add(i == null || i.isNull() ? null : new ExternalChangesetInput(
                i.path("repository").isTextual() ? i.get("repository").asText() : null,
                i.path("externalID").isNull() || i.path("externalID").isMissingNode() ? null
                        : i.get("externalID").asText())));
        return changesets.get().createChangesets(list).stream().map(Views::changeset).toList();
    }

    private Object addChangesetsToCampaign(AppSyncEvent event) {
        List<String> ids = new ArrayList<>();
        JsonNode list = event.arguments() == null ? null : event.arguments().get("changesets");
        if (list != null && list.isArray()) {
            list.forEach(n -> ids.add(n.asText()));
        }
        return view(changesets.get().addChangesetsToCampaign(owner(event), event.text("campaign"), ids));
    }

    private Object closeCampaign(AppSyncEvent event) {
        cancelIfProcessing(event);
        return view(changesets.get().closeCampaign(owner(event), event.text("campaign"),
                flag(event, "closeChangesets")));
    }

    private Object deleteCampaign(AppSyncEvent event) {
        cancelIfProcessing(event);
        changesets.get().deleteCampaign(owner(event), event.text("campaign"), flag(event, "closeChangesets"));
        return Map.of("alwaysNil", true);
    }

    /** Close and delete of a campaign still creating changesets cancel that first (issue 16), instead of refusing. */
    private void cancelIfProcessing(AppSyncEvent event) {
        Campaign campaign = campaigns.get().campaign(owner(event), event.text("campaign"));
        if (campaign.planId() != null && campaign.counters().pending() > 0) {
            cancellation.get().cancel(campaign);
        }
    }

    private Object countsOverTime(AppSyncEvent event) {
        Campaign campaign = campaigns.get().campaign(owner(event), event.source().path("id").asText());
        return changesets.get().countsOverTime(campaign, time(event, "from"), time(event, "to")).stream()
                .map(Views::counts).toList();
    }

    private static boolean flag(AppSyncEvent event, String name) {
        JsonNode v = event.arguments() == null ? null : event.arguments().get(name);
        return v != null && v.asBoolean(false);
    }

    private static Instant time(AppSyncEvent event, String name) {
        String v = event.text(name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(name + " must be an ISO-8601 date-time, got " + v);
        }
    }

    private Map<String, Object> view(Campaign campaign) {
        return Views.campaign(campaign, campaigns.get().changesetCreationStatus(campaign));
    }
}
