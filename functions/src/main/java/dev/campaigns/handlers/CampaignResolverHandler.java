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
        try {
            input = JSON.treeToValue(event.arguments().get("input"), CreateCampaignInput.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInputException("input is not a CreateCampaignInput: " + e.getOriginalMessage());
        }
        return view(services.campaigns().createCampaign(owner(event), input));
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
