package dev.campaigns.git;

/** The patch is unsafe: it touches a path outside the repository, under {@code .git}, or writes through a symbolic link. Permanent. */
public class PatchRejectedException extends GitEngineException {
    private static final long serialVersionUID = 1L;

    public PatchRejectedException(String message) {
        super(message);
    }

    public PatchRejectedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
