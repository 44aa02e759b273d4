package dev.campaigns.store;

import static dev.campaigns.store.Attr.n;
import static dev.campaigns.store.Attr.s;

import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetEvent;
import dev.campaigns.domain.ChangesetRead;
import dev.campaigns.domain.ChangesetReviewState;
import dev.campaigns.domain.ChangesetState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Changesets as code host truth, in the {@code Campaigns} table next to {@link CampaignStore}'s items: one item per
 * pull request (shared by every campaign that tracks it) and its history of state changes. The membership items
 * (one per campaign and changeset) are {@link CampaignStore}'s: it writes the campaign side.
 *
 * <pre>
 * item             PK                  SK                                 access pattern
 * Changeset        CHANGESET#{id}      #CHANGESET                         get; batch get a page of a campaign's
 * ChangesetEvent   CHANGESET#{id}      EVENT#{at}#{field}#{value}         a changeset's history, in time order
 * membership       CAMPAIGN#{cid}      CHANGESET#{repository}#{number}    a campaign's changesets, paginated
 * GSI Sync:        SYNCPK=CHANGESET, SYNCSK={syncedAt}#{id}               the stalest changesets first
 * </pre>
 *
 * <p>The ID is derived from (repository, number), so recording the same pull request twice (a retried step, two
 * campaigns) finds one changeset. Writes of code host truth are ordered by the time their read started
 * ({@code syncedAt}): a read that started earlier never overwrites one that started later, whatever order webhooks
 * and syncs arrive in, and each write is conditioned on the item's version, so the events recorded are exactly the
 * differences between consecutive stored states.
 */
public final class ChangesetStore implements ChangesetRepository {
    static final String SYNC_INDEX = "Sync";
    static final String CHANGESET = "#CHANGESET";

    private final DynamoTable t;
    private final DynamoDbClient dynamo;
    private final String table;

    public ChangesetStore(DynamoTable table) {
        this.t = table;
        this.dynamo = table.client();
        this.table = table.name();
    }

    public ChangesetStore(DynamoDbClient dynamo, String table) {
        this(new DynamoTable(dynamo, table));
    }

    /** The changeset ID of pull request {@code number} of {@code repository}: the same for every campaign. */
    public static String changesetId(String repository, String externalID) {
        return Changeset.idOf(repository, externalID);
    }

    /** Sorts by read time: epoch milliseconds, zero-padded (ISO text of varying precision would not sort). */
    private static String syncKey(Instant readAt, String id) {
        return String.format("%015d#%s", readAt.toEpochMilli(), id);
    }

    static String changesetKey(String id) {
        return "CHANGESET#" + id;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return DynamoTable.key(pk, sk);
    }

    // ---- code host truth -------------------------------------------------------------------------------------

    /**
     * Records what the code host said, read starting at {@code readAt}, with the events that differ from the stored
     * state. Creates the changeset on first sight ({@code ownerCampaignId} names the campaign that opened the pull
     * request; null when it is only tracked). Returns the stored changeset; a read older than the stored one
     * changes nothing.
     */
    public Changeset observe(PullRequestStatus status, Instant readAt, String ownerCampaignId) {
        String repository = status.pullRequest().repository();
        String externalID = Long.toString(status.pullRequest().number());
        String id = changesetId(repository, externalID);
        ChangesetRead read = ChangesetRepository.read(status);
        ChangesetState state = read.state();
        for (int attempt = 0; ; attempt++) {
            Optional<Map<String, AttributeValue>> old = get(changesetKey(id), CHANGESET);
            if (old.isPresent() && !readAt.isAfter(instant(old.get(), "syncedAt"))) {
                return changeset(old.get());
            }
            List<ChangesetEvent> events = read.impliedEvents(id, old.map(ChangesetStore::changeset).orElse(null));
            String check = read.checkValue();
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":repository", s(repository));
            values.put(":externalID", s(externalID));
            values.put(":url", s(status.pullRequest().url()));
            values.put(":state", s(state.name()));
            values.put(":review", s(status.reviewState().name()));
            values.put(":check", s(check));
            values.put(":title", s(status.pullRequest().title()));
            values.put(":labels", AttributeValue.fromL(status.pullRequest().labels().stream().map(Attr::s).toList()));
            values.put(":headRef", s(status.pullRequest().headRef()));
            values.put(":baseRef", s(status.pullRequest().baseRef()));
            values.put(":headCommit", s(status.pullRequest().headSha()));
            values.put(":createdAt", s(status.createdAt().toString()));
            values.put(":updatedAt", s(status.updatedAt().toString()));
            values.put(":syncedAt", s(readAt.toString()));
            values.put(":syncpk", s("CHANGESET"));
            values.put(":syncsk", s(syncKey(readAt, id)));
            values.put(":syncedMs", n(readAt.toEpochMilli()));
            values.put(":one", n(1));
            String update = "SET repository = :repository, externalID = :externalID, externalURL = :url, "
                    + "#state = :state, reviewState = :review, checkState = :check, title = :title, labels = :labels, "
                    + "headRef = :headRef, baseRef = :baseRef, headCommit = :headCommit, createdAt = :createdAt, "
                    + "updatedAt = :updatedAt, syncedAt = :syncedAt, syncedMs = :syncedMs, SYNCPK = :syncpk, SYNCSK = :syncsk";
            if (ownerCampaignId != null) {
                values.put(":owner", s(ownerCampaignId));
                update += ", ownerCampaignId = if_not_exists(ownerCampaignId, :owner)";
            }
            update += " ADD version :one";
            String condition;
            if (old.isEmpty()) {
                condition = "attribute_not_exists(PK)";
            } else {
                condition = "version = :version";
                values.put(":version", n(Attr.num(old.get(), "version")));
            }
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                    .key(key(changesetKey(id), CHANGESET)).updateExpression(update).conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#state", "state")).expressionAttributeValues(values)
                    .build()).build());
            for (ChangesetEvent e : events) {
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(eventItem(e)).build())
                        .build());
            }
            if (transact(items)) {
                return changeset(get(changesetKey(id), CHANGESET).orElseThrow());
            }
            if (attempt > 20) {
                throw new IllegalStateException("changeset " + id + " kept changing under this write");
            }
        }
    }

    /**
     * Records that the code host no longer has the pull request (404), read starting at {@code readAt}: state
     * DELETED with an event at that time. A read older than the stored one changes nothing.
     */
    public void markDeleted(String id, Instant readAt) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":deleted", s(ChangesetState.DELETED.name()));
        values.put(":t", s(readAt.toString()));
        values.put(":ms", n(readAt.toEpochMilli()));
        values.put(":syncsk", s(syncKey(readAt, id)));
        values.put(":one", n(1));
        Update update = Update.builder().tableName(table).key(key(changesetKey(id), CHANGESET))
                .updateExpression("SET #state = :deleted, syncedAt = :t, syncedMs = :ms, SYNCSK = :syncsk ADD version :one")
                .conditionExpression("attribute_exists(PK) AND syncedMs < :ms AND #state <> :deleted")
                .expressionAttributeNames(Map.of("#state", "state")).expressionAttributeValues(values).build();
        transact(List.of(TransactWriteItem.builder().update(update).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(eventItem(new ChangesetEvent(id,
                        readAt, ChangesetEvent.Field.STATE, ChangesetState.DELETED.name()))).build()).build()));
    }

    public Optional<Changeset> changeset(String id) {
        return get(changesetKey(id), CHANGESET).map(ChangesetStore::changeset);
    }

    /** The changesets with these IDs, in the given order (missing ones left out). */
    public List<Changeset> changesets(List<String> ids) {
        Map<String, Changeset> found = new HashMap<>();
        for (int i = 0; i < ids.size(); i += 100) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String id : new java.util.LinkedHashSet<>(ids.subList(i, Math.min(ids.size(), i + 100)))) {
                keys.add(key(changesetKey(id), CHANGESET));
            }
            for (Map<String, AttributeValue> item : t.batchGet(keys)) {
                Changeset c = changeset(item);
                found.put(c.id(), c);
            }
        }
        List<Changeset> out = new ArrayList<>();
        for (String id : ids) {
            if (found.containsKey(id)) {
                out.add(found.get(id));
            }
        }
        return out;
    }

    /** A changeset's recorded history, in time order. */
    public List<ChangesetEvent> events(String id) {
        List<ChangesetEvent> events = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("PK = :pk AND begins_with(SK, :e)")
                    .expressionAttributeValues(Map.of(":pk", s(changesetKey(id)), ":e", s("EVENT#")))
                    .consistentRead(true).exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : page.items()) {
                events.add(new ChangesetEvent(id, Instant.parse(Attr.str(item, "at")),
                        ChangesetEvent.Field.valueOf(Attr.str(item, "field")), Attr.str(item, "value")));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return events;
    }

    /** The IDs of the {@code limit} changesets synced longest ago (the scheduled sync's work list). */
    public List<String> stalest(int limit) {
        QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).indexName(SYNC_INDEX)
                .keyConditionExpression("SYNCPK = :p").expressionAttributeValues(Map.of(":p", s("CHANGESET")))
                .scanIndexForward(true).limit(limit).build());
        List<String> ids = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            String sk = Attr.str(item, "SYNCSK");
            ids.add(sk.substring(sk.indexOf('#') + 1));
        }
        return ids;
    }

    // ---- mechanics -------------------------------------------------------------------------------------------

    /** Runs a transaction; false if a condition failed. Conflicts are retried by {@link DynamoTable}. */
    private boolean transact(List<TransactWriteItem> items) {
        return t.transact(items) == DynamoTable.Outcome.APPLIED;
    }

    private Optional<Map<String, AttributeValue>> get(String pk, String sk) {
        return t.get(pk, sk);
    }

    private static Map<String, AttributeValue> eventItem(ChangesetEvent e) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(key(changesetKey(e.changesetId()),
                "EVENT#" + e.at() + "#" + e.field() + "#" + e.value()));
        item.put("at", s(e.at().toString()));
        item.put("field", s(e.field().name()));
        item.put("value", s(e.value()));
        return item;
    }

    private static Changeset changeset(Map<String, AttributeValue> item) {
        String check = Attr.str(item, "checkState");
        List<String> labels = item.containsKey("labels") && item.get("labels").hasL()
                ? item.get("labels").l().stream().map(AttributeValue::s).toList() : List.of();
        Set<String> campaigns = item.containsKey("campaignIds") && item.get("campaignIds").hasSs()
                ? new HashSet<>(item.get("campaignIds").ss()) : Set.of();
        String pk = Attr.str(item, CampaignStore.PK);
        return new Changeset(pk.substring("CHANGESET#".length()), Attr.str(item, "repository"),
                Attr.str(item, "externalID"), Attr.str(item, "externalURL"),
                ChangesetState.valueOf(Attr.str(item, "state")),
                ChangesetReviewState.valueOf(Attr.str(item, "reviewState")),
                check == null || ChangesetRead.NO_CHECKS.equals(check) ? null : ChangesetCheckState.valueOf(check),
                Attr.str(item, "title"), labels, Attr.str(item, "headRef"), Attr.str(item, "baseRef"),
                Attr.str(item, "headCommit"), instant(item, "createdAt"), instant(item, "updatedAt"),
                Attr.str(item, "ownerCampaignId"), campaigns, instant(item, "syncedAt"));
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String v = Attr.str(item, name);
        return v == null ? Instant.EPOCH : Instant.parse(v);
    }

}
