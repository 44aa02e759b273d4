package dev.campaigns.domain;

/**
 * When auto-merge merges a changeset (issue 16): open, approved, and its checks passed. Stricter than a bulk merge
 * (ChangesetOperationRules): a changeset without checks is not merged by itself, since nothing has vouched for it.
 */
public final class AutoMergeRule {
    private AutoMergeRule() {
    }

    public static boolean ready(Changeset c) {
        return c.state() == ChangesetState.OPEN && c.reviewState() == ChangesetReviewState.APPROVED
                && c.checkState() == ChangesetCheckState.PASSED;
    }
}
