package dev.campaigns.domain;

import java.util.List;

/**
 * The progress of a background process (a campaign plan's execution, or a campaign's changeset creation),
 * in Sourcegraph's words: PROCESSING while anything is pending; then CANCELLED if {@code cancelCampaign} stopped it
 * before every job finished; else ERRORED if any job failed; else COMPLETED. A campaign created unpublished is
 * UNPUBLISHED until publishCampaign starts it.
 *
 * @param completedCount jobs that finished successfully
 * @param pendingCount   jobs neither completed, errored nor cancelled yet
 * @param errors         the error of each errored job (at most {@link #MAX_ERRORS} are listed)
 * @param cancelledCount jobs that {@code cancelCampaign} ended before they finished (retryCampaign resumes them)
 */
public record BackgroundProcessStatus(State state, int completedCount, int pendingCount, List<String> errors,
                                      int cancelledCount) {

    /** How many errors the status lists at most, so that reading it costs O(1) whatever the campaign's size. */
    public static final int MAX_ERRORS = 100;

    public enum State { PROCESSING, ERRORED, COMPLETED, CANCELLED, UNPUBLISHED }

    public BackgroundProcessStatus {
        errors = List.copyOf(errors);
    }

    public BackgroundProcessStatus(State state, int completedCount, int pendingCount, List<String> errors) {
        this(state, completedCount, pendingCount, errors, 0);
    }

    /**
     * The status of a process with these counters. A cancelled process that still has pending jobs (the cancel is
     * marking them) is PROCESSING; once none is pending, CANCELLED wins over ERRORED (the errors are still listed),
     * since the user stopped it.
     */
    /**
     * The status of a campaign's changeset creation: UNPUBLISHED while it has pending jobs and was never started
     * ({@link Campaign#published()}: nothing is done before publishCampaign), otherwise as {@link #of}.
     */
    public static BackgroundProcessStatus ofCampaign(Campaign campaign, List<String> errors) {
        JobCounters counters = campaign.counters();
        if (!campaign.published() && counters.pending() > 0) {
            return new BackgroundProcessStatus(State.UNPUBLISHED, counters.completed(), counters.pending(), errors,
                    counters.cancelled());
        }
        return of(counters, errors);
    }

    public static BackgroundProcessStatus of(JobCounters counters, List<String> errors) {
        State state = counters.pending() > 0 ? State.PROCESSING
                : counters.cancelled() > 0 ? State.CANCELLED
                : counters.errored() > 0 ? State.ERRORED : State.COMPLETED;
        return new BackgroundProcessStatus(state, counters.completed(), counters.pending(), errors,
                counters.cancelled());
    }
}
