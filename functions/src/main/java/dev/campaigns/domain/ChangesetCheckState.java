package dev.campaigns.domain;

/**
 * The combined result of the checks (check runs and commit statuses) on a changeset's head commit: any failure
 * is FAILED, else anything unfinished is PENDING, else PASSED. A head commit without any check has no check state
 * (null), so "no CI" is not shown as "waiting for CI".
 */
public enum ChangesetCheckState {
    PENDING,
    PASSED,
    FAILED
}
