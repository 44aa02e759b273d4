package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Retry then Catch around a Task, Parallel or Map state: the first retrier whose ErrorEquals matches retries
 * while its MaxAttempts allow, after its backoff delay; then the first matching catcher continues at its Next
 * with {@code {"Error","Cause"}} placed by its ResultPath; otherwise the failure goes on up.
 */
final class RetryAndCatch {

    /** One attempt of the state. */
    @FunctionalInterface
    interface Attempt {
        StateExecutor.Step run(StateExecutor.Input in) throws StateFailure;
    }

    private final Threads threads;
    private final Random random;
    private final AtomicLong transitions;

    RetryAndCatch(Threads threads, Random random, AtomicLong transitions) {
        this.threads = threads;
        this.random = random;
        this.transitions = transitions;
    }

    StateExecutor.Step run(State.ErrorHandling handling, StateExecutor.Input in, Attempt attempt)
            throws StateFailure {
        List<State.Retrier> retriers = handling.retriers();
        int[] attempts = new int[retriers.size()];
        int retryCount = 0;
        while (true) {
            try {
                return attempt.run(in.retry(retryCount));
            } catch (StateFailure f) {
                int r = -1;
                for (int i = 0; i < retriers.size(); i++) {
                    if (matches(retriers.get(i).errorEquals(), f)) {
                        r = i;
                        break;
                    }
                }
                if (r >= 0 && attempts[r] < retriers.get(r).maxAttempts()) {
                    threads.sleep(delay(retriers.get(r), attempts[r]));
                    attempts[r]++;
                    retryCount++;
                    transitions.incrementAndGet();
                    continue;
                }
                for (State.Catcher c : handling.catchers()) {
                    if (matches(c.errorEquals(), f)) {
                        ObjectNode err = JsonPaths.MAPPER.createObjectNode();
                        err.put("Error", f.error);
                        err.put("Cause", f.cause);
                        JsonNode out = DataFlow.placeResult(c.resultPath(), in.raw(), err);
                        return new StateExecutor.Step(out, c.next());
                    }
                }
                throw f;
            }
        }
    }

    /**
     * Whether an error matches ErrorEquals: by name; {@code States.ALL} matches all but {@code States.Runtime} and
     * {@code States.DataLimitExceeded} (terminal, as in AWS); {@code States.TaskFailed} matches any error that is
     * not a {@code States.*} one; {@code States.HeartbeatTimeout} a missed heartbeat.
     */
    static boolean matches(List<String> errorEquals, StateFailure f) {
        if (f.error.equals("States.Runtime")) {
            return false;
        }
        for (String e : errorEquals) {
            if (e.equals(f.error)) {
                return true;
            }
            if (e.equals("States.ALL") && !f.error.equals("States.DataLimitExceeded")) {
                return true;
            }
            if (e.equals("States.TaskFailed") && !f.error.startsWith("States.")) {
                return true;
            }
            if (e.equals("States.HeartbeatTimeout") && f.heartbeat) {
                return true;
            }
        }
        return false;
    }

    /** The virtual delay before retry number {@code attempt + 1} of a retrier. */
    Duration delay(State.Retrier retrier, int attempt) {
        double delay = retrier.intervalSeconds() * Math.pow(retrier.backoffRate(), attempt);
        if (retrier.maxDelaySeconds() != null) {
            delay = Math.min(delay, retrier.maxDelaySeconds());
        }
        if (retrier.fullJitter()) {
            synchronized (random) {
                delay = random.nextDouble() * delay;
            }
        }
        return Duration.ofNanos((long) (delay * 1e9));
    }
}
