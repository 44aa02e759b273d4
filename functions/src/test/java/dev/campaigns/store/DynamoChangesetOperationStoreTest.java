package dev.campaigns.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.domain.MergeMethod;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bulk operations' store contract on DynamoDB Local (a table shaped as template.yaml's), and the auto-merge item. */
class DynamoChangesetOperationStoreTest extends ChangesetOperationStoreContract {
    @Override
    protected ChangesetOperationStore fresh() {
        return new DynamoChangesetOperationStore(new DynamoTable(LocalCampaignsTable.client(),
                LocalCampaignsTable.create()));
    }

    @Test
    void autoMergeIsSetChangedAndTurnedOffPerCampaign() {
        AutoMergeStore autoMerge = new DynamoAutoMergeStore(new DynamoTable(LocalCampaignsTable.client(),
                LocalCampaignsTable.create()));
        assertTrue(autoMerge.method("c1").isEmpty(), "off until set");
        autoMerge.set("c1", MergeMethod.SQUASH);
        autoMerge.set("c2", MergeMethod.MERGE);
        assertEquals(Optional.of(MergeMethod.SQUASH), autoMerge.method("c1"));
        autoMerge.set("c1", MergeMethod.REBASE);
        assertEquals(Optional.of(MergeMethod.REBASE), autoMerge.method("c1"));
        autoMerge.set("c1", null);
        assertTrue(autoMerge.method("c1").isEmpty(), "turned off");
        assertEquals(Optional.of(MergeMethod.MERGE), autoMerge.method("c2"), "each campaign its own");
    }
}
