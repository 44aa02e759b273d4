package dev.campaigns.git;

/**
 * A failure the engine does not recognise: not a known network or remote condition, not a refusal of the request.
 * Most likely a bug, a corrupt cache or bundle, or a remote speaking the protocol wrongly. Neither transient nor
 * permanent ({@link Kind#UNEXPECTED}): the workflow retries it a little and records it, so it is seen rather than
 * retried as if the network were at fault. Its message is the original one, scrubbed of the token.
 */
public class UnexpectedGitException extends GitEngineException {
    private static final long serialVersionUID = 1L;

    public UnexpectedGitException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }

    @Override
    public Kind kind() {
        return Kind.UNEXPECTED;
    }
}
