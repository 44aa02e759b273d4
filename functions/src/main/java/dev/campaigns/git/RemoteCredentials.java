package dev.campaigns.git;

/**
 * A code host access token for HTTPS remotes (sent as user {@code x-access-token}, which GitHub and most hosts
 * accept), or none.
 *
 * <p>The token must never reach a log, an exception message or a stored record: {@link #toString()} redacts
 * it, and the engine scrubs it out of every remote error it wraps.
 */
public record RemoteCredentials(String token) {

    /** No credentials: anonymous access (file:// remotes, public repositories). */
    public static RemoteCredentials none() {
        return new RemoteCredentials(null);
    }

    /** Whether there is a token to send. */
    public boolean present() {
        return token != null && !token.isEmpty();
    }

    @Override
    public String toString() {
        return present() ? "RemoteCredentials[token=***]" : "RemoteCredentials[none]";
    }
}
