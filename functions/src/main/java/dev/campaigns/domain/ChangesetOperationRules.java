package dev.campaigns.domain;

/**
 * Whether a bulk operation may act on a changeset as last synced: the one home of the skip rules (docs/changesets.md
 * "Bulk operations").
 */
public final class ChangesetOperationRules {
    private ChangesetOperationRules() {
    }

    /**
     * Why {@code operation} must leave {@code changeset} alone, or null when it may act: only open pull requests are
     * acted on, a close only on the campaign's own (as closeCampaign), and a merge (unless forced) needs checks that passed. A changeset without checks (check state null)
     * counts as passed: nothing is failing or running. Whether the code host can merge (conflicts, branch protection)
     * is the host's to say at the merge.
     */
    public static String skipReason(ChangesetOperation operation, Changeset changeset) {
        if (changeset.state() != ChangesetState.OPEN) {
            return "the pull request is " + changeset.state();
        }
        if (operation.kind() == ChangesetOperation.Kind.CLOSE && !changeset.createdBy(operation.campaignId())) {
            return "tracked, not opened by this campaign: only the campaign's own pull requests are closed";
        }
        if (operation.kind() == ChangesetOperation.Kind.MERGE && !operation.force()) {
            if (changeset.checkState() == ChangesetCheckState.FAILED) {
                return "checks failing";
            }
            if (changeset.checkState() == ChangesetCheckState.PENDING) {
                return "checks pending";
            }
        }
        return null;
    }
}
