package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * The push rule and what each outcome means, on scripted transports (no git, no network): create-only, the next
 * transport when one cannot send, refusals and failures looked into, permanent failures thrown as they are.
 */
class BranchPushTest {
    static final ObjectId BASE = ObjectId.fromString("1111111111111111111111111111111111111111");
    static final ObjectId COMMIT = ObjectId.fromString("2222222222222222222222222222222222222222");
    static final ObjectId OTHER = ObjectId.fromString("3333333333333333333333333333333333333333");
    static final String REF = "refs/heads/campaign/x";
    static final String TOKEN = "ghs_Secret_987";
    static final PushRequest REQUEST = new PushRequest("https://h.example.invalid/o/r.git", new RemoteCredentials(TOKEN), "campaign/x", COMMIT.name());
    static final CommitBundle BUNDLE = CommitBundle.read(CommitBundle.write(BASE, COMMIT, Map.of(), 1, new ParallelWork(Runnable::run, 1)));

    /** A transport playing a script: what it advertises, whether it can send, and what sending does. */
    static final class Scripted implements PushTransport {
        final String name;
        final ObjectId advertised;
        final boolean canSend;
        final Object onCreate; // a PackPush.Report, or an exception to throw
        final List<String> log;

        Scripted(String name, ObjectId advertised, boolean canSend, Object onCreate, List<String> log) {
            this.name = name;
            this.advertised = advertised;
            this.canSend = canSend;
            this.onCreate = onCreate;
            this.log = log;
        }

        @Override
        public Session open(PushRequest request, CommitBundle bundle) {
            log.add(name + " open");
            return new Session() {
                @Override
                public ObjectId advertised(String ref) {
                    return REF.equals(ref) ? advertised : null;
                }

                @Override
                public boolean canSend() {
                    return canSend;
                }

                @Override
                public PackPush.Report create(String ref, ObjectId old) throws IOException {
                    log.add(name + " create " + ref + (old.equals(ObjectId.zeroId()) ? "" : " from " + old.name()));
                    if (onCreate instanceof IOException e) {
                        throw e;
                    }
                    if (onCreate instanceof RuntimeException e) {
                        throw e;
                    }
                    return (PackPush.Report) onCreate;
                }

                @Override
                public void close() {
                    log.add(name + " close");
                }
            };
        }
    }

    static final PackPush.Report OK = new PackPush.Report("ok", true, null, "");
    static final PackPush.Report NG = new PackPush.Report("ok", false, "hook declined " + TOKEN, "");

    final List<String> log = new ArrayList<>();
    final List<Long> pauses = new ArrayList<>();
    /** An ls-remote answer "absent" (a deque cannot hold null). */
    static final Object ABSENT = new Object();
    /** What each ls-remote of the branch answers, in order (the last one repeats). */
    final Deque<Object> lookups = new ArrayDeque<>();

    BranchPush push(PushTransport... transports) {
        return new BranchPush(Arrays.asList(transports), (r, ref) -> {
            log.add("ls-remote");
            Object next = lookups.size() > 1 ? lookups.poll() : lookups.peek();
            if (next instanceof GitEngineException g) {
                throw g;
            }
            return next == ABSENT ? null : (ObjectId) next;
        }, pauses::add);
    }

    Scripted transport(String name, ObjectId advertised, boolean canSend, Object onCreate) {
        return new Scripted(name, advertised, canSend, onCreate, log);
    }

    @Test
    void createsAnAbsentBranch() {
        assertEquals(new PushResult("campaign/x", COMMIT.name(), true), push(transport("pack", null, true, OK)).push(REQUEST, REF, BUNDLE));
        assertEquals(List.of("pack open", "pack create " + REF, "pack close"), log);
    }

    @Test
    void aBranchAtTheCommitIsDoneAndAtAnotherIsAConflictNothingSent() {
        assertFalse(push(transport("pack", COMMIT, true, OK)).push(REQUEST, REF, BUNDLE).pushed());
        BranchConflictException e = assertThrows(BranchConflictException.class,
                () -> push(transport("pack", OTHER, true, OK)).push(REQUEST, REF, BUNDLE));
        assertEquals(OTHER.name(), e.remoteSha());
        assertFalse(log.stream().anyMatch(l -> l.contains("create")), log.toString());
    }

    @Test
    void aLeaseSendsTheExpectedOldValueAndIsAConflictAnywhereElse() {
        PushRequest lease = REQUEST.withExpectedOld(BASE.name());
        assertTrue(push(transport("pack", BASE, true, OK)).push(lease, REF, BUNDLE).pushed());
        assertEquals(List.of("pack open", "pack create " + REF + " from " + BASE.name(), "pack close"), log);
        log.clear();
        assertFalse(push(transport("pack", COMMIT, true, OK)).push(lease, REF, BUNDLE).pushed(), "already moved: done");
        BranchConflictException moved = assertThrows(BranchConflictException.class,
                () -> push(transport("pack", OTHER, true, OK)).push(lease, REF, BUNDLE));
        assertTrue(moved.getMessage().contains(OTHER.name()) && moved.getMessage().contains(BASE.name())
                && moved.getMessage().contains(COMMIT.name()), moved.getMessage());
        assertThrows(BranchConflictException.class, () -> push(transport("pack", null, true, OK)).push(lease, REF, BUNDLE),
                "a lease never recreates a deleted branch");
        assertFalse(log.stream().anyMatch(l -> l.contains("create")), log.toString());
        // refused by the server (the branch moved between the advertisement and the command): looked into
        lookups.add(OTHER);
        BranchConflictException raced = assertThrows(BranchConflictException.class,
                () -> push(transport("pack", BASE, true, NG)).push(lease, REF, BUNDLE));
        assertEquals(OTHER.name(), raced.remoteSha());
    }

    @Test
    void theNextTransportWhenOneCannotSend() {
        PushResult r = push(transport("pack", null, false, OK), transport("jgit", null, true, OK)).push(REQUEST, REF, BUNDLE);
        assertTrue(r.pushed());
        assertEquals(List.of("pack open", "pack close", "jgit open", "jgit create " + REF, "jgit close"), log);
        // the second transport applies the rule too: the branch appeared in between
        assertThrows(BranchConflictException.class,
                () -> push(transport("pack", null, false, OK), transport("jgit", OTHER, true, OK)).push(REQUEST, REF, BUNDLE));
        assertThrows(UnexpectedGitException.class, () -> push(transport("pack", null, false, OK)).push(REQUEST, REF, BUNDLE));
    }

    @Test
    void aRefusalIsLookedInto() {
        lookups.add(COMMIT); // a concurrent retry of this job created it
        assertEquals(new PushResult("campaign/x", COMMIT.name(), false), push(transport("pack", null, true, NG)).push(REQUEST, REF, BUNDLE));

        lookups.clear();
        lookups.add(OTHER);
        assertThrows(BranchConflictException.class, () -> push(transport("pack", null, true, NG)).push(REQUEST, REF, BUNDLE));

        // absent: looked at again (the winner may still be writing it), then the refusal, scrubbed of the token
        lookups.clear();
        lookups.add(ABSENT);
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class,
                () -> push(transport("pack", null, true, NG)).push(REQUEST, REF, BUNDLE));
        assertTrue(e.getMessage().contains("hook declined"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        assertEquals(List.of(100L, 200L, 300L), pauses);

        // found on the second look
        lookups.clear();
        lookups.add(ABSENT);
        lookups.add(COMMIT);
        assertFalse(push(transport("pack", null, true, new PackPush.Report("error: index-pack died", false, "unpacker error", "")))
                .push(REQUEST, REF, BUNDLE).pushed());
    }

    @Test
    void failuresOnTheWayAreTypedAndUnlessPermanentLookedInto() {
        // transient, and the branch holds our commit: our update went through and its report was lost
        lookups.add(COMMIT);
        assertFalse(push(transport("pack", null, true, new SocketTimeoutException("Read timed out"))).push(REQUEST, REF, BUNDLE).pushed());
        // transient, the branch at another commit: the failure itself, transient
        lookups.clear();
        lookups.add(OTHER);
        RemoteUnavailableException t = assertThrows(RemoteUnavailableException.class,
                () -> push(transport("pack", null, true, new SocketTimeoutException("Read timed out"))).push(REQUEST, REF, BUNDLE));
        assertTrue(t.isTransient());
        // unexpected (a protocol error): looked into as well, else reported as unexpected
        lookups.clear();
        lookups.add(COMMIT);
        assertFalse(push(transport("pack", null, true, new IOException("bad side-band channel 7"))).push(REQUEST, REF, BUNDLE).pushed());
        lookups.clear();
        lookups.add(new RemoteUnavailableException("ls-remote failed too"));
        UnexpectedGitException u = assertThrows(UnexpectedGitException.class,
                () -> push(transport("pack", null, true, new IOException("bad side-band channel 7"))).push(REQUEST, REF, BUNDLE));
        assertEquals(GitEngineException.Kind.UNEXPECTED, u.kind());
        // permanent: thrown as it is, the branch not looked at
        log.clear();
        assertThrows(AuthenticationFailedException.class, () -> push(transport("pack", null, true,
                new TransportException(REQUEST.remoteUrl() + ": 401 on GET /o/r.git/info/refs"))).push(REQUEST, REF, BUNDLE));
        assertFalse(log.contains("ls-remote"), log.toString());
    }

    @Test
    void aFailureToOpenIsTypedToo() {
        PushTransport refusing = (r, b) -> {
            throw new org.eclipse.jgit.errors.NoRemoteRepositoryException(new org.eclipse.jgit.transport.URIish(), "not found");
        };
        assertThrows(RepositoryNotFoundException.class, () -> push(refusing).push(REQUEST, REF, BUNDLE));
    }

    @Test
    void needsATransport() {
        assertThrows(IllegalArgumentException.class, () -> new BranchPush(List.of(), (r, ref) -> null, ms -> { }));
    }
}
