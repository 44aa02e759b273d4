package dev.campaigns.domain;

/**
 * The counters kept on a campaign plan or campaign item: every job moves from pending to exactly one of
 * completed or errored, in the same transaction that moves the job, so the counters always equal the records.
 */
public record JobCounters(int total, int completed, int errored) {
    public JobCounters {
        if (total < 0 || completed < 0 || errored < 0 || completed + errored > total) {
            throw new IllegalArgumentException("inconsistent counters " + total + "/" + completed + "/" + errored);
        }
    }

    public int pending() {
        return total - completed - errored;
    }
}
