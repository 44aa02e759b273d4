package dev.campaigns.git;

/**
 * Base of every failure the {@link GitEngine} reports.
 *
 * <p>The workflow (Step Functions retry policy) must tell failures worth retrying from those that never
 * heal: {@link #isTransient()} is {@code true} only for network trouble, timeouts and 5xx answers of the
 * remote. Everything else (a bad or unsafe patch, a missing revision or repository, a branch held by
 * someone else, refused credentials) is permanent: retrying the same step gives the same answer.
 *
 * <p>Messages never contain the access token: exceptions wrapping JGit errors carry a scrubbed copy of the
 * cause chain (see {@link Redaction}).
 */
public abstract class GitEngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected GitEngineException(String message) {
        super(message);
    }

    protected GitEngineException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code true} when the same request may succeed later (network, 5xx, timeout). */
    public abstract boolean isTransient();
}
