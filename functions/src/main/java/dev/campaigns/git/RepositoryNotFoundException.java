package dev.campaigns.git;

/** The remote repository does not exist (or is hidden from these credentials). Permanent. */
public class RepositoryNotFoundException extends GitEngineException {
    private static final long serialVersionUID = 1L;

    public RepositoryNotFoundException(String message) {
        super(message);
    }

    public RepositoryNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
