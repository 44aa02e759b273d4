package dev.campaigns.handlers;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Every Lambda handler of the product, by class, built from one function's {@link Services}. Each handler's
 * package-private {@code (Services)} constructor is the one place that says which collaborators it receives (it
 * passes {@code Supplier}s such as {@code services::steps}, so nothing is built before first use); its public no-arg
 * constructor, which Lambda calls, goes through it with {@link Services#fromEnvironment()}, and so does the local
 * runtime through {@link #create}.
 */
public final class Handlers {
    private static final Map<Class<? extends RequestStreamHandler>, Function<Services, RequestStreamHandler>> ALL;

    static {
        Map<Class<? extends RequestStreamHandler>, Function<Services, RequestStreamHandler>> all = new LinkedHashMap<>();
        // resolvers (AppSync)
        all.put(CampaignPlanResolverHandler.class, CampaignPlanResolverHandler::new);
        all.put(CampaignResolverHandler.class, CampaignResolverHandler::new);
        all.put(ChangesetOperationResolverHandler.class, ChangesetOperationResolverHandler::new);
        all.put(ChangesetResolverHandler.class, ChangesetResolverHandler::new);
        all.put(QueryResolverHandler.class, QueryResolverHandler::new);
        // workflow steps (Step Functions)
        all.put(CommitChangesetHandler.class, CommitChangesetHandler::new);
        all.put(CreateChangesetHandler.class, CreateChangesetHandler::new);
        all.put(CreatePullRequestHandler.class, CreatePullRequestHandler::new);
        all.put(ExecuteCampaignJobHandler.class, ExecuteCampaignJobHandler::new);
        all.put(FinishCampaignHandler.class, FinishCampaignHandler::new);
        all.put(FinishCampaignPlanHandler.class, FinishCampaignPlanHandler::new);
        all.put(PrepareCampaignJobPageHandler.class, PrepareCampaignJobPageHandler::new);
        all.put(PrepareChangesetJobPageHandler.class, PrepareChangesetJobPageHandler::new);
        all.put(PushChangesetHandler.class, PushChangesetHandler::new);
        all.put(RecordCampaignJobFailureHandler.class, RecordCampaignJobFailureHandler::new);
        all.put(RecordChangesetJobFailureHandler.class, RecordChangesetJobFailureHandler::new);
        // queues, schedule and webhook endpoint
        all.put(ChangesetEventsHandler.class, ChangesetEventsHandler::new);
        all.put(ChangesetOperationsHandler.class, ChangesetOperationsHandler::new);
        all.put(CloseChangesetsHandler.class, CloseChangesetsHandler::new);
        all.put(SyncChangesetsHandler.class, SyncChangesetsHandler::new);
        all.put(WebhookReceiverHandler.class, WebhookReceiverHandler::new);
        ALL = Map.copyOf(all);
    }

    private Handlers() {
    }

    /** The handler classes this wiring knows. */
    public static Set<Class<? extends RequestStreamHandler>> classes() {
        return ALL.keySet();
    }

    /**
     * The handler {@code className} (as {@code template.yaml} names it) wired to {@code services}.
     *
     * @throws IllegalArgumentException if {@code className} is not one of {@link #classes()}
     */
    public static RequestStreamHandler create(String className, Services services) {
        Function<Services, RequestStreamHandler> wiring = ALL.entrySet().stream()
                .filter(e -> e.getKey().getName().equals(className)).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no handler " + className + " is wired: "
                        + "add it to dev.campaigns.handlers.Handlers"));
        return wiring.apply(services);
    }
}
