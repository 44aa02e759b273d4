package dev.campaigns.domain;

/**
 * The counters kept on a campaign plan or campaign item: every job moves from pending to exactly one of
 * completed, errored or (a campaign's changeset jobs, by cancelCampaign) cancelled, in the same transaction that moves the job, so the counters always equal the records.
 */
public record JobCounters(int total, int completed, int errored, int cancelled) {
    public JobCounters {
        if (total < 0 || completed < 0 || errored < 0 || cancelled < 0 || completed + errored + cancelled > total) {
            throw new IllegalArgumentException("inconsistent counters " + total + "/" + completed + "/" + errored
                    + "/" + cancelled);
        }
    }

    /** Counters of a process nothing has cancelled (a plan's execution is never cancelled). */
    public JobCounters(int total, int completed, int errored) {
        this(total, completed, errored, 0);
    }

    public int pending() {
        return total - completed - errored - cancelled;
    }
}
