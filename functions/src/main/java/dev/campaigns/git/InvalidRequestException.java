package dev.campaigns.git;

/** A request field is invalid (URL with embedded credentials, bad branch name, empty message, ...). Permanent. */
public class InvalidRequestException extends GitEngineException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
