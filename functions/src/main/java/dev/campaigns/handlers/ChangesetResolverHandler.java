package dev.campaigns.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.campaigns.domain.Campaign;
import dev.campaigns.service.ChangesetService;
import dev.campaigns.service.ChangesetService.ExternalChangesetInput;
import dev.campaigns.service.InvalidInputException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves the changeset-tracking fields: Mutation.createChangesets, addChangesetsToCampaign, syncChangeset,
 * closeCampaign, deleteCampaign, and Campaign.changesetCountsOverTime. Campaign fields check that the caller owns
 * the campaign (another user's campaign is "not found").
 */
public final class ChangesetResolverHandler extends ResolverHandler {
    public ChangesetResolverHandler() {
        this(Services.fromEnvironment());
    }

    public ChangesetResolverHandler(Services services) {
        super(services);
    }

    @Override
    protected Map<String, Function<AppSyncEvent, Object>> resolvers() {
        return Map.of(
                "Mutation.createChangesets", this::createChangesets,
                "Mutation.addChangesetsToCampaign", this::addChangesetsToCampaign,
                "Mutation.syncChangeset", e -> Views.changeset(services.changesets().syncChangeset(owner(e), e.text("changeset"))),
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
        return services.changesets().createChangesets(list).stream().map(Views::changeset).toList();
    }

    private Object addChangesetsToCampaign(AppSyncEvent event) {
        List<String> ids = new ArrayList<>();
        JsonNode list = event.arguments() == null ? null : event.arguments().get("changesets");
        if (list != null && list.isArray()) {
            list.forEach(n -> ids.add(n.asText()));
        }
        return view(services.changesets().addChangesetsToCampaign(owner(event), event.text("campaign"), ids));
    }

    private Object closeCampaign(AppSyncEvent event) {
        cancelIfProcessing(event);
        return view(services.changesets().closeCampaign(owner(event), event.text("campaign"),
                flag(event, "closeChangesets")));
    }

    private Object deleteCampaign(AppSyncEvent event) {
        cancelIfProcessing(event);
        services.changesets().deleteCampaign(owner(event), event.text("campaign"), flag(event, "closeChangesets"));
        return Map.of("alwaysNil", true);
    }

    /** Close and delete of a campaign still creating changesets cancel that first (issue 16), instead of refusing. */
    private void cancelIfProcessing(AppSyncEvent event) {
        Campaign campaign = services.campaigns().campaign(owner(event), event.text("campaign"));
        if (campaign.planId() != null && campaign.counters().pending() > 0) {
            services.cancellation().cancel(campaign);
        }
    }

    private Object countsOverTime(AppSyncEvent event) {
        ChangesetService changesets = services.changesets();
        Campaign campaign = services.campaigns().campaign(owner(event), event.source().path("id").asText());
        return changesets.countsOverTime(campaign, time(event, "from"), time(event, "to")).stream()
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
        return Views.campaign(campaign, services.campaigns().changesetCreationStatus(campaign));
    }
}
