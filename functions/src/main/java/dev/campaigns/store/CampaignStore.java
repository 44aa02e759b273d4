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
import dev.campaigns.git.DiffStat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
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
 * ChangesetJob   CAMPAIGN#{id}      JOB#{jobId}              a page of a campaign's jobs
 * membership     CAMPAIGN#{id}      CHANGESET#{repo}#{n}     a campaign's changesets (see ChangesetStore)
 * GSI Owner:     GSI1PK=OWNER#{owner}, GSI1SK={createdAt}#{id}     an owner's campaigns, newest first
 * GSI Errors:    ERRPK={PK} (only on ERRORED jobs), SK              a process's errors: reads only errored jobs
 * </pre>
 */
public final class CampaignStore {
    static final String PK = "PK";
    static final String SK = "SK";
    static final String OWNER_INDEX = "Owner";
    static final String ERRORS_INDEX = "Errors";
    private static final String PLAN = "#PLAN";
    private static final String CAMPAIGN = "#CAMPAIGN";

    private final DynamoDbClient dynamo;
    private final String table;

    public CampaignStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    // ---- keys ----------------------------------------------------------------------------------------------

    static String planKey(String planId) {
        return "PLAN#" + planId;
    }

    static String campaignKey(String campaignId) {
        return "CAMPAIGN#" + campaignId;
    }

    static String jobKey(String jobId) {
        return "JOB#" + jobId;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }

    // ---- campaign plans and their jobs ------------------------------------------------------------------

    /** Writes a new plan with all its jobs; the jobs first, so a plan item never names jobs that are missing. */
    public void createPlan(CampaignPlan plan, List<CampaignJob> jobs) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (CampaignJob job : jobs) {
            items.add(campaignJobItem(job));
        }
        batchPut(items);
        Map<String, AttributeValue> item = new HashMap<>(key(planKey(plan.id()), PLAN));
        item.put("owner", s(plan.owner()));
        item.put("createdAt", s(plan.createdAt().toString()));
        putCounters(item, plan.counters());
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(PK)").build());
    }

    public Optional<CampaignPlan> plan(String planId) {
        return get(planKey(planId), PLAN).map(item -> new CampaignPlan(planId, Attr.str(item, "owner"),
                Instant.parse(Attr.str(item, "createdAt")), counters(item)));
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
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":done", s(JobState.COMPLETED.name()));
        values.put(":a", n(diffStat.added()));
        values.put(":c", n(diffStat.changed()));
        values.put(":d", n(diffStat.deleted()));
        return finishJob(planKey(planId), jobId, "completed",
                "SET #state = :done, added = :a, changed = :c, deleted = :d", values);
    }

    /** Records a plan job's error, once. Returns false if the job was already terminal. */
    public boolean failCampaignJob(String planId, String jobId, String error) {
        return failJob(planKey(planId), jobId, error);
    }

    // ---- campaigns -----------------------------------------------------------------------------------------

    /**
     * Creates the campaign item unless one with its ID exists; returns the campaign as stored (the argument, or the
     * earlier campaign with the same ID, read from the failed conditional write itself).
     *
     * @throws IdempotencyStore.IdempotencyKeyReusedException the earlier campaign was created from another input
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
                throw new IdempotencyStore.IdempotencyKeyReusedException();
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
        return queryRange(campaignKey(campaignId), from, to, CampaignStore::changesetJob);
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
        List<TransactWriteItem> membership = ChangesetStore.membershipWrites(table, campaignId, changeset.id(),
                changeset.repository(), changeset.externalID(), true, jobId);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":done", s(JobState.COMPLETED.name()));
        values.put(":cs", s(changeset.id()));
        return transactFinish(campaignKey(campaignId), jobId, "completed", "SET #state = :done, changesetId = :cs",
                values, membership);
    }

    /** Marks every still-pending job of a plan errored (its execution ended without it). */
    public void failPendingCampaignJobs(String planId, int jobs, String error) {
        failPending(planKey(planId), jobs, error);
    }

    /** Marks every still-pending changeset job of a campaign errored (its execution ended without it). */
    public void failPendingChangesetJobs(String campaignId, int jobs, String error) {
        failPending(campaignKey(campaignId), jobs, error);
    }

    private void failPending(String pk, int jobs, String error) {
        int pageSize = 1000;
        for (int from = 0; from < jobs; from += pageSize) {
            for (Map<String, AttributeValue> item : queryRange(pk, from, Math.min(jobs, from + pageSize), i -> i)) {
                if (JobState.PENDING.name().equals(Attr.str(item, "state"))) {
                    failJob(pk, Attr.str(item, SK).substring("JOB#".length()), error);
                }
            }
        }
    }

    /** Records a changeset job's error, once. Returns false if the job was already terminal. */
    public boolean failChangesetJob(String campaignId, String jobId, String error) {
        return failJob(campaignKey(campaignId), jobId, error);
    }

    /**
     * Resets every ERRORED changeset job of the campaign to PENDING (and its counter), so that the next execution
     * works on exactly those. Returns how many were reset.
     */
    public int resetErroredChangesetJobs(String campaignId) {
        int reset = 0;
        for (String jobId : erroredJobIds(campaignKey(campaignId), Integer.MAX_VALUE)) {
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
        return errors(campaignKey(campaignId), limit);
    }

    // ---- shared mechanics ----------------------------------------------------------------------------------

    private boolean failJob(String pk, String jobId, String error) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":errored", s(JobState.ERRORED.name()));
        values.put(":error", s(error));
        values.put(":errpk", s(pk));
        return finishJob(pk, jobId, "errored", "SET #state = :errored, #error = :error, ERRPK = :errpk", values);
    }

    private boolean finishJob(String pk, String jobId, String counter, String update,
                              Map<String, AttributeValue> values) {
        return transactFinish(pk, jobId, counter, update, values, List.of());
    }

    /** Moves a PENDING job to a terminal state and adds one to its owner's counter, atomically. */
    private boolean transactFinish(String pk, String jobId, String counter, String update,
                                   Map<String, AttributeValue> values, List<TransactWriteItem> more) {
        Map<String, AttributeValue> allValues = new HashMap<>(values);
        allValues.put(":pending", s(JobState.PENDING.name()));
        Map<String, String> names = new HashMap<>(Map.of("#state", "state"));
        if (update.contains("#error")) {
            names.put("#error", "error");
        }
        Update job = Update.builder().tableName(table).key(key(pk, jobKey(jobId)))
                .conditionExpression("#state = :pending").updateExpression(update)
                .expressionAttributeNames(names).expressionAttributeValues(allValues).build();
        List<TransactWriteItem> items = new ArrayList<>(more);
        items.add(TransactWriteItem.builder().update(job).build());
        items.add(counterUpdate(pk, pk.startsWith("PLAN#") ? PLAN : CAMPAIGN, counter, 1));
        return transact(items);
    }

    private TransactWriteItem counterUpdate(String pk, String sk, String counter, int delta) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk, sk))
                .updateExpression("ADD #counter :delta")
                .expressionAttributeNames(Map.of("#counter", counter))
                .expressionAttributeValues(Map.of(":delta", n(delta))).build()).build();
    }

    /**
     * Runs a transaction; false if a condition failed (the step's work was already recorded). Transaction
     * conflicts on the hot counter item are retried here with full jitter; they are not failures of the step.
     */
    private boolean transact(List<TransactWriteItem> items) {
        for (int attempt = 0; ; attempt++) {
            try {
                dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
                return true;
            } catch (TransactionCanceledException e) {
                boolean conditionFailed = e.cancellationReasons().stream().map(CancellationReason::code)
                        .anyMatch("ConditionalCheckFailed"::equals);
                if (conditionFailed) {
                    return false;
                }
                if (attempt >= 12) {
                    throw e;
                }
                sleepJitter(attempt);
            }
        }
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
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", s(pk), ":from", s(jobKey(JobIds.of(from))),
                            ":to", s(jobKey(JobIds.of(to - 1)))))
                    .consistentRead(true).exclusiveStartKey(start).build());
            page.items().forEach(item -> result.add(map.apply(item)));
            start = nextKey(page);
        } while (start != null);
        return result;
    }

    private Optional<Map<String, AttributeValue>> get(String pk, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(key(pk, sk)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private void batchPut(List<Map<String, AttributeValue>> items) {
        for (int i = 0; i < items.size(); i += 25) {
            List<WriteRequest> writes = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(i, Math.min(items.size(), i + 25))) {
                writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(table, writes);
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                BatchWriteItemResponse response = dynamo.batchWriteItem(
                        BatchWriteItemRequest.builder().requestItems(pending).build());
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                if (!pending.isEmpty()) {
                    sleepJitter(attempt);
                }
            }
        }
    }

    private static void sleepJitter(int attempt) {
        long cap = Math.min(1000, 10L << Math.min(attempt, 10));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Map<String, AttributeValue> nextKey(QueryResponse page) {
        return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
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
                Attr.integer(item, "errored"));
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
        return item;
    }

    private static ChangesetJob changesetJob(Map<String, AttributeValue> item) {
        String campaignId = Attr.str(item, PK).substring("CAMPAIGN#".length());
        String jobId = Attr.str(item, SK).substring("JOB#".length());
        return new ChangesetJob(campaignId, jobId, Attr.str(item, "repository"), Attr.str(item, "baseRef"),
                JobState.valueOf(Attr.str(item, "state")), Attr.str(item, "commitSha"), Attr.flag(item, "pushed"),
                Attr.num(item, "pullRequest"), Attr.str(item, "pullRequestUrl"), Attr.str(item, "changesetId"),
                Attr.str(item, "error"), Attr.integer(item, "attempts"));
    }

    private static Campaign campaign(String id, Map<String, AttributeValue> item) {
        return new Campaign(id, Attr.str(item, "owner"), Attr.str(item, "name"), Attr.str(item, "description"),
                Attr.str(item, "branch"), Attr.str(item, "planId"), Attr.flag(item, "draft"),
                Instant.parse(Attr.str(item, "createdAt")), counters(item), Attr.integer(item, "executions"),
                item.containsKey("closedAt") ? Instant.parse(Attr.str(item, "closedAt")) : null,
                Attr.integer(item, "tracked"));
    }

    /** Pagination cursors: the last evaluated key, opaque to clients. */
    static final class Cursor {
        private Cursor() {
        }

        static String encode(Map<String, AttributeValue> key) {
            StringBuilder text = new StringBuilder();
            key.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                    text.append(e.getKey()).append('\u0000').append(e.getValue().s()).append('\u0000'));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
        }

        static Map<String, AttributeValue> decode(String cursor) {
            String text;
            try {
                text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidCursorException();
            }
            String[] parts = text.split("\u0000", -1);
            if (parts.length < 3 || parts.length % 2 != 1) {
                throw new InvalidCursorException();
            }
            Map<String, AttributeValue> key = new HashMap<>();
            for (int i = 0; i + 1 < parts.length; i += 2) {
                key.put(parts[i], s(parts[i + 1]));
            }
            return key;
        }
    }

    /** A pagination cursor that this store did not make. */
    public static final class InvalidCursorException extends IllegalArgumentException {
        InvalidCursorException() {
            super("invalid pagination cursor: pass a cursor from pageInfo.endCursor");
        }
    }

    /** A step found its job no longer pending: a later step or a retry already moved it. */
    public static final class JobNotPendingException extends RuntimeException {
        JobNotPendingException(String campaignId, String jobId) {
            super("changeset job " + jobId + " of campaign " + campaignId + " is no longer pending");
        }
    }
}
