package dev.campaigns.git;

/** The patch is not a well-formed {@code git diff} (bad headers, truncated hunks, corrupt binary data). Permanent. */
public class MalformedPatchException extends GitEngineException {
    private static final long serialVersionUID = 1L;

    public MalformedPatchException(String message) {
        super(message);
    }

    public MalformedPatchException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
