package dev.campaigns.infra.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Campaigns GraphQL operations the demo and the tests use, over a {@link GraphQLClient}. */
public final class CampaignsApi {
    public static final String STATUS = "state completedCount pendingCount errors unpublishedCount";
    public static final String CREATE_PLAN = "mutation($patches: [CampaignPlanPatch!]!) {"
            + " createCampaignPlanFromPatches(patches: $patches) { id status { " + STATUS + " } } }";
    public static final String PLAN = "query($id: ID!) { campaignPlan(id: $id) { id status { " + STATUS + " }"
            + " jobs { repository baseRevision state diffStat { added changed deleted } error } } }";
    public static final String CREATE_CAMPAIGN = "mutation($input: CreateCampaignInput!) {"
            + " createCampaign(input: $input) { id name branch changesetCreationStatus { " + STATUS + " } } }";
    public static final String RETRY_CAMPAIGN = "mutation($id: ID!) { retryCampaign(campaign: $id) {"
            + " id changesetCreationStatus { " + STATUS + " } } }";
    public static final String CAMPAIGN = "query($id: ID!, $first: Int, $after: String) { campaign(id: $id) {"
            + " id name branch changesetCreationStatus { " + STATUS + " }"
            + " changesets(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }"
            + " nodes { id repository externalID externalURL state reviewState checkState title headRef baseRef"
            + " headCommit } } } }";
    public static final String CAMPAIGNS = "query($first: Int, $after: String) { campaigns(first: $first, after: $after)"
            + " { nodes { id name branch createdAt closedAt changesetCreationStatus { " + STATUS + " } }"
            + " pageInfo { hasNextPage endCursor } } }";
    public static final String CLOSE_CAMPAIGN = "mutation($id: ID!, $close: Boolean) {"
            + " closeCampaign(campaign: $id, closeChangesets: $close) { id name closedAt changesetCreationStatus { "
            + STATUS + " } } }";

    private final GraphQLClient client;

    public CampaignsApi(GraphQLClient client) {
        this.client = client;
    }

    public GraphQLClient client() {
        return client;
    }

    /** One patch of a plan. */
    public record Patch(String repository, String baseRevision, String baseRef, String patch) {
        Map<String, Object> toMap() {
            return Map.of("repository", repository, "baseRevision", baseRevision, "baseRef", baseRef, "patch", patch);
        }
    }

    /** Creates a plan in one request (createCampaignPlanFromPatches): for plans that fit one. */
    public String createPlan(List<Patch> patches) {
        Map<String, Object> data = client.data(CREATE_PLAN, Map.of("patches", patches.stream().map(Patch::toMap).toList()));
        return (String) field(data, "createCampaignPlanFromPatches").get("id");
    }

    /** Uploads a plan of any size within the limits in batches ({@link PlanUploader}) and starts its execution. */
    public PlanUploader.Upload uploadPlan(List<Patch> patches) {
        return new PlanUploader(client).upload(patches);
    }

    /** The plan's ID and status only (no jobs), or null when the caller has no such plan. */
    public Map<String, Object> planStatus(String id) {
        return field(client.data("query($id: ID!) { campaignPlan(id: $id) { id status { " + STATUS + " } } }",
                Map.of("id", id)), "campaignPlan");
    }

    public Map<String, Object> plan(String id) {
        return field(client.data(PLAN, Map.of("id", id)), "campaignPlan");
    }

    /** Polls the plan until it is no longer PROCESSING. */
    public Map<String, Object> awaitPlan(String id, Duration timeout) {
        return await(() -> plan(id), "status", timeout);
    }

    public Map<String, Object> createCampaign(Map<String, Object> input) {
        return field(client.data(CREATE_CAMPAIGN, Map.of("input", input)), "createCampaign");
    }

    public Map<String, Object> retryCampaign(String id) {
        return field(client.data(RETRY_CAMPAIGN, Map.of("id", id)), "retryCampaign");
    }

    public static final String CANCEL_CAMPAIGN = "mutation($id: ID!) { cancelCampaign(campaign: $id) {"
            + " id cancelledAt changesetCreationStatus { " + STATUS + " cancelledCount } } }";

    /** cancelCampaign: stops the campaign's changeset creation; returns the campaign with its status. */
    public Map<String, Object> cancelCampaign(String id) {
        return field(client.data(CANCEL_CAMPAIGN, Map.of("id", id)), "cancelCampaign");
    }

    public static final String PUBLISH_CAMPAIGN = "mutation($id: ID!, $draft: Boolean) { publishCampaign(campaign: $id,"
            + " draft: $draft) { id name branch draft published changesetCreationStatus { " + STATUS + " } } }";

    /** publishCampaign: starts the changeset creation of a campaign created unpublished ({@code draft} null: as set). */
    public Map<String, Object> publishCampaign(String id, Boolean draft) {
        Map<String, Object> vars = new java.util.HashMap<>();
        vars.put("id", id);
        vars.put("draft", draft);
        return field(client.data(PUBLISH_CAMPAIGN, vars), "publishCampaign");
    }

    public static final String UPDATE_CAMPAIGN = "mutation($input: UpdateCampaignInput!) { updateCampaign(input:"
            + " $input) { id name branch draft published generation updatedAt changesetCreationStatus { " + STATUS
            + " } } }";

    /** updateCampaign: the campaign's next generation from {@code plan} (null name or description: kept). */
    public Map<String, Object> updateCampaign(String id, String plan, String name, String description,
                                              String removedChangesets) {
        Map<String, Object> input = new java.util.HashMap<>();
        input.put("campaign", id);
        input.put("plan", plan);
        input.put("name", name);
        input.put("description", description);
        input.put("removedChangesets", removedChangesets);
        return field(client.data(UPDATE_CAMPAIGN, Map.of("input", input)), "updateCampaign");
    }

    public static final String PUBLISH_CHANGESETS = "mutation($id: ID!, $repositories: [String!]!, $draft: Boolean) {"
            + " publishChangesets(campaign: $id, repositories: $repositories, draft: $draft) { id name branch draft"
            + " published changesetCreationStatus { " + STATUS + " } } }";

    /**
     * publishChangesets: publishes the named repositories of a campaign created unpublished (or published in part);
     * the others stay unpublished ({@code draft} null: as set).
     */
    public Map<String, Object> publishChangesets(String id, List<String> repositories, Boolean draft) {
        Map<String, Object> vars = new java.util.HashMap<>();
        vars.put("id", id);
        vars.put("repositories", repositories);
        vars.put("draft", draft);
        return field(client.data(PUBLISH_CHANGESETS, vars), "publishChangesets");
    }

    public static final String PREVIEW = "query($id: ID!, $first: Int, $offset: Int, $patches: Boolean!) {"
            + " campaign(id: $id) { id name branch draft published changesetCreationStatus { " + STATUS + " }"
            + " plan { jobs(first: $first, offset: $offset) { repository baseRef state"
            + " diffStat { added changed deleted } patch @include(if: $patches) } } } }";

    /**
     * The preview of a campaign: {@code {campaign, jobs}} with its plan's jobs that apply (each becomes a changeset
     * once published), their diff stats and, with {@code patches}, their diffs; paged under AppSync's 1 MB response:
     * 1,000 jobs a request, or one with its diff (a patch may be up to 1 MiB, as README says to read them). Null when
     * the caller has no such campaign.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> preview(String id, boolean patches) {
        int page = patches ? 1 : 1000;
        Map<String, Object> campaign = null;
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (int offset = 0; offset <= 10_000; offset += page) {
            Map<String, Object> node = field(client.data(PREVIEW, Map.of("id", id, "first", page, "offset", offset,
                    "patches", patches)), "campaign");
            if (node == null) {
                return null;
            }
            campaign = node;
            Map<String, Object> plan = (Map<String, Object>) node.get("plan");
            List<Map<String, Object>> some = plan == null ? List.of() : (List<Map<String, Object>>) plan.get("jobs");
            some.stream().filter(j -> "COMPLETED".equals(j.get("state"))).forEach(jobs::add);
            if (some.size() < page) {
                break;
            }
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(campaign);
        out.remove("plan");
        out.put("jobs", jobs);
        return out;
    }

    public Map<String, Object> campaign(String id, int first, String after) {
        Map<String, Object> vars = new java.util.HashMap<>(Map.of("id", id, "first", first));
        if (after != null) {
            vars.put("after", after);
        }
        return field(client.data(CAMPAIGN, vars), "campaign");
    }

    /** Every changeset of the campaign, following the pages (100 a call). */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> changesets(String id) {
        return allNodes("campaign " + id + "'s changesets", 100, after -> {
            Map<String, Object> campaign = campaign(id, 100, after);
            if (campaign == null) {
                throw new IllegalArgumentException("no campaign " + id + " of yours");
            }
            return (Map<String, Object>) campaign.get("changesets");
        });
    }

    /** The caller's campaigns, newest first, following the pages. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> campaigns() {
        return allNodes("your campaigns", 100, after -> {
            Map<String, Object> vars = new java.util.HashMap<>(Map.of("first", 100));
            if (after != null) {
                vars.put("after", after);
            }
            return field(client.data(CAMPAIGNS, vars), "campaigns");
        });
    }

    /**
     * Every node of a connection, page after page: {@code read} gives the connection ({@code nodes}, {@code pageInfo},
     * optionally {@code totalCount}) after a cursor (null for the first page). With a total, at most one page more
     * than it needs is read (a page may end with a cursor and nothing after it, as DynamoDB pages do); a server that
     * never ends the list is an error instead of a loop.
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> allNodes(String what, int pageSize,
                                                      java.util.function.Function<String, Map<String, Object>> read) {
        List<Map<String, Object>> out = new ArrayList<>();
        String after = null;
        for (long pages = 1; ; pages++) {
            Map<String, Object> page = read.apply(after);
            out.addAll((List<Map<String, Object>>) page.get("nodes"));
            Map<String, Object> info = (Map<String, Object>) page.get("pageInfo");
            if (!Boolean.TRUE.equals(info.get("hasNextPage"))) {
                return out;
            }
            after = (String) info.get("endCursor");
            if (page.get("totalCount") instanceof Number total && pages >= total.longValue() / pageSize + 2) {
                throw new IllegalStateException(what + ": still not at an end after " + pages + " pages of "
                        + pageSize + " for " + total + " in all");
            }
        }
    }

    public Map<String, Object> closeCampaign(String id, boolean closeChangesets) {
        return field(client.data(CLOSE_CAMPAIGN, Map.of("id", id, "close", closeChangesets)), "closeCampaign");
    }

    /** Polls the campaign until its changeset creation is no longer PROCESSING. */
    public Map<String, Object> awaitCampaign(String id, Duration timeout) {
        return await(() -> campaign(id, 1, null), "changesetCreationStatus", timeout);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> status(Map<String, Object> node, String field) {
        return (Map<String, Object>) node.get(field);
    }

    private static Map<String, Object> await(java.util.function.Supplier<Map<String, Object>> read, String statusField,
                                             Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Object> node = read.get();
            if (!"PROCESSING".equals(status(node, statusField).get("state"))) {
                return node;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("still PROCESSING after " + timeout + ": " + status(node, statusField));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> field(Map<String, Object> data, String name) {
        return (Map<String, Object>) data.get(name);
    }

    // ---- Bulk operations (issue 16)
    public static final String OPERATION_FIELDS = "id campaign operation mergeMethod force createdAt state totalCount "
            + "pendingCount succeededCount failedCount skippedCount";
    public static final String OPERATION_RESULTS = "query($id: ID!, $first: Int, $after: String) { "
            + "changesetOperation(id: $id) { results(first: $first, after: $after) { totalCount "
            + "pageInfo { hasNextPage endCursor } nodes { changeset repository externalID state reason updatedAt } } } }";
    public static final String RUN_OPERATION = "mutation($input: ChangesetOperationInput!) { "
            + "runChangesetOperation(input: $input) { " + OPERATION_FIELDS + " } }";
    public static final String OPERATION = "query($id: ID!) { changesetOperation(id: $id) { " + OPERATION_FIELDS
            + " } }";

    /** Starts a bulk operation: {@code input} as ChangesetOperationInput ({campaign, operation, filter, …}). */
    public Map<String, Object> runChangesetOperation(Map<String, Object> input) {
        return field(client.data(RUN_OPERATION, Map.of("input", input)), "runChangesetOperation");
    }

    public Map<String, Object> changesetOperation(String id) {
        return field(client.data(OPERATION, Map.of("id", id)), "changesetOperation");
    }

    /** One page of the operation's results: {@code {totalCount, pageInfo, nodes}}. */
    public Map<String, Object> changesetOperationResults(String id, Integer first, String after) {
        Map<String, Object> variables = new java.util.HashMap<>();
        variables.put("id", id);
        variables.put("first", first);
        variables.put("after", after);
        return field(field(client.data(OPERATION_RESULTS, variables), "changesetOperation"), "results");
    }

    /** Every result of the operation, in changeset order, reading pages of {@code pageSize}. */
    public List<Map<String, Object>> changesetOperationResults(String id, int pageSize) {
        return allNodes("operation " + id + "'s results", pageSize,
                after -> changesetOperationResults(id, pageSize, after));
    }

    /** Polls the operation until every changeset has its result (state COMPLETED), or throws after {@code timeout}. */
    public Map<String, Object> awaitChangesetOperation(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Object> op = changesetOperation(id);
            if (!"PROCESSING".equals(op.get("state"))) {
                return op;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("operation " + id + " still PROCESSING after " + timeout + ": "
                        + op.get("pendingCount") + " pending");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
