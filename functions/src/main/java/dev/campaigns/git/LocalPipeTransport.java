package dev.campaigns.git;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URISyntaxException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.BasePackFetchConnection;
import org.eclipse.jgit.transport.BasePackPushConnection;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackTransport;
import org.eclipse.jgit.transport.PushConnection;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.util.FS;

/**
 * The engine's transport for {@code file://} remotes (local development, the CLI, tests, benchmarks): the
 * remote repository is served in this process by JGit's own {@link UploadPack} and {@link ReceivePack}, as
 * JGit's built-in local transport does, but over 256 KiB pipes instead of its 1 KiB ones. With 1 KiB pipes,
 * every kilobyte of a pack is a hand-over between two threads, which made a 10 MB push cost thousands of
 * thread switches. Every other scheme uses JGit's transports ({@link #connect}).
 *
 * <p>Like git's own local transport it speaks protocol v0; the remote repository's configuration decides what
 * it serves ({@code uploadpack.allowFilter}, {@code uploadpack.allowAnySHA1InWant}, ...).
 */
final class LocalPipeTransport extends Transport implements PackTransport {
    private static final int PIPE_BYTES = 256 << 10;

    private final File remoteGitDir;

    private LocalPipeTransport(Repository local, URIish uri, File remoteGitDir) {
        super(local, uri);
        this.remoteGitDir = remoteGitDir;
    }

    /** A transport for {@code url}: this one for {@code file://} URLs, JGit's for the others. */
    static Transport connect(Repository local, String url) throws URISyntaxException, NotSupportedException, TransportException {
        URIish uri = new URIish(url);
        if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
            return Transport.open(local, uri);
        }
        return new LocalPipeTransport(local, uri, gitDir(uri));
    }

    private static File gitDir(URIish uri) throws TransportException {
        File dir = RepositoryCache.FileKey.resolve(new File(uri.getPath()), FS.DETECTED);
        if (dir == null) {
            throw new NoRemoteRepositoryException(uri, "not found: no git repository there");
        }
        return dir;
    }

    private static Repository open(URIish uri, File gitDir) throws TransportException {
        try {
            return new FileRepositoryBuilder().setGitDir(gitDir).setMustExist(true).build();
        } catch (IOException e) {
            throw new NoRemoteRepositoryException(uri, "not found: " + e.getMessage());
        }
    }

    private static final Server UPLOAD_PACK = (db, in, out) -> new UploadPack(db).upload(in, out, null);
    private static final Server RECEIVE_PACK = (db, in, out) -> new ReceivePack(db).receive(in, out, null);

    /**
     * A raw receive-pack session on the {@code file://} remote {@code url}, for {@link PackPush}: read the
     * advertisement from {@link Pipes#fromServer}, write the request to {@link Pipes#toServer}.
     */
    static Pipes openReceivePack(String url) throws URISyntaxException, TransportException {
        URIish uri = new URIish(url);
        return new Pipes(uri, open(uri, gitDir(uri)), RECEIVE_PACK, "campaigns-receive-pack");
    }

    @Override
    public FetchConnection openFetch() throws TransportException {
        return new Fetch(this, open(getURI(), remoteGitDir));
    }

    @Override
    public PushConnection openPush() throws TransportException {
        return new Push(this, open(getURI(), remoteGitDir));
    }

    @Override
    public void close() {
        // nothing held: each connection opens and closes its own remote repository
    }

    private interface Server {
        void serve(Repository remote, InputStream in, OutputStream out) throws IOException;
    }

    /** Two pipes and a thread running {@code server} on the remote repository; closes them all. */
    static final class Pipes {
        final PipedInputStream fromServer;
        final PipedOutputStream toServer;
        final Thread worker;

        Pipes(URIish uri, Repository remote, Server server, String name) throws TransportException {
            PipedInputStream serverIn;
            PipedOutputStream serverOut;
            try {
                fromServer = new PipedInputStream(PIPE_BYTES);
                serverOut = new PipedOutputStream(fromServer);
                serverIn = new PipedInputStream(PIPE_BYTES);
                toServer = new PipedOutputStream(serverIn);
            } catch (IOException e) {
                remote.close();
                throw new TransportException(uri, "cannot connect pipes", e);
            }
            PipedInputStream in = serverIn;
            PipedOutputStream out = serverOut;
            worker = new Thread(() -> {
                try {
                    server.serve(remote, in, out);
                } catch (IOException | RuntimeException e) {
                    // the client sees the closed pipe and reports the failure
                } finally {
                    closeQuietly(in);
                    closeQuietly(out);
                    remote.close();
                }
            }, name);
            worker.setDaemon(true);
            worker.start();
        }

        void join() {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void closeQuietly(java.io.Closeable c) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
    }

    private static final class Fetch extends BasePackFetchConnection {
        private final Pipes pipes;

        Fetch(LocalPipeTransport t, Repository remote) throws TransportException {
            super(t);
            pipes = new Pipes(t.getURI(), remote, UPLOAD_PACK, "campaigns-upload-pack");
            init(pipes.fromServer, pipes.toServer);
            readAdvertisedRefs();
        }

        @Override
        public void close() {
            super.close();
            pipes.join();
        }
    }

    private static final class Push extends BasePackPushConnection {
        private final Pipes pipes;

        Push(LocalPipeTransport t, Repository remote) throws TransportException {
            super(t);
            pipes = new Pipes(t.getURI(), remote, RECEIVE_PACK, "campaigns-receive-pack");
            init(pipes.fromServer, pipes.toServer);
            readAdvertisedRefs();
        }

        @Override
        public void close() {
            super.close();
            pipes.join();
        }
    }
}
