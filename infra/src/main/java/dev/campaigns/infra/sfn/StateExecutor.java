package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * Runs one type of state: the language's semantics for that type, with history, Lambda invocation and threads
 * reached through collaborators. {@link StateRunner} calls it between the state's entered and exited events
 * (inside Retry and Catch for Task, Parallel and Map).
 *
 * @param <S> the state type
 */
@FunctionalInterface
interface StateExecutor<S extends State> {

    /** The state's output and the state to go to ({@code null}: the machine ends). */
    record Step(JsonNode output, String next) {
    }

    /**
     * What one run of a state works on.
     *
     * @param entered    when the state was entered (wall clock, {@code $$.State.EnteredTime})
     * @param raw        the state's raw input
     * @param cursor     the line of control its events follow
     * @param retryCount retries so far ({@code $$.State.RetryCount})
     */
    record Input(Instant entered, JsonNode raw, Execution.Cursor cursor, int retryCount) {
        Input retry(int count) {
            return new Input(entered, raw, cursor, count);
        }
    }

    Step execute(S state, Input in) throws StateFailure;
}
