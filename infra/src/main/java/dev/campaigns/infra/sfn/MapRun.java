package dev.campaigns.infra.sfn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One run of a distributed Map state: its configuration, its child executions (each with the number of items it
 * processes: one, or a batch) and its status. What ListMapRuns and DescribeMapRun report. Thread-safe.
 */
final class MapRun {

    final String arn;
    final String executionArn;
    final String stateMachineArn;
    final String label;
    final Instant startDate;
    final int maxConcurrency;
    final double toleratedFailurePercentage;
    final long toleratedFailureCount;
    private final int totalItems;
    private final Supplier<Instant> wallClock;
    private final List<Child> children = new ArrayList<>();
    private ExecutionStatus status = ExecutionStatus.RUNNING;
    private Instant stopDate;

    private record Child(Execution execution, int items) {
    }

    MapRun(String arn, Execution parent, String label, int maxConcurrency, double toleratedFailurePercentage,
           long toleratedFailureCount, int totalItems, Supplier<Instant> wallClock) {
        this.arn = arn;
        this.executionArn = parent.arn;
        this.stateMachineArn = parent.stateMachine.arn();
        this.label = label;
        this.maxConcurrency = maxConcurrency;
        this.toleratedFailurePercentage = toleratedFailurePercentage;
        this.toleratedFailureCount = toleratedFailureCount;
        this.totalItems = totalItems;
        this.wallClock = wallClock;
        this.startDate = wallClock.get();
    }

    /** Records a child execution's start; false (nothing recorded) once the run has ended: it starts no child. */
    synchronized boolean childStarted(Execution child, int items) {
        if (status != ExecutionStatus.RUNNING) {
            return false;
        }
        children.add(new Child(child, items));
        return true;
    }

    synchronized List<Execution> children() {
        return children.stream().map(Child::execution).toList();
    }

    /** Records the run's end (once): SUCCEEDED, FAILED or ABORTED. */
    synchronized void finish(ExecutionStatus end) {
        if (status == ExecutionStatus.RUNNING) {
            status = end;
            stopDate = wallClock.get();
        }
    }

    synchronized MapRunDescription describe() {
        long[] items = new long[ExecutionStatus.values().length];
        long[] executions = new long[ExecutionStatus.values().length];
        long startedItems = 0;
        for (Child c : children) {
            int s = c.execution().status().ordinal();
            items[s] += c.items();
            executions[s]++;
            startedItems += c.items();
        }
        return new MapRunDescription(arn, executionArn, stateMachineArn, status, startDate, stopDate,
                maxConcurrency, toleratedFailurePercentage, toleratedFailureCount,
                counts(items, totalItems - startedItems, totalItems),
                counts(executions, 0, children.size()));
    }

    private static MapRunDescription.Counts counts(long[] byStatus, long pending, long total) {
        return new MapRunDescription.Counts(pending, byStatus[ExecutionStatus.RUNNING.ordinal()],
                byStatus[ExecutionStatus.SUCCEEDED.ordinal()], byStatus[ExecutionStatus.FAILED.ordinal()],
                byStatus[ExecutionStatus.TIMED_OUT.ordinal()], byStatus[ExecutionStatus.ABORTED.ordinal()], total);
    }
}
