package dev.campaigns.infra.sfn;

/**
 * An error raised while running a state, named as the States Language names errors ({@code States.Timeout},
 * a function's {@code errorType}, ...). Retry and Catch match on {@link #error}.
 */
final class StateFailure extends Exception {
    final String error;
    final String cause;
    /** A States.Timeout raised because HeartbeatSeconds elapsed: it also matches States.HeartbeatTimeout. */
    final boolean heartbeat;

    StateFailure(String error, String cause) {
        this(error, cause, false);
    }

    StateFailure(String error, String cause, boolean heartbeat) {
        super(error + ": " + cause, null, false, false);
        this.error = error;
        this.cause = cause;
        this.heartbeat = heartbeat;
    }

    static StateFailure runtime(String cause) {
        return new StateFailure("States.Runtime", cause);
    }
}
