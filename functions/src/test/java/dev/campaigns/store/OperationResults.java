package dev.campaigns.store;

import dev.campaigns.domain.ChangesetOperationResult;
import dev.campaigns.domain.Page;
import java.util.ArrayList;
import java.util.List;

/** Reads every result of a bulk operation, page after page, from either store (for tests). */
public final class OperationResults {
    private OperationResults() {
    }

    public static List<ChangesetOperationResult> all(ChangesetOperationStore store, String operationId) {
        List<ChangesetOperationResult> out = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Page<ChangesetOperationResult> page = store.results(operationId, 100, after);
            out.addAll(page.nodes());
            after = page.endCursor();
        } while (after != null && ++pages < 1000);
        return out;
    }
}
