package dev.campaigns.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.service.CampaignPlanService.PatchInput;
import dev.campaigns.service.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Resolves Mutation.createCampaignPlanFromPatches. */
public final class CampaignPlanResolverHandler extends ResolverHandler {
    public CampaignPlanResolverHandler() {
        this(Services.fromEnvironment());
    }

    public CampaignPlanResolverHandler(Services services) {
        super(services);
    }

    @Override
    protected Map<String, Function<AppSyncEvent, Object>> resolvers() {
        return Map.of("Mutation.createCampaignPlanFromPatches", this::createCampaignPlanFromPatches);
    }

    private Object createCampaignPlanFromPatches(AppSyncEvent event) {
        JsonNode patches = event.arguments() == null ? null : event.arguments().get("patches");
        if (patches == null || !patches.isArray()) {
            throw new InvalidInputException("patches must be a list of {repository, baseRevision, baseRef, patch}");
        }
        List<PatchInput> input = new ArrayList<>();
        for (JsonNode p : patches) {
            input.add(new PatchInput(text(p, "repository"), text(p, "baseRevision"), text(p, "baseRef"),
                    text(p, "patch")));
        }
        CampaignPlan plan = services.plans().createCampaignPlanFromPatches(owner(event), input);
        return Views.plan(plan, services.plans().status(plan));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
