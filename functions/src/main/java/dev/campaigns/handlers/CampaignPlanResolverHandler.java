package dev.campaigns.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.OwnerRule;
import dev.campaigns.service.CampaignPlanService;
import dev.campaigns.service.CampaignPlanService.PatchInput;
import dev.campaigns.service.CampaignPlanService.PatchUploadStatus;
import dev.campaigns.service.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Resolves the campaign plan mutations: createCampaignPlanFromPatches (a plan in one request), and for plans too
 * large for one request createCampaignPlan, addPatchesToCampaignPlan (a batch), uploadCampaignPlanPatchPart (a part of
 * a large patch) and executeCampaignPlan.
 */
public final class CampaignPlanResolverHandler extends ResolverHandler {
    private final Supplier<CampaignPlanService> plans;

    public CampaignPlanResolverHandler() {
        this(Services.fromEnvironment());
    }

    CampaignPlanResolverHandler(Services services) {
        this(services::plans, services.ownerRule(), services::prime);
    }

    public CampaignPlanResolverHandler(Supplier<CampaignPlanService> plans, OwnerRule ownerRule, Runnable priming) {
        super(ownerRule, priming);
        this.plans = plans;
    }

    @Override
    protected Map<String, Function<AppSyncEvent, Object>> resolvers() {
        return Map.of(
                "Mutation.createCampaignPlanFromPatches", this::createCampaignPlanFromPatches,
                "Mutation.createCampaignPlan", this::createCampaignPlan,
                "Mutation.addPatchesToCampaignPlan", this::addPatchesToCampaignPlan,
                "Mutation.uploadCampaignPlanPatchPart", this::uploadCampaignPlanPatchPart,
                "Mutation.executeCampaignPlan", this::executeCampaignPlan);
    }

    private Object createCampaignPlanFromPatches(AppSyncEvent event) {
        return view(plans.get().createCampaignPlanFromPatches(owner(event), patches(event)));
    }

    private Object createCampaignPlan(AppSyncEvent event) {
        return view(plans.get().createCampaignPlan(owner(event)));
    }

    private Object addPatchesToCampaignPlan(AppSyncEvent event) {
        return view(plans.get().addPatches(owner(event), event.text("plan"), event.integer("offset"),
                patches(event)));
    }

    private Object uploadCampaignPlanPatchPart(AppSyncEvent event) {
        PatchUploadStatus status = plans.get().uploadPatchPart(owner(event), event.text("plan"),
                event.text("patchDigest"), event.integer("part"), event.integer("parts"), event.text("data"));
        return Map.of("patchDigest", status.patchDigest(), "parts", status.parts(),
                "receivedParts", status.receivedParts(), "complete", status.complete());
    }

    private Object executeCampaignPlan(AppSyncEvent event) {
        return view(plans.get().execute(owner(event), event.text("plan")));
    }

    private Map<String, Object> view(CampaignPlan plan) {
        return Views.plan(plan, plans.get().status(plan));
    }

    private static List<PatchInput> patches(AppSyncEvent event) {
        JsonNode patches = event.arguments() == null ? null : event.arguments().get("patches");
        if (patches == null || !patches.isArray()) {
            throw new InvalidInputException("patches must be a list of {repository, baseRevision, baseRef, patch}");
        }
        List<PatchInput> input = new ArrayList<>();
        for (JsonNode p : patches) {
            input.add(new PatchInput(text(p, "repository"), text(p, "baseRevision"), text(p, "baseRef"),
                    text(p, "patch"), text(p, "patchDigest")));
        }
        return input;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
