package dev.campaigns.domain;

import java.util.List;

/**
 * The progress of a background process (a campaign plan's execution, or a campaign's changeset creation),
 * in Sourcegraph's words: PROCESSING while anything is pending, then ERRORED if any job failed, else COMPLETED.
 *
 * @param completedCount jobs that finished successfully
 * @param pendingCount   jobs neither completed nor errored yet
 * @param errors         the error of each errored job (at most {@link #MAX_ERRORS} are listed)
 */
public record BackgroundProcessStatus(State state, int completedCount, int pendingCount, List<String> errors) {

    /** How many errors the status lists at most, so that reading it costs O(1) whatever the campaign's size. */
    public static final int MAX_ERRORS = 100;

    public enum State { PROCESSING, ERRORED, COMPLETED }

    public BackgroundProcessStatus {
        errors = List.copyOf(errors);
    }

    /** The status of a process with these counters. */
    public static BackgroundProcessStatus of(JobCounters counters, List<String> errors) {
        State state = counters.pending() > 0 ? State.PROCESSING
                : counters.errored() > 0 ? State.ERRORED : State.COMPLETED;
        return new BackgroundProcessStatus(state, counters.completed(), counters.pending(), errors);
    }
}
