package dev.campaigns.git;

/** The patch or one of its results is above a limit of {@link GitEngineConfig}. Permanent. */
public class PatchTooLargeException extends GitEngineException {
    private static final long serialVersionUID = 1L;

    public PatchTooLargeException(String message) {
        super(message);
    }

    public PatchTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
