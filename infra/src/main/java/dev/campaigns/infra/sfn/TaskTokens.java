package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Task tokens of {@code .waitForTaskToken} tasks: issued when the task starts, completed by SendTaskSuccess /
 * SendTaskFailure, kept alive by SendTaskHeartbeat. Tokens are secrets: they never appear in exception messages.
 */
final class TaskTokens {

    private static final String PREFIX = "AQB";
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Waiter> open = new ConcurrentHashMap<>();
    private final Set<String> closed = ConcurrentHashMap.newKeySet();

    /** One pending callback. */
    static final class Waiter {
        private JsonNode output;
        private String error;
        private String cause;
        private boolean done;
        private long lastBeatNanos = System.nanoTime();

        synchronized void succeed(JsonNode out) {
            if (!done) {
                output = out;
                done = true;
                notifyAll();
            }
        }

        synchronized void fail(String err, String cse) {
            if (!done) {
                error = err;
                cause = cse;
                done = true;
                notifyAll();
            }
        }

        synchronized void beat() {
            lastBeatNanos = System.nanoTime();
            notifyAll();
        }

        /**
         * Waits for the outcome.
         *
         * @return the output
         * @throws StateFailure the failure sent, or States.Timeout when the timeout or heartbeat elapses
         */
        synchronized JsonNode await(long timeoutRealNanos, long heartbeatRealNanos) throws StateFailure,
                InterruptedException {
            long deadline = System.nanoTime() + Math.min(timeoutRealNanos, Long.MAX_VALUE / 4);
            while (!done) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    throw new StateFailure("States.Timeout", "The task did not complete within its TimeoutSeconds");
                }
                long wait = deadline - now;
                if (heartbeatRealNanos > 0) {
                    long hbDeadline = lastBeatNanos + heartbeatRealNanos;
                    if (now - hbDeadline >= 0) {
                        throw new StateFailure("States.Timeout", "The task did not send a heartbeat within its "
                                + "HeartbeatSeconds", true);
                    }
                    wait = Math.min(wait, hbDeadline - now);
                }
                long ms = Math.max(1, wait / 1_000_000L);
                wait(ms);
            }
            if (error != null || output == null) {
                throw new StateFailure(error == null ? "" : error, cause == null ? "" : cause);
            }
            return output;
        }
    }

    String issue(Waiter waiter) {
        byte[] bytes = new byte[96];
        random.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        open.put(token, waiter);
        return token;
    }

    void close(String token) {
        if (token != null && open.remove(token) != null) {
            closed.add(token);
        }
    }

    /**
     * @throws StepFunctionsException InvalidToken for a malformed token, TaskTimedOut for one whose task has
     *                                ended, TaskDoesNotExist for an unknown one
     */
    Waiter find(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() < 10 || token.length() > 2048) {
            throw new StepFunctionsException(StepFunctionsException.Code.InvalidToken, "Invalid token");
        }
        Waiter w = open.get(token);
        if (w != null) {
            return w;
        }
        if (closed.contains(token)) {
            throw new StepFunctionsException(StepFunctionsException.Code.TaskTimedOut,
                    "Task Timed Out: 'Provided task does not exist anymore'");
        }
        throw new StepFunctionsException(StepFunctionsException.Code.TaskDoesNotExist, "Task does not exist");
    }
}
