package dev.campaigns.git;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.PackProtocolException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.internal.JGitText;

/**
 * Sorts remote failures (JGit's, the JDK's) into the engine's typed errors with one table, {@link #RULES}, read
 * top to bottom, the first matching rule deciding. A rule matches a type anywhere in the cause chain; messages
 * are read only where JGit gives no type: its texts for refused credentials and refused objects, the HTTP status
 * it writes into a {@link TransportException}'s message, and the error lines servers send. What no rule
 * recognises is {@link UnexpectedGitException}: neither retried as if the network were at fault nor taken for a
 * refusal. Every message is scrubbed of the token.
 */
final class RemoteErrors {
    private RemoteErrors() {}

    /** What a failure means, and the engine's exception for it. */
    enum Outcome {
        INVALID_REQUEST(InvalidRequestException::new),
        REPOSITORY_NOT_FOUND(dev.campaigns.git.RepositoryNotFoundException::new),
        REVISION_NOT_FOUND(RevisionNotFoundException::new),
        AUTHENTICATION_FAILED(AuthenticationFailedException::new),
        UNAVAILABLE(RemoteUnavailableException::new),
        UNEXPECTED(UnexpectedGitException::new);

        final BiFunction<String, Throwable, GitEngineException> exception;

        Outcome(BiFunction<String, Throwable, GitEngineException> exception) {
            this.exception = exception;
        }
    }

    /** One row of the table: a name (for tests and messages), what it matches, what it means. */
    record Rule(String name, Predicate<Throwable> matches, Outcome outcome) {}

    /** The HTTP status JGit's HTTP transport writes into a message ({@code "<url>: 503 Service Unavailable"}). */
    private static final Pattern HTTP_STATUS = Pattern.compile("(?:^|: )([1-5][0-9][0-9])(?: |$)");

    static final List<Rule> RULES = List.of(
            // the request itself cannot work
            type("unsupported transport", NotSupportedException.class, Outcome.INVALID_REQUEST),
            type("invalid URL", URISyntaxException.class, Outcome.INVALID_REQUEST),
            // the repository
            type("no remote repository", NoRemoteRepositoryException.class, Outcome.REPOSITORY_NOT_FOUND),
            type("invalid remote", InvalidRemoteException.class, Outcome.REPOSITORY_NOT_FOUND),
            type("repository not found", RepositoryNotFoundException.class, Outcome.REPOSITORY_NOT_FOUND),
            // credentials: JGit's HTTP transport gives no type, only its texts
            text("refused credentials", TransportException.class, Outcome.AUTHENTICATION_FAILED,
                    jgit(JGitText.get().notAuthorized), jgit(JGitText.get().authenticationNotSupported),
                    jgit(JGitText.get().noCredentialsProvider), jgit(JGitText.get().serviceNotPermitted)),
            // the objects asked for: JGit's types and texts, and the error lines of git and GitHub servers
            type("object missing after a fetch", MissingObjectException.class, Outcome.REVISION_NOT_FOUND),
            text("object refused by the server", TransportException.class, Outcome.REVISION_NOT_FOUND,
                    jgit(JGitText.get().wantNotValid), jgit(JGitText.get().remoteDoesNotHaveSpec),
                    literal("not our ref"), literal("unadvertised object")),
            text("repository refused by the server", TransportException.class, Outcome.REPOSITORY_NOT_FOUND,
                    literal("repository not found")),
            // HTTP statuses, which JGit writes into the message
            status("HTTP 401/403", Outcome.AUTHENTICATION_FAILED, s -> s == 401 || s == 403),
            status("HTTP 404/410", Outcome.REPOSITORY_NOT_FOUND, s -> s == 404 || s == 410),
            status("HTTP 408/429/5xx", Outcome.UNAVAILABLE, s -> s == 408 || s == 429 || s >= 500),
            // the network
            type("timeout", SocketTimeoutException.class, Outcome.UNAVAILABLE),
            type("HTTP timeout", HttpTimeoutException.class, Outcome.UNAVAILABLE),
            type("interrupted I/O", InterruptedIOException.class, Outcome.UNAVAILABLE),
            type("connection refused", ConnectException.class, Outcome.UNAVAILABLE),
            type("unknown host", UnknownHostException.class, Outcome.UNAVAILABLE),
            type("no route to host", NoRouteToHostException.class, Outcome.UNAVAILABLE),
            type("connection reset", SocketException.class, Outcome.UNAVAILABLE),
            type("connection closed", EOFException.class, Outcome.UNAVAILABLE),
            text("remote hung up", TransportException.class, Outcome.UNAVAILABLE,
                    jgit(JGitText.get().remoteHungUpUnexpectedly), jgit(JGitText.get().shortReadOfBlock)),
            // known, but not understood: a remote speaking the protocol wrongly
            type("protocol error", PackProtocolException.class, Outcome.UNEXPECTED));

    /** The engine's exception for {@code e}: {@code action} and the scrubbed URL and message, a scrubbed cause. */
    static GitEngineException translate(Throwable e, String action, String url, RemoteCredentials credentials) {
        if (e instanceof GitEngineException g) {
            return g;
        }
        String what = action + " " + Redaction.scrub(url, credentials) + ": " + Redaction.scrub(rootMessage(e), credentials);
        return classify(e).exception.apply(what, Redaction.copy(e, credentials));
    }

    /** The outcome of the first rule matching {@code e}; {@link Outcome#UNEXPECTED} when none does. */
    static Outcome classify(Throwable e) {
        Rule r = rule(e);
        return r == null ? Outcome.UNEXPECTED : r.outcome();
    }

    /** The first rule matching {@code e}, or null. */
    static Rule rule(Throwable e) {
        for (Rule r : RULES) {
            if (r.matches().test(e)) {
                return r;
            }
        }
        return null;
    }

    // ---- kinds of rules ------------------------------------------------------------------------------------

    private static Rule type(String name, Class<? extends Throwable> type, Outcome outcome) {
        return new Rule(name, e -> chain(e).stream().anyMatch(type::isInstance), outcome);
    }

    /** {@code type} anywhere in the chain with a message matching one of {@code texts}. */
    private static Rule text(String name, Class<? extends Throwable> type, Outcome outcome, Pattern... texts) {
        return new Rule(name, e -> chain(e).stream().anyMatch(t -> type.isInstance(t) && t.getMessage() != null
                && java.util.Arrays.stream(texts).anyMatch(p -> p.matcher(t.getMessage()).find())), outcome);
    }

    /** A {@link TransportException} in the chain whose message carries one of {@code statuses}. */
    private static Rule status(String name, Outcome outcome, IntPredicate statuses) {
        return new Rule(name, e -> chain(e).stream().anyMatch(t -> {
            if (!(t instanceof TransportException) || t.getMessage() == null) {
                return false;
            }
            Matcher m = HTTP_STATUS.matcher(t.getMessage());
            while (m.find()) {
                if (statuses.test(Integer.parseInt(m.group(1)))) {
                    return true;
                }
            }
            return false;
        }), outcome);
    }

    /** A JGit text ({@link java.text.MessageFormat} template) as a pattern: its placeholders match anything. */
    static Pattern jgit(String template) {
        String text = template.replace("''", "'");
        StringBuilder regex = new StringBuilder();
        for (String part : text.split("\\{\\d+\\}", -1)) {
            if (regex.length() > 0) {
                regex.append(".*?");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }

    private static Pattern literal(String text) {
        return Pattern.compile(Pattern.quote(text.toLowerCase(Locale.ROOT)), Pattern.CASE_INSENSITIVE);
    }

    /** {@code e} and its causes, at most 20 deep. */
    private static List<Throwable> chain(Throwable e) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable t = e; t != null && out.size() < 20 && !out.contains(t); t = t.getCause()) {
            out.add(t);
        }
        return out;
    }

    private static String rootMessage(Throwable e) {
        String m = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof java.io.IOException && t.getMessage() != null && (m == null || !m.contains(t.getMessage()))) {
                m = (m == null ? "" : m + ": ") + t.getMessage();
                break;
            }
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
