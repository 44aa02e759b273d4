package dev.campaigns.handlers;

import dev.campaigns.domain.Campaign;
import dev.campaigns.service.CampaignService.CreateCampaignInput;
import dev.campaigns.service.InvalidInputException;
import java.util.Map;
import java.util.function.Function;

/** Resolves Mutation.createCampaign, Mutation.retryCampaign and Mutation.cancelCampaign. */
public final class CampaignResolverHandler extends ResolverHandler {
    public CampaignResolverHandler() {
        this(Services.fromEnvironment());
    }

    public CampaignResolverHandler(Services services) {
        super(services);
    }

    @Override
    protected Map<String, Function<AppSyncEvent, Object>> resolvers() {
        return Map.of("Mutation.createCampaign", this::createCampaign, "Mutation.retryCampaign", this::retryCampaign,
                "Mutation.cancelCampaign", this::cancelCampaign);
    }

    private Object createCampaign(AppSyncEvent event) {
        if (event.arguments() == null || !event.arguments().path("input").isObject()) {
            throw new InvalidInputException("input is required");
        }
        CreateCampaignInput input;
        com.fasterxml.jackson.databind.node.ObjectNode fields = event.arguments().get("input").deepCopy();
        // issue 16's auto-merge is its own setting, made once the campaign exists (repeating it changes nothing)
        dev.campaigns.domain.MergeMethod autoMerge = ChangesetOperationResolverHandler.autoMergeMethod(
                fields.remove("autoMerge"));
        try {
            input = JSON.treeToValue(fields, CreateCampaignInput.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInputException("input is not a CreateCampaignInput: " + e.getOriginalMessage());
        }
        String owner = owner(event);
        dev.campaigns.domain.Campaign created = services.campaigns().createCampaign(owner, input);
        if (autoMerge != null) {
            services.autoMerge().set(owner, created.id(), autoMerge);
        }
        return view(created);
    }

    private Object retryCampaign(AppSyncEvent event) {
        return view(services.campaigns().retryCampaign(owner(event), event.text("campaign")));
    }

    private Object cancelCampaign(AppSyncEvent event) {
        return view(services.cancellation().cancel(services.campaigns().campaign(owner(event), event.text("campaign"))));
    }

    private Map<String, Object> view(Campaign campaign) {
        return Views.campaign(campaign, services.campaigns().changesetCreationStatus(campaign));
    }
}
