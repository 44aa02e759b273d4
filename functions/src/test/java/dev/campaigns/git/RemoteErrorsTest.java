package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.text.MessageFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.PackProtocolException;
import org.eclipse.jgit.errors.RemoteRepositoryException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.internal.JGitText;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The failure table, row by row: JGit's and the JDK's exceptions as they arrive, and what each one means. */
class RemoteErrorsTest {
    static final URIish URI = uri("https://git.example.invalid/o/r.git");
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    static URIish uri(String s) {
        try {
            return new URIish(s);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Arguments row(Throwable e, Class<? extends GitEngineException> expected) {
        return Arguments.of(e.getClass().getSimpleName() + ": " + e.getMessage(), e, expected);
    }

    static Stream<Arguments> table() throws Exception {
        return Stream.of(
                // the request
                row(new NotSupportedException("URI not supported: ssh://x"), InvalidRequestException.class),
                row(new URISyntaxException("::", "bad"), InvalidRequestException.class),
                // the repository
                row(new NoRemoteRepositoryException(URI, "https://git.example.invalid/o/r.git/info/refs not found"), RepositoryNotFoundException.class),
                row(new InvalidRemoteException("Invalid remote: origin"), RepositoryNotFoundException.class),
                row(new org.eclipse.jgit.api.errors.TransportException("x", new NoRemoteRepositoryException(URI, "not found")),
                        RepositoryNotFoundException.class),
                row(new RemoteRepositoryException(URI, "Repository not found."), RepositoryNotFoundException.class),
                row(new TransportException(URI, "404 Not Found"), RepositoryNotFoundException.class),
                row(new TransportException(URI, "410 Gone"), RepositoryNotFoundException.class),
                // credentials (JGit's texts; the statuses in messages)
                row(new TransportException(URI, JGitText.get().notAuthorized), AuthenticationFailedException.class),
                row(new TransportException(URI, JGitText.get().noCredentialsProvider), AuthenticationFailedException.class),
                row(new TransportException(URI, MessageFormat.format(JGitText.get().authenticationNotSupported, URI)),
                        AuthenticationFailedException.class),
                row(new TransportException(URI, MessageFormat.format(JGitText.get().serviceNotPermitted, "https://h/r.git/", "git-receive-pack")),
                        AuthenticationFailedException.class),
                row(new org.eclipse.jgit.api.errors.TransportException(URI + ": " + JGitText.get().notAuthorized,
                        new TransportException(URI, JGitText.get().notAuthorized)), AuthenticationFailedException.class),
                row(new TransportException(URI, "401 Unauthorized"), AuthenticationFailedException.class),
                row(new TransportException(URI, "403 Forbidden"), AuthenticationFailedException.class),
                // the objects asked for
                row(new PackProtocolException(URI, MessageFormat.format(JGitText.get().wantNotValid, SHA)), RevisionNotFoundException.class),
                row(new RemoteRepositoryException(URI, "upload-pack: not our ref " + SHA), RevisionNotFoundException.class),
                row(new TransportException(URI, "Server does not allow request for unadvertised object " + SHA), RevisionNotFoundException.class),
                row(new TransportException(MessageFormat.format(JGitText.get().remoteDoesNotHaveSpec, SHA)), RevisionNotFoundException.class),
                row(new TransportException("Missing unknown " + SHA,
                        new MissingObjectException(ObjectId.fromString(SHA), Constants.OBJ_COMMIT)), RevisionNotFoundException.class),
                // the remote's side, the network
                row(new TransportException(URI, "503 Service Unavailable"), RemoteUnavailableException.class),
                row(new TransportException(URI, "502 Bad Gateway"), RemoteUnavailableException.class),
                row(new TransportException(URI, "429 Too Many Requests"), RemoteUnavailableException.class),
                row(new TransportException(URI, "408 Request Timeout"), RemoteUnavailableException.class),
                row(new TransportException(URI, JGitText.get().connectionFailed, new SocketException("Connection reset")),
                        RemoteUnavailableException.class),
                row(new TransportException(URI, MessageFormat.format(JGitText.get().connectionTimeOut, "h"),
                        new SocketTimeoutException("Read timed out")), RemoteUnavailableException.class),
                row(new ConnectException("Connection refused"), RemoteUnavailableException.class),
                row(new UnknownHostException("git.example.invalid"), RemoteUnavailableException.class),
                row(new HttpConnectTimeoutException("HTTP connect timed out"), RemoteUnavailableException.class),
                row(new EOFException("the server closed the connection"), RemoteUnavailableException.class),
                row(new TransportException(URI, JGitText.get().remoteHungUpUnexpectedly), RemoteUnavailableException.class),
                row(new UncheckedIOException(new ConnectException("Connection refused")), RemoteUnavailableException.class),
                // not recognised: unexpected, not retried as if the network were at fault
                row(new PackProtocolException(URI, MessageFormat.format(JGitText.get().invalidAdvertisementOf, "x")), UnexpectedGitException.class),
                row(new TransportException(URI, "400 Bad Request"), UnexpectedGitException.class),
                row(new TransportException(URI, "something new"), UnexpectedGitException.class),
                row(new IOException("bad side-band channel 7"), UnexpectedGitException.class),
                row(new IllegalStateException("corrupt commit bundle (bad header)"), UnexpectedGitException.class),
                row(new NullPointerException(), UnexpectedGitException.class),
                row(new UncheckedIOException(new IOException("No space left on device")), UnexpectedGitException.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void eachRow(String name, Throwable e, Class<? extends GitEngineException> expected) {
        GitEngineException g = RemoteErrors.translate(e, "cannot fetch from", "https://git.example.invalid/o/r.git", RemoteCredentials.none());
        assertEquals(expected, g.getClass(), name + " (rule: " + (RemoteErrors.rule(e) == null ? "none" : RemoteErrors.rule(e).name()) + ")");
        assertTrue(g.getMessage().startsWith("cannot fetch from https://git.example.invalid/o/r.git: "), g.getMessage());
    }

    @Test
    void kindsOfTheOutcomes() {
        assertEquals(GitEngineException.Kind.TRANSIENT, RemoteErrors.Outcome.UNAVAILABLE.exception.apply("m", null).kind());
        assertTrue(RemoteErrors.Outcome.UNAVAILABLE.exception.apply("m", null).isTransient());
        GitEngineException unexpected = RemoteErrors.Outcome.UNEXPECTED.exception.apply("m", null);
        assertEquals(GitEngineException.Kind.UNEXPECTED, unexpected.kind());
        assertFalse(unexpected.isTransient());
        for (RemoteErrors.Outcome o : List.of(RemoteErrors.Outcome.INVALID_REQUEST, RemoteErrors.Outcome.REPOSITORY_NOT_FOUND,
                RemoteErrors.Outcome.REVISION_NOT_FOUND, RemoteErrors.Outcome.AUTHENTICATION_FAILED)) {
            assertEquals(GitEngineException.Kind.PERMANENT, o.exception.apply("m", null).kind(), o.name());
        }
    }

    @Test
    void engineErrorsPassAndRuleNamesAreUnique() {
        GitEngineException own = new BranchConflictException("b", SHA, SHA);
        assertSame(own, RemoteErrors.translate(own, "x", "u", RemoteCredentials.none()));
        Set<String> names = new HashSet<>();
        RemoteErrors.RULES.forEach(r -> assertTrue(names.add(r.name()), "duplicate rule " + r.name()));
    }

    @Test
    void messagesAndCausesAreScrubbed() {
        String token = "ghs_SecretToken123";
        RemoteCredentials c = new RemoteCredentials(token);
        GitEngineException g = RemoteErrors.translate(new TransportException("https://x-access-token:" + token + "@h/r.git: 503 Service Unavailable"),
                "cannot fetch from", "https://h/r.git", c);
        assertEquals(RemoteUnavailableException.class, g.getClass());
        for (Throwable t = g; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(token), t.getMessage());
        }
    }

    @Test
    void jgitTextsBecomePatterns() {
        assertTrue(RemoteErrors.jgit(JGitText.get().serviceNotPermitted).matcher("https://h/r.git/: git-receive-pack not permitted on 'https://h/r.git/'").find());
        assertTrue(RemoteErrors.jgit(JGitText.get().wantNotValid).matcher("want " + SHA + " not valid").find());
        assertFalse(RemoteErrors.jgit(JGitText.get().wantNotValid).matcher("want it").find());
    }
}
