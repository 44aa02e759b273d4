package dev.campaigns.store;

import dev.campaigns.domain.MergeMethod;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The item {@code CAMPAIGN#{id}} / {@code #AUTOMERGE} ({@code method}: MERGE, SQUASH, REBASE or OFF), in the
 * campaign's partition so that deleteCampaign deletes it with the rest. Calls: GetItem, PutItem.
 */
public final class DynamoAutoMergeStore implements AutoMergeStore {
    private static final String SK = "#AUTOMERGE";
    private static final String OFF = "OFF";
    private final DynamoTable table;

    public DynamoAutoMergeStore(DynamoTable table) {
        this.table = table;
    }

    @Override
    public Optional<MergeMethod> method(String campaignId) {
        return table.get(CampaignStore.campaignKey(campaignId), SK).map(i -> Attr.str(i, "method"))
                .filter(m -> !OFF.equals(m)).map(MergeMethod::valueOf);
    }

    @Override
    public void set(String campaignId, MergeMethod method) {
        Map<String, AttributeValue> item = new HashMap<>(DynamoTable.key(CampaignStore.campaignKey(campaignId), SK));
        item.put("method", Attr.s(method == null ? OFF : method.name()));
        table.client().putItem(b -> b.tableName(table.name()).item(item));
    }
}
