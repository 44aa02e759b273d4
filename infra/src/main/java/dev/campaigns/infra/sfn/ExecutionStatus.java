package dev.campaigns.infra.sfn;

/** An execution's status, as the Step Functions API spells it. */
public enum ExecutionStatus {
    RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
}
