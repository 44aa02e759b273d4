package dev.campaigns.infra.sfn;

import java.time.Instant;

/**
 * What DescribeMapRun (and, in part, ListMapRuns) returns for one run of a distributed Map.
 *
 * @param stateMachineArn the state machine of the execution that ran the Map state
 * @param status          RUNNING, SUCCEEDED, FAILED or ABORTED
 * @param maxConcurrency  the Map's MaxConcurrency (0: unbounded, as AWS)
 * @param itemCounts      items by the status of the child execution that processes them; pending: not yet in a
 *                        started child execution
 * @param executionCounts child executions by status (pending is always 0: a child is counted once started)
 */
public record MapRunDescription(String mapRunArn, String executionArn, String stateMachineArn,
                                ExecutionStatus status, Instant startDate, Instant stopDate, int maxConcurrency,
                                double toleratedFailurePercentage, long toleratedFailureCount, Counts itemCounts,
                                Counts executionCounts) {

    /** Counts by status, with DescribeMapRun's names ({@code resultsWritten} is always 0: no ResultWriter). */
    public record Counts(long pending, long running, long succeeded, long failed, long timedOut, long aborted,
                         long total) {
    }
}
