package dev.campaigns.git;

/** No commit bundle is stored for the commit SHA a push asks for: the commit step never ran (or ran elsewhere). Permanent. */
public class BundleNotFoundException extends GitEngineException {
    private static final long serialVersionUID = 1L;

    public BundleNotFoundException(String message) {
        super(message);
    }

    public BundleNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
