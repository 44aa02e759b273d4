package dev.campaigns.domain;

/**
 * The life of a {@link ChangesetJob}: PENDING, then committed, pushed, pull request opened, and COMPLETED (its
 * changeset recorded; frozen) or ERRORED. Each workflow step is an event; a step run twice is the same event again and
 * leaves the phase where it is (the steps are idempotent). A retry of the campaign resumes an ERRORED job where its
 * work stopped: the job is PENDING again and keeps its commit, push and pull request, so its {@link #phase} is the
 * last one reached. A stale execution (not the campaign's latest) may not end a job: see {@link #mayEnd}.
 * {@code cancelCampaign} ends every unfinished job CANCELLED (it too keeps its steps); a retry resumes it; a job caught
 * mid pull request whose pull request turns out opened is recorded as a changeset from CANCELLED (COMPLETED).
 */
public final class ChangesetJobLifecycle {
    /** Where a changeset job is. */
    public enum Phase { PENDING, COMMITTED, PUSHED, PULL_REQUEST_OPENED, COMPLETED, ERRORED, CANCELLED }

    /** What happens to a changeset job. */
    public enum Event {
        /** The bot commit was made (or found made). */
        COMMIT,
        /** The campaign's branch holds the commit. */
        PUSH,
        /** The pull request was opened (or found open). */
        OPEN_PULL_REQUEST,
        /**
         * The pull request was recorded as the campaign's changeset: the job is done. Also from CANCELLED: a job the
         * cancel caught mid pull request, whose pull request was opened around the cancel (service/InFlightPullRequests).
         */
        RECORD_CHANGESET,
        /** A step failed for good, or the execution ended without the job. */
        FAIL,
        /** {@code retryCampaign}: an errored or cancelled job is worked on again by the next execution. */
        RETRY,
        /** {@code cancelCampaign}: a job not finished yet ends CANCELLED, keeping the steps it reached. */
        CANCEL
    }

    private static final Transitions<Phase, Event> TABLE = Transitions.of("changeset job", Phase.class, Event.class)
            .allow(Phase.PENDING, Event.COMMIT, Phase.COMMITTED)
            .allow(Phase.PENDING, Event.FAIL, Phase.ERRORED)
            .allow(Phase.COMMITTED, Event.COMMIT, Phase.COMMITTED)
            .allow(Phase.COMMITTED, Event.PUSH, Phase.PUSHED)
            .allow(Phase.COMMITTED, Event.FAIL, Phase.ERRORED)
            .allow(Phase.PUSHED, Event.PUSH, Phase.PUSHED)
            .allow(Phase.PUSHED, Event.OPEN_PULL_REQUEST, Phase.PULL_REQUEST_OPENED)
            .allow(Phase.PUSHED, Event.FAIL, Phase.ERRORED)
            .allow(Phase.PULL_REQUEST_OPENED, Event.OPEN_PULL_REQUEST, Phase.PULL_REQUEST_OPENED)
            .allow(Phase.PULL_REQUEST_OPENED, Event.RECORD_CHANGESET, Phase.COMPLETED)
            .allow(Phase.PULL_REQUEST_OPENED, Event.FAIL, Phase.ERRORED)
            .allow(Phase.ERRORED, Event.RETRY, Phase.PENDING)
            .allow(Phase.PENDING, Event.CANCEL, Phase.CANCELLED)
            .allow(Phase.COMMITTED, Event.CANCEL, Phase.CANCELLED)
            .allow(Phase.PUSHED, Event.CANCEL, Phase.CANCELLED)
            .allow(Phase.PULL_REQUEST_OPENED, Event.CANCEL, Phase.CANCELLED)
            .allow(Phase.CANCELLED, Event.CANCEL, Phase.CANCELLED)
            .allow(Phase.CANCELLED, Event.RETRY, Phase.PENDING)
            .allow(Phase.CANCELLED, Event.RECORD_CHANGESET, Phase.COMPLETED)
            .build();

    private ChangesetJobLifecycle() {
    }

    public static Transitions<Phase, Event> transitions() {
        return TABLE;
    }

    /** The phase {@code event} leads to from {@code from}; a refused event throws a TransitionRefusedException. */
    public static Phase next(Phase from, Event event) {
        return TABLE.next(from, event);
    }

    /** The phase a job's record is in: its state, and while PENDING, the last step it records. */
    public static Phase phase(ChangesetJob job) {
        return switch (job.state()) {
            case COMPLETED -> Phase.COMPLETED;
            case ERRORED -> Phase.ERRORED;
            case CANCELLED -> Phase.CANCELLED;
            case PENDING -> job.pullRequest() > 0 ? Phase.PULL_REQUEST_OPENED
                    : job.pushed() ? Phase.PUSHED
                    : job.commitSha() != null ? Phase.COMMITTED
                    : Phase.PENDING;
        };
    }

    /**
     * Checks that {@code job} accepts {@code event} and returns the phase it leads to.
     *
     * @throws Transitions.TransitionRefusedException naming the job's phase and the event
     */
    public static Phase require(ChangesetJob job, Event event) {
        try {
            return next(phase(job), event);
        } catch (Transitions.TransitionRefusedException refused) {
            throw new Transitions.TransitionRefusedException("changeset job " + job.jobId(), refused.from(),
                    refused.event());
        }
    }

    /**
     * Whether execution number {@code execution} may end (fail) the campaign's still-pending jobs, when the campaign
     * has had {@code latest} executions: only the latest may; null is an execution from before executions were
     * numbered, which may.
     */
    public static boolean mayEnd(int latest, Integer execution) {
        return execution == null || execution >= latest;
    }
}
