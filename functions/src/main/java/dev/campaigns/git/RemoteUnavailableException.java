package dev.campaigns.git;

/** The remote could not be reached or failed on its side (network error, timeout, 5xx). Transient: retry. */
public class RemoteUnavailableException extends GitEngineException {
    private static final long serialVersionUID = 1L;

    public RemoteUnavailableException(String message) {
        super(message);
    }

    public RemoteUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
