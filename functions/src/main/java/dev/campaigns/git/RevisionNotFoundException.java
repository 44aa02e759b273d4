package dev.campaigns.git;

/** The base revision does not exist in the remote (or may not be fetched by id). Permanent. */
public class RevisionNotFoundException extends GitEngineException {
    private static final long serialVersionUID = 1L;

    public RevisionNotFoundException(String message) {
        super(message);
    }

    public RevisionNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
