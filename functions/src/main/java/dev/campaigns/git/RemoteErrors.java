package dev.campaigns.git;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Locale;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;

/**
 * Sorts JGit's remote failures into the engine's typed errors: permanent (repository, revision, credentials)
 * or transient (network, timeouts, 5xx, anything unrecognised on the wire — retrying a step is always safe,
 * and the workflow bounds the retries). Every message is scrubbed of the token.
 */
final class RemoteErrors {
    private RemoteErrors() {}

    static GitEngineException translate(Throwable e, String action, String url, RemoteCredentials credentials) {
        if (e instanceof GitEngineException g) {
            return g;
        }
        String all = messages(e).toLowerCase(Locale.ROOT);
        String what = action + " " + Redaction.scrub(url, credentials) + ": "
                + Redaction.scrub(rootMessage(e), credentials);
        Throwable cause = Redaction.copy(e, credentials);
        if (has(e, NotSupportedException.class) || all.contains("urisyntax")) {
            return new InvalidRequestException(what, cause);
        }
        if (all.contains("not authorized") || all.contains("authentication is required") || all.contains("auth fail")
                || all.contains("authentication not supported") || all.contains(" 401") || all.contains(" 403")
                || all.contains("permission denied") || all.contains("no credentialsprovider")) {
            return new AuthenticationFailedException(what, cause);
        }
        if (has(e, NoRemoteRepositoryException.class) || has(e, InvalidRemoteException.class)
                || all.contains("repository not found") || all.contains("not found: ") || all.contains("not a git repository")
                || all.contains(" 404")) {
            return new RepositoryNotFoundException(what, cause);
        }
        if (all.contains("not valid") || all.contains("not our ref") || all.contains("missing unknown")
                || all.contains("unadvertised object") || all.contains("remote does not have")
                || all.contains("couldn't find remote ref")) {
            return new RevisionNotFoundException(what, cause);
        }
        return new RemoteUnavailableException(what, cause);
    }

    /** Whether a failure is of the network kind (used only to pick a message). */
    static boolean isNetwork(Throwable e) {
        return has(e, ConnectException.class) || has(e, UnknownHostException.class) || has(e, NoRouteToHostException.class)
                || has(e, InterruptedIOException.class) || has(e, SocketException.class);
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 4000; t = t.getCause()) {
            b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" | ");
            if (t.getCause() == t) {
                break;
            }
        }
        return b.toString();
    }

    private static String rootMessage(Throwable e) {
        String m = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null && (m == null || !m.contains(t.getMessage()))) {
                m = (m == null ? "" : m + ": ") + t.getMessage();
                break;
            }
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
