package dev.campaigns.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetOperation;
import dev.campaigns.domain.ChangesetOperationResult;
import dev.campaigns.domain.ChangesetReviewState;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.domain.MergeMethod;
import dev.campaigns.domain.OwnerRule;
import dev.campaigns.service.AutoMerge;
import dev.campaigns.service.ChangesetOperations;
import dev.campaigns.service.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Resolves the bulk operations (issue 16): Mutation.runChangesetOperation starts one and returns it (the work runs
 * in the background), Query.changesetOperation reads it, ChangesetOperation.results pages through each changeset's
 * result; and auto-merge:
 * Mutation.setCampaignAutoMerge, Campaign.autoMerge. Each checks that the caller owns the campaign / operation
 * (another caller's is "not found").
 */
public final class ChangesetOperationResolverHandler extends ResolverHandler {
    private final Supplier<ChangesetOperations> operations;
    private final Supplier<AutoMerge> autoMerge;

    public ChangesetOperationResolverHandler() {
        this(Services.fromEnvironment());
    }

    ChangesetOperationResolverHandler(Services services) {
        this(services::changesetOperations, services::autoMerge, services.ownerRule(), services::prime);
    }

    public ChangesetOperationResolverHandler(Supplier<ChangesetOperations> operations, Supplier<AutoMerge> autoMerge,
                                             OwnerRule ownerRule, Runnable priming) {
        super(ownerRule, priming);
        this.operations = operations;
        this.autoMerge = autoMerge;
    }

    @Override
    protected Map<String, Function<AppSyncEvent, Object>> resolvers() {
        return Map.of(
                "Mutation.runChangesetOperation", this::run,
                "Query.changesetOperation", this::read,
                "ChangesetOperation.results", this::results,
                "Mutation.setCampaignAutoMerge", this::setAutoMerge,
                "Campaign.autoMerge", e -> autoMergeView(autoMerge.get().method(owner(e),
                        e.source().path("id").asText()).orElse(null)));
    }

    private Object setAutoMerge(AppSyncEvent event) {
        String campaign = event.text("campaign");
        MergeMethod method = autoMergeMethod(event.arguments() == null ? null : event.arguments().get("autoMerge"));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("campaign", campaign);
        v.put("autoMerge", autoMergeView(autoMerge.get().set(owner(event), campaign, method).orElse(null)));
        return v;
    }

    /** An AutoMergeInput's method; null (off) for a missing or null input. */
    static MergeMethod autoMergeMethod(JsonNode input) {
        if (input == null || input.isNull()) {
            return null;
        }
        MergeMethod m = value(MergeMethod.class, "autoMerge.method", text(input, "method"));
        if (m == null) {
            throw new InvalidInputException("autoMerge.method is required: MERGE, SQUASH or REBASE");
        }
        return m;
    }

    private static Map<String, Object> autoMergeView(MergeMethod method) {
        return method == null ? null : Map.of("method", method.name());
    }

    private Object run(AppSyncEvent event) {
        String owner = owner(event);
        JsonNode in = event.arguments() == null ? null : event.arguments().get("input");
        if (in == null || !in.isObject()) {
            throw new InvalidInputException("input is required: {campaign, operation, …}");
        }
        JsonNode filter = in.path("filter");
        ChangesetOperations.Input input = new ChangesetOperations.Input(text(in, "campaign"),
                value(ChangesetOperation.Kind.class, "operation", text(in, "operation")),
                new ChangesetOperation.Filter(values(ChangesetState.class, "filter.states", filter.path("states")),
                        values(ChangesetReviewState.class, "filter.reviewStates", filter.path("reviewStates")),
                        values(ChangesetCheckState.class, "filter.checkStates", filter.path("checkStates"))),
                text(in, "body"), value(MergeMethod.class, "mergeMethod", text(in, "mergeMethod")),
                in.path("force").asBoolean(false), strings(in.path("reviewers")), strings(in.path("labels")));
        return view(operations.get().start(owner, input));
    }

    private Object read(AppSyncEvent event) {
        return view(operations.get().operation(owner(event), event.text("id")));
    }

    /** ChangesetOperation.results(first, after): a page of the results of the caller's operation. */
    private Object results(AppSyncEvent event) {
        ChangesetOperations ops = operations.get();
        ChangesetOperation op = ops.operation(owner(event), event.source().path("id").asText());
        return Views.connection(ops.results(op, event.integer("first"), event.text("after")),
                ChangesetOperationResolverHandler::resultView);
    }

    static Map<String, Object> view(ChangesetOperation op) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", op.id());
        v.put("campaign", op.campaignId());
        v.put("operation", op.kind().name());
        v.put("mergeMethod", op.mergeMethod() == null ? null : op.mergeMethod().name());
        v.put("force", op.force());
        v.put("createdAt", op.createdAt().toString());
        v.put("state", op.finished() ? "COMPLETED" : "PROCESSING");
        v.put("totalCount", op.total());
        v.put("pendingCount", op.total() - op.counts().done());
        v.put("succeededCount", op.counts().succeeded());
        v.put("failedCount", op.counts().failed());
        v.put("skippedCount", op.counts().skipped());
        return v;
    }

    static Map<String, Object> resultView(ChangesetOperationResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("changeset", r.changesetId());
        m.put("repository", r.repository());
        m.put("externalID", r.externalID());
        // STARTED is internal: to a user the changeset is still pending
        m.put("state", r.state() == ChangesetOperationResult.State.STARTED ? "PENDING" : r.state().name());
        m.put("reason", r.reason());
        m.put("updatedAt", r.updatedAt().toString());
        return m;
    }

    private static String text(JsonNode in, String field) {
        JsonNode v = in.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> out.add(n.isNull() ? null : n.asText()));
        }
        return out;
    }

    private static <E extends Enum<E>> E value(Class<E> type, String field, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field + " must be one of " + java.util.Arrays.toString(
                    type.getEnumConstants()) + ", got " + text);
        }
    }

    private static <E extends Enum<E>> Set<E> values(Class<E> type, String field, JsonNode array) {
        Set<E> out = new HashSet<>();
        for (String s : strings(array)) {
            out.add(value(type, field, s));
        }
        return out;
    }
}
