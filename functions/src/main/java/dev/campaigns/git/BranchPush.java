package dev.campaigns.git;

import java.io.IOException;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;

/**
 * The push rule, and what every outcome of a push means, in one place. A push creates {@code refs/heads/<branch>}
 * at the stored commit, create-only (expected old value: absent):
 * <ul>
 *   <li>the branch already at the commit: success, nothing sent, {@code pushed=false};</li>
 *   <li>the branch at any other commit: {@link BranchConflictException}, nothing sent; never overwritten;</li>
 *   <li>absent: the first {@link PushTransport} able to send creates it, {@code pushed=true};</li>
 *   <li>refused by the server ({@code ng}, an unpack error), or failed on the way without being permanent
 *       (transient, or unexpected: the connection may have dropped after the update): the branch is looked at
 *       again; holding our commit (a concurrent retry of this job got there first, or our own report was lost) is
 *       success with {@code pushed=false}; another commit is a conflict; none is the failure itself.</li>
 * </ul>
 * Failures are typed by {@link RemoteErrors}. Thread-safe.
 */
final class BranchPush {
    /** The commit a remote branch holds now (null: absent); a failure is a {@link GitEngineException}. */
    interface BranchLookup {
        ObjectId branchAt(PushRequest request, String ref);
    }

    /** Waiting between looks at a branch a concurrent push may still be writing. */
    interface Pause {
        void millis(long ms) throws InterruptedException;
    }

    /** How many more times a refused push looks for the branch when it is absent (the winner may be writing it). */
    static final int LOOKS = 3;

    private final List<PushTransport> transports;
    private final BranchLookup lookup;
    private final Pause pause;

    /** {@code transports} in the order they are tried: the first whose session can send does. */
    BranchPush(List<PushTransport> transports, BranchLookup lookup, Pause pause) {
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("no push transport");
        }
        this.transports = List.copyOf(transports);
        this.lookup = lookup;
        this.pause = pause;
    }

    /** Pushes {@code bundle}'s commit to {@code ref} (= {@code refs/heads/} + the request's branch). */
    PushResult push(PushRequest r, String ref, CommitBundle bundle) {
        ObjectId commit = bundle.commit;
        for (PushTransport transport : transports) {
            PackPush.Report report;
            try (PushTransport.Session s = transport.open(r, bundle)) {
                ObjectId at = s.advertised(ref);
                if (commit.equals(at)) {
                    return new PushResult(r.branch(), commit.name(), false);
                }
                ObjectId old = expectedOld(r);
                if (!old.equals(at == null ? ObjectId.zeroId() : at)) {
                    throw conflict(r, at, commit);
                }
                if (!s.canSend()) {
                    continue;
                }
                report = s.create(ref, old);
            } catch (BranchConflictException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                return failed(e, r, ref, commit);
            }
            return reported(r, ref, commit, report);
        }
        throw new UnexpectedGitException("no push transport could send " + commit.name() + " to "
                + Redaction.scrub(r.remoteUrl(), r.credentials()), null);
    }

    /** The outcome of a report-status: ok, or a refusal looked into. */
    private PushResult reported(PushRequest r, String ref, ObjectId commit, PackPush.Report report) {
        if (report.unpackOk() && report.ok()) {
            return new PushResult(r.branch(), commit.name(), true);
        }
        String why = !report.unpackOk() ? "unpack " + report.unpack() : report.reason();
        if (!report.serverErrors().isEmpty()) {
            why += "; " + report.serverErrors();
        }
        ObjectId now = lookup.branchAt(r, ref);
        for (int look = 1; now == null && look <= LOOKS; look++) {
            try {
                pause.millis(100L * look);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = lookup.branchAt(r, ref);
        }
        if (commit.equals(now)) {
            return new PushResult(r.branch(), commit.name(), false);
        }
        if (now != null) {
            throw conflict(r, now, commit);
        }
        throw new RemoteUnavailableException("push of " + r.branch() + " to " + Redaction.scrub(r.remoteUrl(), r.credentials())
                + " failed (" + Redaction.scrub(why, r.credentials()) + ")");
    }

    /** The lease's expected old value: the zero id (create-only) unless the request names one. */
    private static ObjectId expectedOld(PushRequest r) {
        return r.expectedOldSha() == null ? ObjectId.zeroId() : ObjectId.fromString(r.expectedOldSha());
    }

    /** The branch is not where the lease expects it: nothing is sent, nothing overwritten. */
    private static BranchConflictException conflict(PushRequest r, ObjectId at, ObjectId commit) {
        if (at == null) {
            return new BranchConflictException(r.branch(), "(absent)", commit.name(),
                    "branch " + r.branch() + " is absent, not at the campaign's last commit " + r.expectedOldSha()
                            + ": refusing to recreate it with " + commit.name());
        }
        if (r.expectedOldSha() != null) {
            return new BranchConflictException(r.branch(), at.name(), commit.name(),
                    "branch " + r.branch() + " is at " + at.name() + ", not at the campaign's last commit "
                            + r.expectedOldSha() + ": refusing to overwrite it with " + commit.name());
        }
        return new BranchConflictException(r.branch(), at.name(), commit.name());
    }

    /** A push that failed on the way: typed; unless permanent, a branch already at our commit is success. */
    private PushResult failed(Exception e, PushRequest r, String ref, ObjectId commit) {
        GitEngineException g = RemoteErrors.translate(e, "cannot push to", r.remoteUrl(), r.credentials());
        if (g.kind() != GitEngineException.Kind.PERMANENT && commit.equals(branchOrNull(r, ref))) {
            return new PushResult(r.branch(), commit.name(), false);
        }
        throw g;
    }

    private ObjectId branchOrNull(PushRequest r, String ref) {
        try {
            return lookup.branchAt(r, ref);
        } catch (GitEngineException e) {
            return null;
        }
    }

    /** The branch lookup by {@code git ls-remote --heads} (JGit's), with the request's token. */
    static BranchLookup lsRemote(int timeoutSeconds) {
        return (r, ref) -> branchAt(r.remoteUrl(), r.credentials(), ref, timeoutSeconds);
    }

    /** Where {@code ref} (a {@code refs/heads/} name) points in the remote, by one ls-remote; null if absent. */
    static ObjectId branchAt(String remoteUrl, RemoteCredentials credentials, String ref, int timeoutSeconds) {
        try {
            for (Ref x : Git.lsRemoteRepository().setRemote(remoteUrl).setHeads(true)
                    .setCredentialsProvider(BaseCache.credentialsProvider(credentials)).setTimeout(timeoutSeconds).call()) {
                if (x.getName().equals(ref)) {
                    return x.getObjectId();
                }
            }
            return null;
        } catch (GitAPIException | RuntimeException e) {
            throw RemoteErrors.translate(e, "cannot list the branches of", remoteUrl, credentials);
        }
    }
}
