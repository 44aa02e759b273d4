package dev.campaigns.domain;

import java.util.List;

/**
 * The progress of a background process (a campaign plan's execution, or a campaign's changeset creation),
 * in Sourcegraph's words: PROCESSING while anything is pending; then CANCELLED if {@code cancelCampaign} stopped it
 * before every job finished; else ERRORED if any job failed; else COMPLETED. A campaign created unpublished is
 * UNPUBLISHED until publishCampaign (or publishChangesets) starts it; one published in part reads as the part
 * published does, with the rest counted in {@code unpublishedCount}.
 *
 * @param completedCount   jobs that finished successfully
 * @param pendingCount     jobs being worked on: neither completed, errored, cancelled nor unpublished yet
 * @param errors           the error of each errored job (at most {@link #MAX_ERRORS} are listed)
 * @param cancelledCount   jobs that {@code cancelCampaign} ended before they finished (retryCampaign resumes them)
 * @param unpublishedCount a campaign's jobs not published yet (nothing committed, pushed or opened for them)
 */
public record BackgroundProcessStatus(State state, int completedCount, int pendingCount, List<String> errors,
                                      int cancelledCount, int unpublishedCount) {

    /** How many errors the status lists at most, so that reading it costs O(1) whatever the campaign's size. */
    public static final int MAX_ERRORS = 100;

    public enum State { PROCESSING, ERRORED, COMPLETED, CANCELLED, UNPUBLISHED }

    public BackgroundProcessStatus {
        errors = List.copyOf(errors);
    }

    public BackgroundProcessStatus(State state, int completedCount, int pendingCount, List<String> errors) {
        this(state, completedCount, pendingCount, errors, 0, 0);
    }

    /**
     * The status of a campaign's changeset creation: UNPUBLISHED while it has unpublished jobs and was never started
     * ({@link Campaign#published()}: nothing is done before publishCampaign or publishChangesets); otherwise as
     * {@link #of} over the published jobs (the unpublished ones are neither pending nor finished: a campaign
     * published in part whose published jobs all completed is COMPLETED, with {@code unpublishedCount} the rest).
     */
    public static BackgroundProcessStatus ofCampaign(Campaign campaign, List<String> errors) {
        JobCounters counters = campaign.counters();
        int unpublished = campaign.unpublishedCount();
        if (!campaign.published() && unpublished > 0) {
            return new BackgroundProcessStatus(State.UNPUBLISHED, counters.completed(), 0, errors,
                    counters.cancelled(), unpublished);
        }
        return of(counters, unpublished, errors);
    }

    /**
     * The status of a process with these counters. A cancelled process that still has pending jobs (the cancel is
     * marking them) is PROCESSING; once none is pending, CANCELLED wins over ERRORED (the errors are still listed),
     * since the user stopped it.
     */
    public static BackgroundProcessStatus of(JobCounters counters, List<String> errors) {
        return of(counters, 0, errors);
    }

    private static BackgroundProcessStatus of(JobCounters counters, int unpublished, List<String> errors) {
        int pending = counters.pending() - unpublished;
        State state = pending > 0 ? State.PROCESSING
                : counters.cancelled() > 0 ? State.CANCELLED
                : counters.errored() > 0 ? State.ERRORED : State.COMPLETED;
        return new BackgroundProcessStatus(state, counters.completed(), pending, errors, counters.cancelled(),
                unpublished);
    }
}
