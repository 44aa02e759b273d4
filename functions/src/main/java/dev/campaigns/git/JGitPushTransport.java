package dev.campaigns.git;

import java.io.IOException;
import java.net.URISyntaxException;
import java.util.Map;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.PackParser;
import org.eclipse.jgit.transport.PushConnection;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;

/**
 * JGit's push, from the base cache: the base commit with all its trees is fetched there (if a warm container has
 * not already), the bundle's objects imported next to it, and JGit's push connection sends what the remote lacks
 * (the objects reachable from the commit and not from what the remote advertises). When the remote no longer
 * advertises the base (its branch moved on), the base is first completed with all its blobs, since the push then
 * sends them too, as any git push to such a remote would. Correct for every remote; larger than
 * {@link PackPushTransport}'s, and it needs the base: the engine uses it only where the pack push cannot send, or
 * when configured to ({@link GitEngineConfig.PushMode#JGIT}).
 */
final class JGitPushTransport implements PushTransport {
    private final BaseCache cache;
    private final int timeoutSeconds;

    JGitPushTransport(BaseCache cache, int timeoutSeconds) {
        this.cache = cache;
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public Session open(PushRequest r, CommitBundle bundle) throws IOException {
        // the cache repository is this session's until it closes (never evicted under the push)
        CacheFolder.Lease lease = cache.lease(r.remoteUrl());
        Transport t = null;
        try {
            Repository repo = lease.repo();
            cache.ensureCommit(r.remoteUrl(), r.credentials(), bundle.base.name());
            importBundle(repo, bundle);
            t = LocalPipeTransport.connect(repo, r.remoteUrl());
            t.setTimeout(timeoutSeconds);
            t.setCredentialsProvider(BaseCache.credentialsProvider(r.credentials()));
            // The bundle's objects are already deflated in the cache's pack: send them as they are (no delta
            // search, no re-compression).
            PackConfig pack = new PackConfig(repo);
            pack.setDeltaCompress(false);
            pack.setReuseObjects(true);
            t.setPackConfig(pack);
            t.setPushThin(false);
            return new JGitSession(r, bundle, lease, t, t.openPush());
        } catch (URISyntaxException e) {
            close(t, lease);
            throw new InvalidRequestException("invalid remote URL: " + Redaction.scrub(r.remoteUrl(), r.credentials()));
        } catch (IOException | RuntimeException e) {
            close(t, lease);
            throw e;
        }
    }

    private static void close(Transport t, CacheFolder.Lease lease) {
        if (t != null) {
            t.close();
        }
        lease.close();
    }

    private final class JGitSession implements Session {
        private final PushRequest request;
        private final CommitBundle bundle;
        private final CacheFolder.Lease lease;
        private final Transport transport;
        private final PushConnection conn;

        JGitSession(PushRequest request, CommitBundle bundle, CacheFolder.Lease lease, Transport transport, PushConnection conn) {
            this.request = request;
            this.bundle = bundle;
            this.lease = lease;
            this.transport = transport;
            this.conn = conn;
        }

        @Override
        public ObjectId advertised(String ref) {
            Ref r = conn.getRef(ref);
            return r == null ? null : r.getObjectId();
        }

        @Override
        public boolean canSend() {
            return true;
        }

        @Override
        public PackPush.Report create(String ref, ObjectId old) throws IOException {
            if (conn.getRefs().stream().noneMatch(x -> bundle.base.equals(x.getObjectId()))) {
                // the remote no longer advertises the base: the push sends the base tree's objects too
                cache.ensureComplete(request.remoteUrl(), request.credentials(), bundle.base);
            }
            RemoteRefUpdate update = new RemoteRefUpdate(lease.repo(), (String) null, bundle.commit, ref, false, null, old);
            conn.push(NullProgressMonitor.INSTANCE, Map.of(ref, update));
            return switch (update.getStatus()) {
                case OK -> new PackPush.Report("ok", true, null, "");
                default -> new PackPush.Report("ok", false,
                        update.getStatus() + (update.getMessage() == null ? "" : ": " + update.getMessage()), "");
            };
        }

        @Override
        public void close() {
            conn.close();
            JGitPushTransport.close(transport, lease);
        }
    }

    /**
     * Puts the bundle's objects into the base cache (a pack of just those objects, unless a retry already did),
     * next to the shallow base they build on.
     */
    static void importBundle(Repository repo, CommitBundle bundle) throws IOException {
        if (BaseCache.hasCommit(repo, bundle.commit)) {
            return;
        }
        try (ObjectInserter ins = repo.newObjectInserter()) {
            PackParser parser = ins.newPackParser(bundle.packStream());
            parser.setAllowThin(false);
            parser.parse(NullProgressMonitor.INSTANCE);
            ins.flush();
        }
        if (!BaseCache.hasCommit(repo, bundle.commit)) {
            throw new IOException("the bundle of " + bundle.commit.name() + " lacks the commit or its tree");
        }
    }
}
