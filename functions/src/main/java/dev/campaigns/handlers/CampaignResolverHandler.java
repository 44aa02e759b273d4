package dev.campaigns.handlers;

import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.OwnerRule;
import dev.campaigns.service.AutoMerge;
import dev.campaigns.service.CampaignCancellation;
import dev.campaigns.service.CampaignService;
import dev.campaigns.service.CampaignService.CreateCampaignInput;
import dev.campaigns.service.CampaignUpdate;
import dev.campaigns.service.InvalidInputException;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Resolves Mutation.createCampaign, Mutation.retryCampaign, Mutation.cancelCampaign, Mutation.publishCampaign and
 * Mutation.updateCampaign and Mutation.publishChangesets.
 */
public final class CampaignResolverHandler extends ResolverHandler {
    private final Supplier<CampaignService> campaigns;
    private final Supplier<CampaignCancellation> cancellation;
    private final Supplier<AutoMerge> autoMerge;
    private final Supplier<CampaignUpdate> updates;

    public CampaignResolverHandler() {
        this(Services.fromEnvironment());
    }

    CampaignResolverHandler(Services services) {
        this(services::campaigns, services::cancellation, services::autoMerge, services::campaignUpdate,
                services.ownerRule(), services::prime);
    }

    public CampaignResolverHandler(Supplier<CampaignService> campaigns, Supplier<CampaignCancellation> cancellation,
                                   Supplier<AutoMerge> autoMerge, Supplier<CampaignUpdate> updates,
                                   OwnerRule ownerRule, Runnable priming) {
        super(ownerRule, priming);
        this.campaigns = campaigns;
        this.cancellation = cancellation;
        this.autoMerge = autoMerge;
        this.updates = updates;
    }

    @Override
    protected Map<String, Function<AppSyncEvent, Object>> resolvers() {
        return Map.of("Mutation.createCampaign", this::createCampaign, "Mutation.retryCampaign", this::retryCampaign,
                "Mutation.cancelCampaign", this::cancelCampaign, "Mutation.publishCampaign", this::publishCampaign,
                "Mutation.updateCampaign", this::updateCampaign, "Mutation.publishChangesets",
                this::publishChangesets);
    }

    private Object createCampaign(AppSyncEvent event) {
        if (event.arguments() == null || !event.arguments().path("input").isObject()) {
            throw new InvalidInputException("input is required");
        }
        CreateCampaignInput input;
        com.fasterxml.jackson.databind.node.ObjectNode fields = event.arguments().get("input").deepCopy();
        // issue 16's auto-merge is its own setting, made once the campaign exists (repeating it changes nothing)
        dev.campaigns.domain.MergeMethod method = ChangesetOperationResolverHandler.autoMergeMethod(
                fields.remove("autoMerge"));
        try {
            input = JSON.treeToValue(fields, CreateCampaignInput.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInputException("input is not a CreateCampaignInput: " + e.getOriginalMessage());
        }
        String owner = owner(event);
        dev.campaigns.domain.Campaign created = campaigns.get().createCampaign(owner, input);
        if (method != null) {
            autoMerge.get().set(owner, created.id(), method);
        }
        return view(created);
    }

    private Object retryCampaign(AppSyncEvent event) {
        return view(campaigns.get().retryCampaign(owner(event), event.text("campaign")));
    }

    private Object cancelCampaign(AppSyncEvent event) {
        return view(cancellation.get().cancel(campaigns.get().campaign(owner(event), event.text("campaign"))));
    }

    private Object publishCampaign(AppSyncEvent event) {
        return view(campaigns.get().publishCampaign(owner(event), event.text("campaign"), event.bool("draft")));
    }

    private Object updateCampaign(AppSyncEvent event) {
        if (event.arguments() == null || !event.arguments().path("input").isObject()) {
            throw new InvalidInputException("input is required");
        }
        CampaignUpdate.UpdateCampaignInput input;
        try {
            input = JSON.treeToValue(event.arguments().get("input"), CampaignUpdate.UpdateCampaignInput.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInputException("input is not an UpdateCampaignInput: " + e.getOriginalMessage());
        }
        return view(updates.get().update(owner(event), input));
    }

    private Object publishChangesets(AppSyncEvent event) {
        return view(campaigns.get().publishChangesets(owner(event), event.text("campaign"),
                event.texts("repositories"), event.bool("draft")));
    }

    private Map<String, Object> view(Campaign campaign) {
        return Views.campaign(campaign, campaigns.get().changesetCreationStatus(campaign));
    }
}
