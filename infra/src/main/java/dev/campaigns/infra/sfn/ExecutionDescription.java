package dev.campaigns.infra.sfn;

import java.time.Instant;

/**
 * What DescribeExecution returns. {@code output} is set once SUCCEEDED; {@code error}/{@code cause} once FAILED,
 * TIMED_OUT or ABORTED; {@code mapRunArn} for a child execution of a distributed Map.
 */
public record ExecutionDescription(String executionArn, String stateMachineArn, String name,
                                   ExecutionStatus status, Instant startDate, Instant stopDate, String input,
                                   String output, String error, String cause, String mapRunArn) {
}
