package dev.campaigns.store;

import static dev.campaigns.store.Attr.bool;
import static dev.campaigns.store.Attr.n;
import static dev.campaigns.store.Attr.s;

import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.domain.Page;
import dev.campaigns.domain.RepositoryName;
import dev.campaigns.git.DiffStat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Persistence of campaign plans, campaign jobs, campaigns, changeset jobs and changesets in one DynamoDB table
 * (Sourcegraph's store.go). Every write that moves a job also moves its owner's counters, in one transaction,
 * conditioned on the job's current state, so that counters equal the records and a repeated step changes nothing.
 *
 * <p>Keys (table {@code Campaigns}: partition key {@code PK}, sort key {@code SK}):
 * <pre>
 * item           PK                 SK                       access pattern
 * CampaignPlan   PLAN#{id}          #PLAN                    get plan and its counters (1 read)
 * CampaignJob    PLAN#{id}          JOB#{jobId}              a plan's jobs in order; a page of jobs
 * Campaign       CAMPAIGN#{id}      #CAMPAIGN                get campaign, counters = status (1 read)
 * plan's repo   PLAN#{id}          REPO#{repository, lower} its job ID: a repository once per plan
 * patch upload   PLAN#{id}          UPLOAD#{sha256}          a patch sent in parts: its parts' blob keys, complete
 * ChangesetJob   CAMPAIGN#{id}      JOB#{jobId}              a page of a campaign's jobs; jobId = JobIds.changesetJob
 *                                                             (generation, position): generation g > 1 as G{g}#{pos}
 * membership     CAMPAIGN#{id}      CHANGESET#{repo}#{n}     a campaign's changesets (their items: ChangesetStore)
 * GSI Owner:     GSI1PK=OWNER#{owner}, GSI1SK={createdAt}#{id}     an owner's campaigns, newest first
 * GSI Errors:    ERRPK={PK}, {PK}#G{g} for a campaign's generation g > 1 (only on ERRORED jobs), SK
 *                                                             a process's errors: reads only errored jobs
 * </pre>
 */
public final class CampaignStore implements PlanRepository, CampaignRepository {
    static final String PK = DynamoTable.PK;
    static final String SK = DynamoTable.SK;
    static final String OWNER_INDEX = "Owner";
    static final String ERRORS_INDEX = "Errors";
    private static final String PLAN = "#PLAN";
    private static final String CAMPAIGN = "#CAMPAIGN";

    private final DynamoTable t;
    private final DynamoDbClient dynamo;
    private final String table;

    public CampaignStore(DynamoTable table) {
        this.t = table;
        this.dynamo = table.client();
        this.table = table.name();
    }

    public CampaignStore(DynamoDbClient dynamo, String table) {
        this(new DynamoTable(dynamo, table));
    }

    // ---- keys ----------------------------------------------------------------------------------------------

    static String planKey(String planId) {
        return "PLAN#" + planId;
    }

    static String campaignKey(String campaignId) {
        return "CAMPAIGN#" + campaignId;
    }

    /** A campaign's membership item for a changeset: sorts by (repository, number). */
    static String membershipKey(String repository, String externalID) {
        return "CHANGESET#" + repository + "#" + externalID;
    }

    static String jobKey(String jobId) {
        return "JOB#" + jobId;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return DynamoTable.key(pk, sk);
    }

    // ---- campaign plans and their jobs ------------------------------------------------------------------

    /** Writes a new plan without jobs (patches are added with {@link #addCampaignJobs}). */
    public void createPlan(CampaignPlan plan) {
        Map<String, AttributeValue> item = new HashMap<>(key(planKey(plan.id()), PLAN));
        item.put("owner", s(plan.owner()));
        item.put("createdAt", s(plan.createdAt().toString()));
        item.put("patchBytes", n(0));
        putCounters(item, plan.counters());
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(PK)").build());
    }

    public Optional<CampaignPlan> plan(String planId) {
        return get(planKey(planId), PLAN).map(item -> plan(planId, item));
    }

    private static CampaignPlan plan(String planId, Map<String, AttributeValue> item) {
        String executedAt = Attr.str(item, "executedAt");
        return new CampaignPlan(planId, Attr.str(item, "owner"), Instant.parse(Attr.str(item, "createdAt")),
                counters(item), executedAt == null ? null : Instant.parse(executedAt));
    }

    /** The bytes of all patches added to a plan so far. */
    public long planPatchBytes(String planId) {
        return get(planKey(planId), PLAN).map(item -> Attr.num(item, "patchBytes")).orElse(0L);
    }

    /**
     * Adds jobs to a plan that is not executing yet, at the positions their IDs name, with the plan's counters, in
     * transactions of up to {@value #JOBS_PER_TRANSACTION} jobs. Each job is written once: a job whose position already
     * holds the same job (an earlier attempt of the same batch) is skipped, so repeating a batch adds nothing twice.
     * Each repository appears once per plan (an item per repository, case-insensitively, guards it). The plan's
     * patch count stays at most {@code maxJobs} and its patch bytes at most {@code maxBytes}.
     *
     * @return how many jobs were added now (the others were there already)
     * @throws PlanJobsRefusedException why nothing more was added (what earlier transactions of the call added stays:
     *                                  a repeated call completes it)
     */
    public int addCampaignJobs(String planId, List<NewCampaignJob> jobs, int maxJobs, long maxBytes) {
        int added = 0;
        for (int i = 0; i < jobs.size(); i += JOBS_PER_TRANSACTION) {
            added += addChunk(planId, new ArrayList<>(jobs.subList(i, Math.min(jobs.size(), i + JOBS_PER_TRANSACTION))),
                    maxJobs, maxBytes);
        }
        return added;
    }

    /** 2 items a job (the job, its repository) and the plan's counters: within TransactWriteItems' 100 items. */
    static final int JOBS_PER_TRANSACTION = 49;

    private int addChunk(String planId, List<NewCampaignJob> chunk, int maxJobs, long maxBytes) {
        String pk = planKey(planId);
        while (!chunk.isEmpty()) {
            long bytes = chunk.stream().mapToLong(NewCampaignJob::patchBytes).sum();
            List<TransactWriteItem> items = new ArrayList<>();
            for (NewCampaignJob j : chunk) {
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(campaignJobItem(j.job()))
                        .conditionExpression("attribute_not_exists(PK)")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build())
                        .build());
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(Map.of(
                                PK, s(pk), SK, s(repositoryKey(j.job().repository())), "jobId", s(j.job().jobId())))
                        .conditionExpression("attribute_not_exists(PK)")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build())
                        .build());
            }
            items.add(TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk, PLAN))
                    .updateExpression("ADD #total :n, patchBytes :b")
                    .conditionExpression("attribute_exists(PK) AND attribute_not_exists(executedAt)"
                            + " AND #total <= :maxJobs AND patchBytes <= :maxBytes")
                    .expressionAttributeNames(Map.of("#total", "total"))
                    .expressionAttributeValues(Map.of(":n", n(chunk.size()), ":b", n(bytes),
                            ":maxJobs", n(maxJobs - chunk.size()), ":maxBytes", n(maxBytes - bytes)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build())
                    .build());
            try {
                t.transactOrCancel(items); // conflicts with a concurrent batch on the plan's counters: retried there
                return chunk.size();
            } catch (TransactionCanceledException e) {
                if (!DynamoTable.conditionFailed(e)) {
                    throw e;
                }
                chunk = withoutJobsAlreadyThere(chunk, e.cancellationReasons(), maxJobs, bytes);
            }
        }
        return 0;
    }

    /**
     * Reads why a chunk's transaction was cancelled: jobs already there unchanged are dropped from the chunk (it is
     * tried again without them); anything else refuses the batch.
     */
    private static List<NewCampaignJob> withoutJobsAlreadyThere(List<NewCampaignJob> chunk,
                                                               List<CancellationReason> reasons, int maxJobs,
                                                               long bytes) {
        List<NewCampaignJob> remaining = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            NewCampaignJob j = chunk.get(i);
            CancellationReason jobReason = reasons.get(2 * i);
            CancellationReason repoReason = reasons.get(2 * i + 1);
            boolean jobThere = DynamoTable.conditionFailed(jobReason);
            boolean repoThere = DynamoTable.conditionFailed(repoReason);
            if (jobThere && !sameJob(jobReason.item(), j.job())) {
                CampaignJob other = campaignJob(jobReason.item());
                throw new PlanJobsRefusedException(PlanJobsRefusedException.Reason.POSITION_TAKEN, j.job(),
                        other.repository());
            }
            if (repoThere && !j.job().jobId().equals(Attr.str(repoReason.item(), "jobId"))) {
                throw new PlanJobsRefusedException(PlanJobsRefusedException.Reason.REPOSITORY_TWICE, j.job(),
                        Attr.str(repoReason.item(), "jobId"));
            }
            if (!(jobThere && repoThere)) {
                remaining.add(j);
            }
        }
        CancellationReason planReason = reasons.get(reasons.size() - 1);
        if (DynamoTable.conditionFailed(planReason) && remaining.size() == chunk.size()) {
            Map<String, AttributeValue> old = planReason.item();
            PlanJobsRefusedException.Reason why;
            if (old == null || old.isEmpty()) {
                why = PlanJobsRefusedException.Reason.NO_PLAN;
            } else if (old.containsKey("executedAt")) {
                why = PlanJobsRefusedException.Reason.EXECUTED;
            } else if (Attr.num(old, "total") + chunk.size() > maxJobs) {
                why = PlanJobsRefusedException.Reason.TOO_MANY_JOBS;
            } else {
                why = PlanJobsRefusedException.Reason.TOO_MANY_BYTES;
            }
            throw new PlanJobsRefusedException(why, chunk.get(0).job(), Long.toString(
                    old == null ? 0 : why == PlanJobsRefusedException.Reason.TOO_MANY_BYTES
                            ? Attr.num(old, "patchBytes") + bytes : Attr.num(old, "total") + chunk.size()));
        }
        return remaining;
    }

    private static boolean sameJob(Map<String, AttributeValue> item, CampaignJob job) {
        CampaignJob there = campaignJob(item);
        return there.repository().equals(job.repository()) && there.baseRevision().equals(job.baseRevision())
                && there.baseRef().equals(job.baseRef()) && there.patchKey().equals(job.patchKey());
    }

    static String repositoryKey(String repository) {
        return "REPO#" + RepositoryName.identity(repository);
    }

    @Override
    public Optional<String> jobIdOf(String planId, String repository) {
        return get(planKey(planId), repositoryKey(repository)).map(item -> Attr.str(item, "jobId"));
    }

    /**
     * Starts a plan's execution: records when, unless it was recorded already, provided the plan holds exactly
     * {@code jobs} jobs (a batch added meanwhile makes the caller look again). Returns the plan as stored after.
     *
     * @throws PlanJobsRefusedException NO_PLAN, or TOO_MANY_JOBS when the plan's job count is no longer {@code jobs}
     */
    public CampaignPlan startPlanExecution(String planId, int jobs, Instant at) {
        try {
            Map<String, AttributeValue> item = dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                    .key(key(planKey(planId), PLAN)).updateExpression("SET executedAt = :at")
                    .conditionExpression("attribute_exists(PK) AND attribute_not_exists(executedAt) AND #total = :jobs")
                    .expressionAttributeNames(Map.of("#total", "total"))
                    .expressionAttributeValues(Map.of(":at", s(at.toString()), ":jobs", n(jobs)))
                    .returnValues("ALL_NEW")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build())
                    .attributes();
            return plan(planId, item);
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.hasItem() ? e.item() : Map.of();
            if (old.isEmpty()) {
                throw new PlanJobsRefusedException(PlanJobsRefusedException.Reason.NO_PLAN, null, planId);
            }
            if (old.containsKey("executedAt")) {
                return plan(planId, old); // started by an earlier call
            }
            throw new PlanJobsRefusedException(PlanJobsRefusedException.Reason.CHANGED, null,
                    Long.toString(Attr.num(old, "total")));
        }
    }

    /** The first job of a plan at position {@code from} or later, if any (a plan's jobs must fill 0 to total - 1). */
    public Optional<CampaignJob> firstJobFrom(String planId, int from) {
        QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table)
                .keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", s(planKey(planId)), ":from", s(jobKey(JobIds.of(from))),
                        ":to", s(jobKey("~"))))
                .consistentRead(true).limit(1).build());
        return page.items().stream().findFirst().map(CampaignStore::campaignJob);
    }

    /**
     * Records that part {@code part} of {@code parts} of the plan's patch {@code digest} is the blob {@code partKey}
     * (a part sent again replaces the earlier one) and returns the upload as it stands.
     *
     * @throws PlanJobsRefusedException PARTS_CHANGED when an earlier part gave another number of parts
     */
    public PatchUpload recordPatchPart(String planId, String digest, int part, int parts, String partKey) {
        try {
            Map<String, AttributeValue> item = dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                    .key(key(planKey(planId), uploadKey(digest))).updateExpression("SET parts = :parts, #p = :key")
                    .conditionExpression("attribute_not_exists(parts) OR parts = :parts")
                    .expressionAttributeNames(Map.of("#p", "part" + part))
                    .expressionAttributeValues(Map.of(":parts", n(parts), ":key", s(partKey)))
                    .returnValues("ALL_NEW")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build())
                    .attributes();
            return patchUpload(digest, item);
        } catch (ConditionalCheckFailedException e) {
            throw new PlanJobsRefusedException(PlanJobsRefusedException.Reason.PARTS_CHANGED, null,
                    Long.toString(e.hasItem() ? Attr.num(e.item(), "parts") : 0));
        }
    }

    /** Marks the plan's patch {@code digest} complete: all its parts are there and add up to it. */
    public void completePatchUpload(String planId, String digest, long size) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key(planKey(planId), uploadKey(digest)))
                .updateExpression("SET complete = :t, #size = :size").expressionAttributeNames(Map.of("#size", "size"))
                .expressionAttributeValues(Map.of(":t", bool(true), ":size", n(size))).build());
    }

    /** The plan's patch {@code digest} uploaded in parts, if any part of it was. */
    public Optional<PatchUpload> patchUpload(String planId, String digest) {
        return get(planKey(planId), uploadKey(digest)).map(item -> patchUpload(digest, item));
    }

    private static PatchUpload patchUpload(String digest, Map<String, AttributeValue> item) {
        int parts = Attr.integer(item, "parts");
        Map<Integer, String> keys = new java.util.TreeMap<>();
        for (int i = 0; i < parts; i++) {
            String k = Attr.str(item, "part" + i);
            if (k != null) {
                keys.put(i, k);
            }
        }
        return new PatchUpload(digest, parts, keys, Attr.flag(item, "complete"), Attr.num(item, "size"));
    }

    static String uploadKey(String digest) {
        return "UPLOAD#" + digest;
    }

    public Optional<CampaignJob> campaignJob(String planId, String jobId) {
        return get(planKey(planId), jobKey(jobId)).map(CampaignStore::campaignJob);
    }

    /** Jobs {@code from} (inclusive) to {@code to} (exclusive) of a plan, by position. */
    public List<CampaignJob> campaignJobs(String planId, int from, int to) {
        return queryRange(planKey(planId), from, to, CampaignStore::campaignJob);
    }

    /** Records a plan job's successful execution, once. Returns false if the job was already terminal. */
    public boolean completeCampaignJob(String planId, String jobId, DiffStat diffStat) {
        String pk = planKey(planId);
        return transactFinish(Owner.PLAN_JOBS, pk, List.of(), completedJob(pk, jobId,
                "added = :a, changed = :c, deleted = :d", Map.of(":a", n(diffStat.added()),
                        ":c", n(diffStat.changed()), ":d", n(diffStat.deleted()))), "completed");
    }

    /** Records a plan job's error, once. Returns false if the job was already terminal. */
    public boolean failCampaignJob(String planId, String jobId, String error) {
        return failJob(Owner.PLAN_JOBS, planKey(planId), jobId, error);
    }

    // ---- campaigns -----------------------------------------------------------------------------------------

    /**
     * Creates the campaign item unless one with its ID exists; returns the campaign as stored (the argument, or the
     * earlier campaign with the same ID, read from the failed conditional write itself).
     *
     * @throws IdempotencyKeyReusedException the earlier campaign was created from another input
     */
    public Campaign createCampaign(Campaign campaign, String inputDigest) {
        Map<String, AttributeValue> item = new HashMap<>(key(campaignKey(campaign.id()), CAMPAIGN));
        item.put("owner", s(campaign.owner()));
        item.put("name", s(campaign.name()));
        item.put("description", s(campaign.description()));
        if (campaign.branch() != null) {
            item.put("branch", s(campaign.branch()));
        }
        if (campaign.planId() != null) {
            item.put("planId", s(campaign.planId()));
        }
        item.put("draft", bool(campaign.draft()));
        item.put("createdAt", s(campaign.createdAt().toString()));
        item.put("executions", n(campaign.executions()));
        item.put("inputDigest", s(inputDigest));
        item.put("GSI1PK", s("OWNER#" + campaign.owner()));
        item.put("GSI1SK", s(campaign.createdAt() + "#" + campaign.id()));
        putCounters(item, campaign.counters());
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(PK)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build());
            return campaign;
        } catch (ConditionalCheckFailedException exists) {
            Map<String, AttributeValue> earlier = exists.hasItem() && !exists.item().isEmpty() ? exists.item()
                    : get(campaignKey(campaign.id()), CAMPAIGN).orElseThrow();
            if (!inputDigest.equals(Attr.str(earlier, "inputDigest"))) {
                throw new IdempotencyKeyReusedException();
            }
            return campaign(campaign.id(), earlier);
        }
    }

    public Optional<Campaign> campaign(String campaignId) {
        return get(campaignKey(campaignId), CAMPAIGN).map(item -> campaign(campaignId, item));
    }

    /** An owner's campaigns, newest first. */
    public Page<Campaign> campaigns(String owner, int first, String after) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(OWNER_INDEX)
                .keyConditionExpression("GSI1PK = :o").expressionAttributeValues(Map.of(":o", s("OWNER#" + owner)))
                .scanIndexForward(false).limit(first);
        if (after != null) {
            query.exclusiveStartKey(Cursor.decode(after));
        }
        QueryResponse page = dynamo.query(query.build());
        List<Campaign> nodes = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            nodes.add(campaign(Attr.str(item, PK).substring("CAMPAIGN#".length()), item));
        }
        return new Page<>(nodes, nextCursor(page), -1);
    }

    /** Counts one more background execution of the campaign and returns the new count. */
    public int addExecution(String campaignId) {
        Map<String, AttributeValue> item = dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                .key(key(campaignKey(campaignId), CAMPAIGN)).updateExpression("ADD executions :one")
                .expressionAttributeValues(Map.of(":one", n(1)))
                .returnValues("UPDATED_NEW").build()).attributes();
        return Attr.integer(item, "executions");
    }

    @Override
    public boolean publishCampaign(String campaignId, boolean draft) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                    .key(key(campaignKey(campaignId), CAMPAIGN))
                    .conditionExpression("attribute_exists(PK) AND executions = :zero")
                    .updateExpression("SET executions = :one, draft = :draft")
                    .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1), ":draft", bool(draft))).build());
            return true;
        } catch (ConditionalCheckFailedException publishedOrGone) {
            return false;
        }
    }

    /** Jobs one publishChangesets writes with the campaign item: within TransactWriteItems' 100 items. */
    public static final int PUBLISHES_PER_TRANSACTION = 99;

    @Override
    public int publishChangesetJobs(String campaignId, int executions, int unpublished, List<ChangesetJob> jobs,
                                    Boolean draft) {
        if (jobs.isEmpty() || jobs.size() > PUBLISHES_PER_TRANSACTION) {
            throw new IllegalArgumentException("publishes 1 to " + PUBLISHES_PER_TRANSACTION + " jobs at once, not "
                    + jobs.size());
        }
        List<TransactWriteItem> items = new ArrayList<>();
        for (ChangesetJob job : jobs) {
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(changesetJobItem(job))
                    .conditionExpression("attribute_not_exists(PK)").build()).build());
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":e", n(executions), ":next", n(executions + 1),
                ":u", n(unpublished)));
        String set = "SET executions = :next, unpublished = :u";
        if (draft != null) {
            set += ", draft = :draft";
            values.put(":draft", bool(draft));
        }
        items.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(campaignKey(campaignId), CAMPAIGN)).updateExpression(set)
                .conditionExpression("attribute_exists(PK) AND executions = :e AND attribute_not_exists(closedAt)"
                        + " AND attribute_not_exists(cancelledAt)")
                .expressionAttributeValues(values).build()).build());
        return transact(items) ? executions + 1 : 0;
    }

    @Override
    public int publishRest(String campaignId, int executions) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key(campaignKey(campaignId), CAMPAIGN))
                    .updateExpression("SET executions = :next, unpublished = :zero")
                    .conditionExpression("attribute_exists(PK) AND executions = :e AND attribute_not_exists(closedAt)"
                            + " AND attribute_not_exists(cancelledAt)")
                    .expressionAttributeValues(Map.of(":e", n(executions), ":next", n(executions + 1),
                            ":zero", n(0))).build());
            return executions + 1;
        } catch (ConditionalCheckFailedException moved) {
            return 0;
        }
    }

    // ---- changeset jobs ------------------------------------------------------------------------------------

    /** Creates the changeset job for a campaign job unless it exists (one per campaign and job). */
    public void createChangesetJob(ChangesetJob job) {
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(changesetJobItem(job))
                    .conditionExpression("attribute_not_exists(PK)").build());
        } catch (ConditionalCheckFailedException exists) {
            // idempotent: created by an earlier attempt
        }
    }

    public Optional<ChangesetJob> changesetJob(String campaignId, String jobId) {
        return get(campaignKey(campaignId), jobKey(jobId)).map(CampaignStore::changesetJob);
    }

    /** Changeset jobs {@code from} (inclusive) to {@code to} (exclusive), by position. */
    public List<ChangesetJob> changesetJobs(String campaignId, int from, int to) {
        return queryJobs(campaignId, generation(campaignId), from, to, CampaignStore::changesetJob);
    }

    @Override
    public List<ChangesetJob> changesetJobs(String campaignId, int generation, int from, int to) {
        return queryJobs(campaignId, generation, from, to, CampaignStore::changesetJob);
    }

    /** The campaign's current generation of changeset jobs (1 without an update; 1 for no campaign). */
    private int generation(String campaignId) {
        return campaign(campaignId).map(Campaign::generation).orElse(1);
    }

    /** The current generation's jobs at positions {@code from} (inclusive) to {@code to} (exclusive). */
    private <T> List<T> queryJobs(String campaignId, int generation, int from, int to,
                                  Function<Map<String, AttributeValue>, T> map) {
        List<T> result = new ArrayList<>();
        t.query(QueryRequest.builder().keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", s(campaignKey(campaignId)),
                        ":from", s(jobKey(JobIds.changesetJob(generation, from))),
                        ":to", s(jobKey(JobIds.changesetJob(generation, to - 1)))))
                .consistentRead(true).build(), item -> result.add(map.apply(item)));
        return result;
    }

    /** Records the commit made for a pending changeset job. */
    public void recordCommit(String campaignId, String jobId, String commitSha) {
        updatePending(campaignId, jobId, "SET commitSha = :c", Map.of(":c", s(commitSha)));
    }

    /** Records that the campaign's branch holds the job's commit. */
    public void recordPush(String campaignId, String jobId) {
        updatePending(campaignId, jobId, "SET pushed = :t", Map.of(":t", bool(true)));
    }

    /** Records the pull request opened for a pending changeset job. */
    public void recordPullRequest(String campaignId, String jobId, long number, String url) {
        updatePending(campaignId, jobId, "SET pullRequest = :n, pullRequestUrl = :u",
                Map.of(":n", n(number), ":u", s(url)));
    }

    /** Counts one more execution's attempt at a job. */
    public void recordAttempt(String campaignId, String jobId) {
        updatePending(campaignId, jobId, "ADD attempts :one", Map.of(":one", n(1)));
    }

    /**
     * Makes the (already observed, see {@link ChangesetStore#observe}) changeset the campaign's and completes its
     * job, with the campaign's counters, in one transaction. Returns false (and changes nothing) if the job was
     * already terminal: a job that became a changeset is frozen.
     */
    public boolean completeChangesetJob(String campaignId, String jobId, Changeset changeset) {
        // (in an update the changeset is usually the campaign's already, recorded by an earlier generation)
        List<TransactWriteItem> membership = membershipWrites(table, campaignId, changeset.id(),
                changeset.repository(), changeset.externalID(), true, jobId, true);
        String pk = campaignKey(campaignId);
        // (only a later generation's job can carry a changeset: generation 1's completion reads nothing more)
        Optional<ChangesetJob> job = JobIds.generation(jobId) == 1 ? Optional.empty() : changesetJob(campaignId, jobId);
        if (job.isPresent() && job.get().state() == JobState.PENDING && job.get().changesetId() != null) {
            // An update's job carrying the campaign's earlier changeset: it moves from tracked to completed. The
            // job's write is conditioned on the changeset it carried, so the read above cannot be stale.
            List<TransactWriteItem> items = new ArrayList<>(membership);
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":cs", s(changeset.id()),
                    ":carried", s(job.get().changesetId())));
            values.put(":pending", s(JobState.PENDING.name()));
            values.put(":done", s(JobState.COMPLETED.name()));
            items.add(TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk, jobKey(jobId)))
                    .conditionExpression("#state = :pending AND changesetId = :carried")
                    .updateExpression("SET #state = :done, changesetId = :cs")
                    .expressionAttributeNames(Map.of("#state", "state")).expressionAttributeValues(values).build())
                    .build());
            items.add(TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk, CAMPAIGN))
                    .updateExpression("ADD completed :one, tracked :minus")
                    .expressionAttributeValues(Map.of(":one", n(1), ":minus", n(-1))).build()).build());
            return transact(items);
        }
        return transactFinish(Owner.CAMPAIGN_JOBS, pk, membership,
                completedJob(pk, jobId, "changesetId = :cs", Map.of(":cs", s(changeset.id()))), "completed");
    }

    /** Marks every still-pending job of a plan errored (its execution ended without it). */
    public void failPendingCampaignJobs(String planId, int jobs, String error) {
        failPending(Owner.PLAN_JOBS, planKey(planId), jobs, error);
    }

    /** Marks every still-pending changeset job of a campaign errored (its execution ended without it). */
    public void failPendingChangesetJobs(String campaignId, int jobs, String error) {
        int generation = generation(campaignId);
        for (int from = 0; from < jobs; from += 1000) {
            for (ChangesetJob job : queryJobs(campaignId, generation, from, Math.min(jobs, from + 1000),
                    CampaignStore::changesetJob)) {
                if (job.state() == JobState.PENDING) {
                    failChangesetJob(campaignId, job.jobId(), error);
                }
            }
        }
    }

    /**
     * As {@link #failPendingChangesetJobs(String, int, String)}, for the campaign's execution number
     * {@code execution} only: each job is failed in a transaction whose counter update is conditioned on the campaign
     * having no newer execution, so a job reset by a {@code retryCampaign} that started after this execution is never
     * failed, however the two interleave.
     */
    public void failPendingChangesetJobs(String campaignId, int jobs, String error, int execution) {
        String pk = campaignKey(campaignId);
        int pageSize = 1000;
        int generation = generation(campaignId);
        for (int from = 0; from < jobs; from += pageSize) {
            for (Map<String, AttributeValue> item : queryJobs(campaignId, generation, from,
                    Math.min(jobs, from + pageSize), i -> i)) {
                if (!JobState.PENDING.name().equals(Attr.str(item, "state"))) {
                    continue;
                }
                String jobId = Attr.str(item, SK).substring("JOB#".length());
                Update job = failedJob(pk, jobId, error);
                Update counter = Update.builder().tableName(table).key(key(pk, CAMPAIGN))
                        .conditionExpression("executions <= :n")
                        .updateExpression("ADD errored :one")
                        .expressionAttributeValues(Map.of(":n", n(execution), ":one", n(1))).build();
                transact(List.of(TransactWriteItem.builder().update(job).build(),
                        TransactWriteItem.builder().update(counter).build()));
            }
        }
    }

    private void failPending(Owner owner, String pk, int jobs, String error) {
        int pageSize = 1000;
        for (int from = 0; from < jobs; from += pageSize) {
            for (Map<String, AttributeValue> item : queryRange(pk, from, Math.min(jobs, from + pageSize), i -> i)) {
                if (JobState.PENDING.name().equals(Attr.str(item, "state"))) {
                    failJob(owner, pk, Attr.str(item, SK).substring("JOB#".length()), error);
                }
            }
        }
    }

    /** Records a changeset job's error, once. Returns false if the job was already terminal. */
    public boolean failChangesetJob(String campaignId, String jobId, String error) {
        return failJob(Owner.CAMPAIGN_JOBS, campaignKey(campaignId), jobId, error);
    }

    /**
     * Resets every ERRORED changeset job of the campaign to PENDING (and its counter), so that the next execution
     * works on exactly those. Returns how many were reset.
     */
    public int resetErroredChangesetJobs(String campaignId) {
        int reset = 0;
        for (String jobId : erroredJobIds(errorsKey(campaignKey(campaignId), generation(campaignId)),
                Integer.MAX_VALUE)) {
            Update job = Update.builder().tableName(table).key(key(campaignKey(campaignId), jobKey(jobId)))
                    .conditionExpression("#state = :errored")
                    .updateExpression("SET #state = :pending REMOVE ERRPK, #error")
                    .expressionAttributeNames(Map.of("#state", "state", "#error", "error"))
                    .expressionAttributeValues(Map.of(":errored", s(JobState.ERRORED.name()),
                            ":pending", s(JobState.PENDING.name())))
                    .build();
            if (transact(List.of(TransactWriteItem.builder().update(job).build(),
                    counterUpdate(campaignKey(campaignId), CAMPAIGN, "errored", -1)))) {
                reset++;
            }
        }
        return reset;
    }

    /** The errors of a plan's or campaign's errored jobs, at most {@code limit}, read from the sparse index. */
    public List<String> planErrors(String planId, int limit) {
        return errors(planKey(planId), limit);
    }

    public List<String> campaignErrors(String campaignId, int limit) {
        return errors(errorsKey(campaignKey(campaignId), generation(campaignId)), limit);
    }

    /**
     * The Errors index's partition of a process's errored jobs: its key, or for a campaign's generation g > 1 its key
     * with {@code #G{g}}, so that a generation's errors (and the retry's reset of them) never include an earlier
     * generation's.
     */
    static String errorsKey(String pk, int generation) {
        return generation == 1 ? pk : pk + "#G" + generation;
    }

    // ---- campaigns' changesets -------------------------------------------------------------------------------

    /**
     * Adds a changeset the campaign did not create to it: the membership, the campaign's tracked count and the
     * changeset's campaign set, in one transaction. Returns false (changing nothing) when it already belongs.
     */
    @Override
    public boolean addToCampaign(String campaignId, Changeset changeset) {
        List<TransactWriteItem> items = new ArrayList<>(membershipWrites(table, campaignId, changeset.id(),
                changeset.repository(), changeset.externalID(), false, null, false));
        items.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(campaignKey(campaignId), "#CAMPAIGN"))
                .conditionExpression("attribute_exists(PK)")
                .updateExpression("ADD tracked :one").expressionAttributeValues(Map.of(":one", n(1))).build()).build());
        return transact(items);
    }

    /**
     * The writes that make a changeset a campaign's: a conditional put of the membership item and the campaign's ID
     * added to the changeset's set (for {@link #completeChangesetJob}'s transaction too).
     */
    static List<TransactWriteItem> membershipWrites(String table, String campaignId, String changesetId,
                                                    String repository, String externalID, boolean created,
                                                    String jobId, boolean mayBelong) {
        Map<String, AttributeValue> m = new HashMap<>(key(campaignKey(campaignId),
                membershipKey(repository, externalID)));
        m.put("changesetId", s(changesetId));
        m.put("repository", s(repository));
        m.put("externalID", s(externalID));
        m.put("createdByCampaign", Attr.bool(created));
        if (jobId != null) {
            m.put("jobId", s(jobId));
        }
        Put.Builder put = Put.builder().tableName(table).item(m);
        if (mayBelong) {
            put.conditionExpression("attribute_not_exists(PK) OR changesetId = :cs")
                    .expressionAttributeValues(Map.of(":cs", s(changesetId)));
        } else {
            put.conditionExpression("attribute_not_exists(PK)");
        }
        return List.of(
                TransactWriteItem.builder().put(put.build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(table)
                        .key(key(ChangesetStore.changesetKey(changesetId), ChangesetStore.CHANGESET)).conditionExpression("attribute_exists(PK)")
                        .updateExpression("ADD campaignIds :c")
                        .expressionAttributeValues(Map.of(":c", AttributeValue.fromSs(List.of(campaignId))))
                        .build()).build());
    }

    /** A page of a campaign's changeset IDs, in (repository, number) order. */
    @Override
    public Page<String> campaignChangesetIds(String campaignId, int first, String after, int totalCount) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :cs)")
                .expressionAttributeValues(Map.of(":pk", s(campaignKey(campaignId)),
                        ":cs", s("CHANGESET#")))
                .consistentRead(true).limit(first);
        if (after != null) {
            query.exclusiveStartKey(Cursor.decode(after));
        }
        QueryResponse page = dynamo.query(query.build());
        List<String> ids = page.items().stream().map(i -> Attr.str(i, "changesetId")).toList();
        Map<String, AttributeValue> next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? page.lastEvaluatedKey() : null;
        return new Page<>(ids, next == null ? null : Cursor.encode(next), totalCount);
    }

    /**
     * Starts the campaign's next generation of changeset jobs (updateCampaign), in one conditional write: the new
     * plan, name and description, the generation and its counters ({@code total} jobs, none finished), the cancel mark
     * cleared, {@code tracked} grown by the changesets that stay in the campaign without a job of the new generation,
     * and (for a published campaign) one more execution. Applied only while the campaign is still at
     * {@code update.fromGeneration()} with {@code update.fromExecutions()} executions and not closed, so of two racing
     * updates one applies. True when this call applied it.
     */
    @Override
    public boolean startGeneration(GenerationStart update) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":g", n(update.fromGeneration()));
        values.put(":next", n(update.fromGeneration() + 1));
        values.put(":e", n(update.fromExecutions()));
        values.put(":plan", s(update.planId()));
        values.put(":prev", s(update.previousPlanId()));
        values.put(":name", s(update.name()));
        values.put(":description", s(update.description()));
        values.put(":at", s(update.at().toString()));
        values.put(":total", n(update.total()));
        values.put(":zero", n(0));
        values.put(":tracked", n(update.trackedDelta()));
        values.put(":executions", n(update.fromExecutions() + (update.fromExecutions() > 0 ? 1 : 0)));
        String generationIs = update.fromGeneration() == 1
                ? "(attribute_not_exists(generation) OR generation = :g)" : "generation = :g";
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key(campaignKey(update.campaignId()),
                            CAMPAIGN))
                    .conditionExpression("attribute_exists(PK) AND attribute_not_exists(closedAt) AND executions = :e"
                            + " AND " + generationIs)
                    .updateExpression("SET generation = :next, planId = :plan, previousPlanId = :prev, #name = :name,"
                            + " description = :description, updatedAt = :at, #total = :total, completed = :zero,"
                            + " errored = :zero, cancelled = :zero, executions = :executions"
                            + " ADD tracked :tracked REMOVE cancelledAt")
                    .expressionAttributeNames(Map.of("#name", "name", "#total", "total"))
                    .expressionAttributeValues(values).build());
            return true;
        } catch (ConditionalCheckFailedException movedOn) {
            return false;
        }
    }

    /**
     * Takes a changeset out of a campaign (updateCampaign, a repository gone from the plan with DETACH): its membership
     * and the campaign's ID on the changeset go; the changeset stays (on the code host and here). Safe to repeat.
     */
    @Override
    public void detachFromCampaign(String campaignId, Changeset changeset) {
        t.transact(List.of(
                TransactWriteItem.builder().delete(software.amazon.awssdk.services.dynamodb.model.Delete.builder()
                        .tableName(table).key(key(campaignKey(campaignId),
                                membershipKey(changeset.repository(), changeset.externalID()))).build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(table)
                        .key(key(ChangesetStore.changesetKey(changeset.id()), ChangesetStore.CHANGESET))
                        .conditionExpression("attribute_exists(PK)").updateExpression("DELETE campaignIds :c")
                        .expressionAttributeValues(Map.of(":c", AttributeValue.fromSs(List.of(campaignId))))
                        .build()).build()));
    }

    /** Marks the campaign closed at {@code at}, once (a second close keeps the first time). */
    @Override
    public void closeCampaign(String campaignId, Instant at) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                    .key(key(campaignKey(campaignId), "#CAMPAIGN"))
                    .conditionExpression("attribute_exists(PK)")
                    .updateExpression("SET closedAt = if_not_exists(closedAt, :t)")
                    .expressionAttributeValues(Map.of(":t", s(at.toString()))).build());
        } catch (ConditionalCheckFailedException deleted) {
            // deleted meanwhile: nothing to close (the caller reads the campaign next and finds none)
        }
    }

    /**
     * Deletes the campaign: its changesets leave it (their items stay, other campaigns may track them), then every
     * item under the campaign's key (campaign, jobs, memberships) is deleted. Safe to repeat.
     */
    @Override
    public void deleteCampaign(String campaignId) {
        for (String id : allCampaignChangesetIds(campaignId)) {
            try {
                dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key(ChangesetStore.changesetKey(id), ChangesetStore.CHANGESET))
                        .conditionExpression("attribute_exists(PK)").updateExpression("DELETE campaignIds :c")
                        .expressionAttributeValues(Map.of(":c", AttributeValue.fromSs(List.of(campaignId)))).build());
            } catch (ConditionalCheckFailedException gone) {
                // nothing to detach
            }
        }
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("PK = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(campaignKey(campaignId))))
                    .projectionExpression("PK, SK").exclusiveStartKey(start).build());
            keys.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        // The campaign item goes last, so a half-done delete is still visible (and repeated) by its owner.
        keys.sort((a, b) -> Boolean.compare("#CAMPAIGN".equals(Attr.str(a, "SK")), "#CAMPAIGN".equals(Attr.str(b, "SK"))));
        for (int i = 0; i < keys.size(); i += 25) {
            List<WriteRequest> writes = new ArrayList<>();
            for (Map<String, AttributeValue> k : keys.subList(i, Math.min(keys.size(), i + 25))) {
                writes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(k).build()).build());
            }
            t.batchWrite(writes);
        }
    }

    // ---- cancelCampaign (issue 16) ------------------------------------------------------------------------

    /**
     * Marks the campaign cancelled at {@code at}, unless it is already (the first mark stays). From then on no
     * pull-request step can claim a job ({@link #claimPullRequest}). Returns the campaign as stored after.
     */
    @Override
    public Campaign markCancelled(String campaignId, Instant at) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key(campaignKey(campaignId), CAMPAIGN))
                    .updateExpression("SET cancelledAt = :at")
                    .conditionExpression("attribute_exists(PK) AND attribute_not_exists(cancelledAt)")
                    .expressionAttributeValues(Map.of(":at", s(at.toString()))).build());
        } catch (ConditionalCheckFailedException already) {
            // cancelled by an earlier call (or no such campaign: the read below says so)
        }
        return campaign(campaignId).orElseThrow();
    }

    /** Clears the campaign's cancel mark (retryCampaign, before it resumes the cancelled jobs). */
    @Override
    public void clearCancelled(String campaignId) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key(campaignKey(campaignId), CAMPAIGN))
                .updateExpression("REMOVE cancelledAt").build());
    }

    /**
     * The pull-request step's claim, taken right before it asks the code host to open the pull request: records
     * {@code openingAt} on the pending job in a transaction that also checks that the campaign is neither cancelled
     * nor closed. False (nothing written) if either holds or the job is no longer pending. {@code cancelCampaign}
     * marks the campaign first and then waits for the claims taken before its mark, so a claim is the only way a
     * pull request can still be opened around a cancel.
     */
    @Override
    public boolean claimPullRequest(String campaignId, String jobId, Instant at) {
        String pk = campaignKey(campaignId);
        TransactWriteItem campaignOpen = TransactWriteItem.builder().conditionCheck(
                software.amazon.awssdk.services.dynamodb.model.ConditionCheck.builder().tableName(table)
                        .key(key(pk, CAMPAIGN))
                        .conditionExpression("attribute_not_exists(cancelledAt) AND attribute_not_exists(closedAt)")
                        .build()).build();
        TransactWriteItem claim = TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(pk, jobKey(jobId))).conditionExpression("#state = :pending")
                .updateExpression("SET openingAt = :at").expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":pending", s(JobState.PENDING.name()), ":at", s(at.toString())))
                .build()).build();
        return transact(List.of(campaignOpen, claim));
    }

    /** Changeset jobs {@code from} (inclusive) to {@code to} (exclusive) with their pull-request claims. */
    @Override
    public List<JobClaim> changesetJobClaims(String campaignId, int from, int to) {
        return queryJobs(campaignId, generation(campaignId), from, to, item -> new JobClaim(changesetJob(item),
                item.containsKey("openingAt") ? Instant.parse(Attr.str(item, "openingAt")) : null));
    }

    /** Jobs per cancel transaction: each job's write and the campaign's counter, within TransactWriteItems' 100. */
    static final int CANCELS_PER_TRANSACTION = 99;

    /**
     * Ends the given jobs CANCELLED with the campaign's {@code cancelled} counter: {@code pending} are existing
     * PENDING jobs (each written only if still PENDING, keeping its steps), {@code missing} plan jobs the execution
     * never reached (each created CANCELLED unless it exists by now). Batched; a batch whose condition fails (a
     * step moved a job meanwhile) is redone one job at a time. Returns how many jobs this call cancelled.
     */
    @Override
    public int cancelChangesetJobs(String campaignId, List<ChangesetJob> pending, List<ChangesetJob> missing) {
        List<TransactWriteItem> writes = new ArrayList<>();
        String pk = campaignKey(campaignId);
        for (ChangesetJob job : pending) {
            writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                    .key(key(pk, jobKey(job.jobId()))).conditionExpression("#state = :pending")
                    .updateExpression("SET #state = :cancelled").expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":pending", s(JobState.PENDING.name()),
                            ":cancelled", s(JobState.CANCELLED.name()))).build()).build());
        }
        for (ChangesetJob job : missing) {
            Map<String, AttributeValue> item = changesetJobItem(job);
            item.put("state", s(JobState.CANCELLED.name()));
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(PK)").build()).build());
        }
        int cancelled = 0;
        for (int i = 0; i < writes.size(); i += CANCELS_PER_TRANSACTION) {
            List<TransactWriteItem> batch = writes.subList(i, Math.min(writes.size(), i + CANCELS_PER_TRANSACTION));
            if (transactWithCounter(pk, batch)) {
                cancelled += batch.size();
            } else {
                for (TransactWriteItem one : batch) {
                    if (transactWithCounter(pk, List.of(one))) {
                        cancelled++;
                    }
                }
            }
        }
        return cancelled;
    }

    /**
     * A CANCELLED job whose pull request was opened around the cancel becomes the campaign's changeset: the
     * membership (conditional put) and the changeset's campaign set, the job CANCELLED → COMPLETED (conditioned on
     * CANCELLED), and the campaign's counters (cancelled - 1, completed + 1, in one update of its item), in one
     * transaction.
     */
    @Override
    public boolean completeCancelledChangesetJob(String campaignId, String jobId, Changeset changeset) {
        String pk = campaignKey(campaignId);
        List<TransactWriteItem> items = new ArrayList<>(membershipWrites(table, campaignId, changeset.id(),
                changeset.repository(), changeset.externalID(), true, jobId, false));
        items.add(TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk, jobKey(jobId)))
                .conditionExpression("#state = :cancelled")
                .updateExpression("SET #state = :done, changesetId = :cs")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":cancelled", s(JobState.CANCELLED.name()),
                        ":done", s(JobState.COMPLETED.name()), ":cs", s(changeset.id()))).build()).build());
        items.add(TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk, CAMPAIGN))
                .updateExpression("ADD completed :one, cancelled :minusOne")
                .expressionAttributeValues(Map.of(":one", n(1), ":minusOne", n(-1))).build()).build());
        return transact(items);
    }

    /** closedAt as {@link #closeCampaign} and {@code closeChangesets = true}, in one write of the campaign item. */
    @Override
    public void closeCampaignAndChangesets(String campaignId, Instant at) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                    .key(key(campaignKey(campaignId), CAMPAIGN))
                    .conditionExpression("attribute_exists(PK)")
                    .updateExpression("SET closedAt = if_not_exists(closedAt, :t), closeChangesets = :yes")
                    .expressionAttributeValues(Map.of(":t", s(at.toString()), ":yes", bool(true))).build());
        } catch (ConditionalCheckFailedException deleted) {
            // deleted meanwhile: nothing to close
        }
    }

    @Override
    public boolean closingChangesets(String campaignId) {
        return get(campaignKey(campaignId), CAMPAIGN).map(item -> Attr.flag(item, "closeChangesets")).orElse(false);
    }

    /**
     * The jobs' writes with the campaign's {@code cancelled} counter. A batch that creates jobs (plan jobs never
     * reached) applies only while the campaign has no unpublished jobs: of a campaign published in part, the jobs
     * not created are the unpublished ones, which a cancel leaves unpublished (publishChangesets may have published
     * in part since the cancel read the campaign).
     */
    private boolean transactWithCounter(String pk, List<TransactWriteItem> jobs) {
        List<TransactWriteItem> items = new ArrayList<>(jobs);
        TransactWriteItem counter = counterUpdate(pk, CAMPAIGN, "cancelled", jobs.size());
        if (jobs.stream().anyMatch(j -> j.put() != null)) {
            counter = TransactWriteItem.builder().update(counter.update().toBuilder()
                    .conditionExpression("attribute_not_exists(unpublished) OR unpublished = :zero")
                    .expressionAttributeValues(withZero(counter.update().expressionAttributeValues())).build())
                    .build();
        }
        items.add(counter);
        return transact(items);
    }

    private static Map<String, AttributeValue> withZero(Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":zero", n(0));
        return all;
    }

    /**
     * Resets every CANCELLED changeset job of the campaign's {@code jobs} positions to PENDING (and its counter),
     * keeping the steps it reached, so that the next execution resumes exactly those. Returns how many were reset.
     */
    @Override
    public int resetCancelledChangesetJobs(String campaignId, int jobs) {
        String pk = campaignKey(campaignId);
        int reset = 0;
        for (int from = 0; from < jobs; from += 1000) {
            for (ChangesetJob job : changesetJobs(campaignId, from, Math.min(jobs, from + 1000))) {
                if (job.state() != JobState.CANCELLED) {
                    continue;
                }
                Update update = Update.builder().tableName(table).key(key(pk, jobKey(job.jobId())))
                        .conditionExpression("#state = :cancelled").updateExpression("SET #state = :pending")
                        .expressionAttributeNames(Map.of("#state", "state"))
                        .expressionAttributeValues(Map.of(":cancelled", s(JobState.CANCELLED.name()),
                                ":pending", s(JobState.PENDING.name()))).build();
                if (transact(List.of(TransactWriteItem.builder().update(update).build(),
                        counterUpdate(pk, CAMPAIGN, "cancelled", -1)))) {
                    reset++;
                }
            }
        }
        return reset;
    }

    // ---- shared mechanics ----------------------------------------------------------------------------------

    /** Who counts a job: a plan's jobs count on the plan item, a campaign's changeset jobs on the campaign item. */
    private enum Owner {
        PLAN_JOBS(CampaignStore.PLAN), CAMPAIGN_JOBS(CampaignStore.CAMPAIGN);

        private final String sortKey;

        Owner(String sortKey) {
            this.sortKey = sortKey;
        }
    }

    private boolean failJob(Owner owner, String pk, String jobId, String error) {
        return transactFinish(owner, pk, List.of(), failedJob(pk, jobId, error), "errored");
    }

    /** The one write that moves a PENDING job to ERRORED with its error (listed in the sparse Errors index). */
    private Update failedJob(String pk, String jobId, String error) {
        String errpk = errorsKey(pk, JobIds.generation(jobId));
        return Update.builder().tableName(table).key(key(pk, jobKey(jobId)))
                .conditionExpression("#state = :pending")
                .updateExpression("SET #state = :errored, #error = :error, ERRPK = :errpk")
                .expressionAttributeNames(Map.of("#state", "state", "#error", "error"))
                .expressionAttributeValues(Map.of(":pending", s(JobState.PENDING.name()),
                        ":errored", s(JobState.ERRORED.name()), ":error", s(error), ":errpk", s(errpk)))
                .build();
    }

    /** The write that moves a PENDING job to COMPLETED, setting {@code update}'s extra attributes. */
    private Update completedJob(String pk, String jobId, String extraSets, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> allValues = new HashMap<>(values);
        allValues.put(":pending", s(JobState.PENDING.name()));
        allValues.put(":done", s(JobState.COMPLETED.name()));
        return Update.builder().tableName(table).key(key(pk, jobKey(jobId)))
                .conditionExpression("#state = :pending").updateExpression("SET #state = :done, " + extraSets)
                .expressionAttributeNames(Map.of("#state", "state")).expressionAttributeValues(allValues).build();
    }

    /** Applies a job's move out of PENDING and adds one to its owner's {@code counter}, atomically. */
    private boolean transactFinish(Owner owner, String pk, List<TransactWriteItem> more, Update job, String counter) {
        List<TransactWriteItem> items = new ArrayList<>(more);
        items.add(TransactWriteItem.builder().update(job).build());
        items.add(counterUpdate(pk, owner.sortKey, counter, 1));
        return transact(items);
    }

    private TransactWriteItem counterUpdate(String pk, String sk, String counter, int delta) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk, sk))
                .updateExpression("ADD #counter :delta")
                .expressionAttributeNames(Map.of("#counter", counter))
                .expressionAttributeValues(Map.of(":delta", n(delta))).build()).build();
    }

    /** Runs a transaction; false if a condition failed (the step's work was already recorded). */
    private boolean transact(List<TransactWriteItem> items) {
        return t.transact(items) == DynamoTable.Outcome.APPLIED;
    }

    private void updatePending(String campaignId, String jobId, String update, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":pending", s(JobState.PENDING.name()));
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                    .key(key(campaignKey(campaignId), jobKey(jobId)))
                    .conditionExpression("#state = :pending").updateExpression(update)
                    .expressionAttributeNames(Map.of("#state", "state")).expressionAttributeValues(all).build());
        } catch (ConditionalCheckFailedException frozen) {
            throw new JobNotPendingException(campaignId, jobId);
        }
    }

    private List<String> erroredJobIds(String pk, int limit) {
        List<String> ids = new ArrayList<>();
        for (Map<String, AttributeValue> item : erroredItems(pk, limit)) {
            ids.add(Attr.str(item, SK).substring("JOB#".length()));
        }
        return ids;
    }

    private List<String> errors(String pk, int limit) {
        List<String> errors = new ArrayList<>();
        for (Map<String, AttributeValue> item : erroredItems(pk, limit)) {
            String repository = Attr.str(item, "repository");
            errors.add(repository + ": " + Attr.str(item, "error"));
        }
        return errors;
    }

    private List<Map<String, AttributeValue>> erroredItems(String pk, int limit) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).indexName(ERRORS_INDEX)
                    .keyConditionExpression("ERRPK = :pk").expressionAttributeValues(Map.of(":pk", s(pk)))
                    .limit(Math.min(limit - items.size(), 1000)).exclusiveStartKey(start).build());
            items.addAll(page.items());
            start = nextKey(page);
        } while (start != null && items.size() < limit);
        return items;
    }

    private <T> List<T> queryRange(String pk, int from, int to, Function<Map<String, AttributeValue>, T> map) {
        List<T> result = new ArrayList<>();
        t.query(QueryRequest.builder().keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", s(pk), ":from", s(jobKey(JobIds.of(from))),
                        ":to", s(jobKey(JobIds.of(to - 1)))))
                .consistentRead(true).build(), item -> result.add(map.apply(item)));
        return result;
    }

    private Optional<Map<String, AttributeValue>> get(String pk, String sk) {
        return t.get(pk, sk);
    }

    private static Map<String, AttributeValue> nextKey(QueryResponse page) {
        return DynamoTable.nextKey(page);
    }

    private static String nextCursor(QueryResponse page) {
        Map<String, AttributeValue> next = nextKey(page);
        return next == null ? null : Cursor.encode(next);
    }

    // ---- item mapping --------------------------------------------------------------------------------------

    private static void putCounters(Map<String, AttributeValue> item, JobCounters counters) {
        item.put("total", n(counters.total()));
        item.put("completed", n(counters.completed()));
        item.put("errored", n(counters.errored()));
    }

    private static JobCounters counters(Map<String, AttributeValue> item) {
        return new JobCounters(Attr.integer(item, "total"), Attr.integer(item, "completed"),
                Attr.integer(item, "errored"), Attr.integer(item, "cancelled"));
    }

    private Map<String, AttributeValue> campaignJobItem(CampaignJob job) {
        Map<String, AttributeValue> item = new HashMap<>(key(planKey(job.planId()), jobKey(job.jobId())));
        item.put("repository", s(job.repository()));
        item.put("baseRevision", s(job.baseRevision()));
        item.put("baseRef", s(job.baseRef()));
        item.put("patchKey", s(job.patchKey()));
        item.put("state", s(job.state().name()));
        return item;
    }

    private static CampaignJob campaignJob(Map<String, AttributeValue> item) {
        String planId = Attr.str(item, PK).substring("PLAN#".length());
        String jobId = Attr.str(item, SK).substring("JOB#".length());
        JobState state = JobState.valueOf(Attr.str(item, "state"));
        DiffStat diffStat = item.containsKey("added") ? new DiffStat(Attr.integer(item, "added"),
                Attr.integer(item, "changed"), Attr.integer(item, "deleted")) : null;
        return new CampaignJob(planId, jobId, Attr.str(item, "repository"), Attr.str(item, "baseRevision"),
                Attr.str(item, "baseRef"), Attr.str(item, "patchKey"), state, diffStat, Attr.str(item, "error"));
    }

    private Map<String, AttributeValue> changesetJobItem(ChangesetJob job) {
        Map<String, AttributeValue> item = new HashMap<>(key(campaignKey(job.campaignId()), jobKey(job.jobId())));
        item.put("repository", s(job.repository()));
        item.put("baseRef", s(job.baseRef()));
        item.put("state", s(job.state().name()));
        item.put("attempts", n(job.attempts()));
        // an update's job starts from its repository's earlier job (ChangesetJobPlanner): its commit when the diff is
        // the same, its pull request, and the lease of its push
        if (job.commitSha() != null) {
            item.put("commitSha", s(job.commitSha()));
        }
        if (job.pushed()) {
            item.put("pushed", bool(true));
        }
        if (job.pullRequest() != 0) {
            item.put("pullRequest", n(job.pullRequest()));
            item.put("pullRequestUrl", s(job.pullRequestUrl()));
        }
        if (job.expectedOldSha() != null) {
            item.put("expectedOldSha", s(job.expectedOldSha()));
        }
        if (job.changesetId() != null) {
            item.put("changesetId", s(job.changesetId()));
        }
        return item;
    }

    private static ChangesetJob changesetJob(Map<String, AttributeValue> item) {
        String campaignId = Attr.str(item, PK).substring("CAMPAIGN#".length());
        String jobId = Attr.str(item, SK).substring("JOB#".length());
        return new ChangesetJob(campaignId, jobId, Attr.str(item, "repository"), Attr.str(item, "baseRef"),
                JobState.valueOf(Attr.str(item, "state")), Attr.str(item, "commitSha"), Attr.flag(item, "pushed"),
                Attr.num(item, "pullRequest"), Attr.str(item, "pullRequestUrl"), Attr.str(item, "changesetId"),
                Attr.str(item, "error"), Attr.integer(item, "attempts"), Attr.str(item, "expectedOldSha"));
    }

    private static Campaign campaign(String id, Map<String, AttributeValue> item) {
        return new Campaign(id, Attr.str(item, "owner"), Attr.str(item, "name"), Attr.str(item, "description"),
                Attr.str(item, "branch"), Attr.str(item, "planId"), Attr.flag(item, "draft"),
                Instant.parse(Attr.str(item, "createdAt")), counters(item), Attr.integer(item, "executions"),
                item.containsKey("closedAt") ? Instant.parse(Attr.str(item, "closedAt")) : null,
                Attr.integer(item, "tracked"),
                item.containsKey("cancelledAt") ? Instant.parse(Attr.str(item, "cancelledAt")) : null,
                item.containsKey("generation") ? Attr.integer(item, "generation") : 1, Attr.str(item, "previousPlanId"),
                item.containsKey("updatedAt") ? Instant.parse(Attr.str(item, "updatedAt")) : null,
                Attr.integer(item, "unpublished"));
    }
}
