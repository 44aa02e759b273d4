package dev.campaigns.domain;

/**
 * The life of a {@link CampaignJob} (one job of a plan): PENDING until its patch was tried against its repository,
 * then COMPLETED (with its diff stat) or ERRORED (with why); both are final. A step run twice finds the job final and
 * changes nothing.
 */
public final class CampaignJobLifecycle {
    /** What happens to a plan's job. */
    public enum Event {
        /** The patch applied: the job records its diff stat. */
        EXECUTE,
        /** The patch could not be applied, or the plan's execution ended without the job. */
        FAIL
    }

    private static final Transitions<JobState, Event> TABLE = Transitions.of("campaign job", JobState.class,
                    Event.class)
            .allow(JobState.PENDING, Event.EXECUTE, JobState.COMPLETED)
            .allow(JobState.PENDING, Event.FAIL, JobState.ERRORED)
            .build();

    private CampaignJobLifecycle() {
    }

    public static Transitions<JobState, Event> transitions() {
        return TABLE;
    }

    public static JobState next(JobState from, Event event) {
        return TABLE.next(from, event);
    }
}
