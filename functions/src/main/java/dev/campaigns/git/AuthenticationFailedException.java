package dev.campaigns.git;

/** The remote refused the credentials, or needs some and none were given. Permanent. */
public class AuthenticationFailedException extends GitEngineException {
    private static final long serialVersionUID = 1L;

    public AuthenticationFailedException(String message) {
        super(message);
    }

    public AuthenticationFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
