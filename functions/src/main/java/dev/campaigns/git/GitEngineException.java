package dev.campaigns.git;

/**
 * Base of every failure the {@link GitEngine} reports.
 *
 * <p>The workflow (Step Functions retry policy) must tell failures worth retrying from those that never
 * heal, and both from those nobody foresaw: {@link #kind()}.
 * <ul>
 *   <li>{@link Kind#TRANSIENT}: network trouble, timeouts, 5xx and 429 answers of the remote; the same request
 *       may succeed later.</li>
 *   <li>{@link Kind#PERMANENT}: a bad or unsafe patch, a missing revision or repository, a branch held by someone
 *       else, refused credentials; retrying the same step gives the same answer.</li>
 *   <li>{@link Kind#UNEXPECTED}: a failure the engine does not recognise ({@link UnexpectedGitException}: most
 *       likely a bug, or a remote speaking the protocol wrongly); retried a little, then recorded.</li>
 * </ul>
 *
 * <p>Messages never contain the access token: exceptions wrapping JGit errors carry a scrubbed copy of the
 * cause chain (see {@link Redaction}).
 */
public abstract class GitEngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What retrying the same request can do. */
    public enum Kind { TRANSIENT, PERMANENT, UNEXPECTED }

    protected GitEngineException(String message) {
        super(message);
    }

    protected GitEngineException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code true} when the same request may succeed later (network, 5xx, timeout). */
    public abstract boolean isTransient();

    /** Transient, permanent, or unexpected (see the class comment). */
    public Kind kind() {
        return isTransient() ? Kind.TRANSIENT : Kind.PERMANENT;
    }
}
