package dev.campaigns.domain;

/**
 * The review verdict on a changeset, from the latest review of each reviewer: any CHANGES_REQUESTED wins, then
 * APPROVED, then COMMENTED; no review at all is PENDING (Sourcegraph's ChangesetReviewState).
 */
public enum ChangesetReviewState {
    APPROVED,
    CHANGES_REQUESTED,
    PENDING,
    COMMENTED
}
