package dev.campaigns.git;

/** The patch changes nothing (empty diff, or a diff whose result equals the base tree). Permanent. */
public class NothingToCommitException extends GitEngineException {
    private static final long serialVersionUID = 1L;

    public NothingToCommitException(String message) {
        super(message);
    }

    public NothingToCommitException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
