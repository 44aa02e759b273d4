package dev.campaigns.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.domain.ChangesetJobLifecycle.Event;
import dev.campaigns.domain.ChangesetJobLifecycle.Phase;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every state x every event of both job machines, against tables written out here (not read from the code): allowed
 * leads to the state listed, anything else is refused with a typed error naming the state and the event.
 */
class JobLifecycleTest {
    /** The expected changeset job table, one row per phase: event -> next phase; events not listed are refused. */
    private static final Map<Phase, Map<Event, Phase>> CHANGESET_JOB = new EnumMap<>(Map.of(
            Phase.PENDING, Map.of(Event.COMMIT, Phase.COMMITTED, Event.FAIL, Phase.ERRORED,
                    Event.CANCEL, Phase.CANCELLED),
            Phase.COMMITTED, Map.of(Event.COMMIT, Phase.COMMITTED, Event.PUSH, Phase.PUSHED,
                    Event.FAIL, Phase.ERRORED, Event.CANCEL, Phase.CANCELLED),
            Phase.PUSHED, Map.of(Event.PUSH, Phase.PUSHED, Event.OPEN_PULL_REQUEST, Phase.PULL_REQUEST_OPENED,
                    Event.FAIL, Phase.ERRORED, Event.CANCEL, Phase.CANCELLED),
            Phase.PULL_REQUEST_OPENED, Map.of(Event.OPEN_PULL_REQUEST, Phase.PULL_REQUEST_OPENED,
                    Event.RECORD_CHANGESET, Phase.COMPLETED, Event.FAIL, Phase.ERRORED,
                    Event.CANCEL, Phase.CANCELLED),
            Phase.COMPLETED, Map.of(),
            Phase.ERRORED, Map.of(Event.RETRY, Phase.PENDING),
            Phase.CANCELLED, Map.of(Event.RETRY, Phase.PENDING, Event.CANCEL, Phase.CANCELLED,
                    Event.RECORD_CHANGESET, Phase.COMPLETED)));

    private static final Map<JobState, Map<CampaignJobLifecycle.Event, JobState>> CAMPAIGN_JOB = new EnumMap<>(Map.of(
            JobState.PENDING, Map.of(CampaignJobLifecycle.Event.EXECUTE, JobState.COMPLETED,
                    CampaignJobLifecycle.Event.FAIL, JobState.ERRORED),
            JobState.COMPLETED, Map.of(),
            JobState.ERRORED, Map.of(),
            JobState.CANCELLED, Map.of()));

    static Stream<Arguments> changesetJobCells() {
        return Arrays.stream(Phase.values()).flatMap(p -> Arrays.stream(Event.values()).map(e -> Arguments.of(p, e)));
    }

    static Stream<Arguments> campaignJobCells() {
        return Arrays.stream(JobState.values())
                .flatMap(s -> Arrays.stream(CampaignJobLifecycle.Event.values()).map(e -> Arguments.of(s, e)));
    }

    @ParameterizedTest(name = "changeset job {0} on {1}")
    @MethodSource("changesetJobCells")
    void changesetJobTransition(Phase from, Event event) {
        Phase expected = CHANGESET_JOB.get(from).get(event);
        if (expected != null) {
            assertEquals(expected, ChangesetJobLifecycle.next(from, event));
            assertTrue(ChangesetJobLifecycle.transitions().allows(from, event));
        } else {
            Transitions.TransitionRefusedException refused = assertThrows(Transitions.TransitionRefusedException.class,
                    () -> ChangesetJobLifecycle.next(from, event));
            assertEquals(from, refused.from());
            assertEquals(event, refused.event());
            assertEquals("a changeset job in state " + from + " does not accept " + event, refused.getMessage());
        }
    }

    @ParameterizedTest(name = "campaign job {0} on {1}")
    @MethodSource("campaignJobCells")
    void campaignJobTransition(JobState from, CampaignJobLifecycle.Event event) {
        JobState expected = CAMPAIGN_JOB.get(from).get(event);
        if (expected != null) {
            assertEquals(expected, CampaignJobLifecycle.next(from, event));
        } else {
            Transitions.TransitionRefusedException refused = assertThrows(Transitions.TransitionRefusedException.class,
                    () -> CampaignJobLifecycle.next(from, event));
            assertEquals("campaign job", refused.machine());
        }
    }

    @Test
    void onlyACompletedChangesetJobAndAFinishedCampaignJobAreFinal() {
        for (Phase p : Phase.values()) {
            assertEquals(p == Phase.COMPLETED, ChangesetJobLifecycle.transitions().isFinal(p), p.name());
        }
        for (JobState s : JobState.values()) {
            assertEquals(s.terminal(), CampaignJobLifecycle.transitions().isFinal(s), s.name());
        }
    }

    @Test
    void aJobsPhaseIsTheLastStepItRecords_andARetriedJobResumesThere() {
        ChangesetJob pending = job(JobState.PENDING, null, false, 0);
        assertEquals(Phase.PENDING, ChangesetJobLifecycle.phase(pending));
        assertEquals(Phase.COMMITTED, ChangesetJobLifecycle.phase(job(JobState.PENDING, "abc", false, 0)));
        assertEquals(Phase.PUSHED, ChangesetJobLifecycle.phase(job(JobState.PENDING, "abc", true, 0)));
        assertEquals(Phase.PULL_REQUEST_OPENED, ChangesetJobLifecycle.phase(job(JobState.PENDING, "abc", true, 7)));
        assertEquals(Phase.ERRORED, ChangesetJobLifecycle.phase(job(JobState.ERRORED, "abc", true, 7)));
        assertEquals(Phase.COMPLETED, ChangesetJobLifecycle.phase(job(JobState.COMPLETED, "abc", true, 7)));
        assertEquals(Phase.CANCELLED, ChangesetJobLifecycle.phase(job(JobState.CANCELLED, "abc", true, 0)));

        Transitions.TransitionRefusedException early = assertThrows(Transitions.TransitionRefusedException.class,
                () -> ChangesetJobLifecycle.require(job(JobState.PENDING, "abc", false, 0), Event.OPEN_PULL_REQUEST));
        assertEquals("a changeset job 00001 in state COMMITTED does not accept OPEN_PULL_REQUEST", early.getMessage());
        assertEquals(Phase.PUSHED, ChangesetJobLifecycle.require(job(JobState.PENDING, "abc", false, 0), Event.PUSH));
    }

    @Test
    void aCancelledProcessSaysSoOnceNothingIsPending_andWinsOverErrors() {
        assertEquals(BackgroundProcessStatus.State.PROCESSING,
                BackgroundProcessStatus.of(new JobCounters(10, 2, 1, 3), java.util.List.of()).state());
        BackgroundProcessStatus cancelled = BackgroundProcessStatus.of(new JobCounters(10, 4, 1, 5),
                java.util.List.of("o/r: boom"));
        assertEquals(BackgroundProcessStatus.State.CANCELLED, cancelled.state());
        assertEquals(5, cancelled.cancelledCount());
        assertEquals(4, cancelled.completedCount());
        assertEquals(java.util.List.of("o/r: boom"), cancelled.errors());
        assertEquals(BackgroundProcessStatus.State.ERRORED,
                BackgroundProcessStatus.of(new JobCounters(10, 9, 1), java.util.List.of()).state());
        assertEquals(BackgroundProcessStatus.State.COMPLETED,
                BackgroundProcessStatus.of(new JobCounters(10, 10, 0, 0), java.util.List.of()).state());
        assertThrows(IllegalArgumentException.class, () -> new JobCounters(10, 5, 3, 3));
    }

    @Test
    void onlyTheLatestExecutionMayEndPendingJobs() {
        assertTrue(ChangesetJobLifecycle.mayEnd(2, 2));
        assertFalse(ChangesetJobLifecycle.mayEnd(3, 2), "a stale finish step of execution 2 after retry 3");
        assertTrue(ChangesetJobLifecycle.mayEnd(3, null), "an execution from before numbering");
    }

    @Test
    void aTableListsEachCellOnce() {
        Transitions.Builder<Phase, Event> builder = Transitions.of("t", Phase.class, Event.class)
                .allow(Phase.PENDING, Event.COMMIT, Phase.COMMITTED);
        assertThrows(IllegalArgumentException.class, () -> builder.allow(Phase.PENDING, Event.COMMIT, Phase.PUSHED));
    }

    private static ChangesetJob job(JobState state, String commit, boolean pushed, long pullRequest) {
        return new ChangesetJob("c", "00001", "o/r", "main", state, commit, pushed, pullRequest, null, null, null, 1);
    }
}
