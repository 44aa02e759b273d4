package dev.campaigns.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.URIish;

/**
 * The push of the commit bundle's pack as it is ({@link PackPush}'s receive-pack protocol): the pack holds exactly
 * the objects a push of the commit must send, so the push step needs neither the base nor its trees. It can send
 * only when the remote advertises the base (a ref at it, or a {@code .have}): the remote can then check the pack's
 * connectivity. The bytes travel by the URL's scheme: smart HTTP with the JDK's {@code java.net.http} client (the
 * token as Basic auth {@code x-access-token:<token>} on both requests, never logged), or, for {@code file://},
 * JGit's {@code ReceivePack} in process over {@link LocalPipeTransport}'s pipes. An HTTP status other than 200
 * becomes a {@link TransportException} naming it, classified by {@link RemoteErrors} like JGit's own.
 */
final class PackPushTransport implements PushTransport {
    private final Duration timeout;
    /** Created on first use. */
    private volatile HttpClient httpClient;

    PackPushTransport(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Session open(PushRequest request, CommitBundle bundle) throws IOException {
        URIish uri;
        try {
            uri = new URIish(request.remoteUrl());
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("invalid remote URL: " + Redaction.scrub(request.remoteUrl(), request.credentials()));
        }
        boolean file = uri.getScheme() == null || uri.getScheme().equals("file");
        Wire wire = file ? new PipeWire(request.remoteUrl()) : new HttpWire(request);
        try {
            return new PackSession(wire, wire.advertisement(), bundle);
        } catch (IOException | RuntimeException e) {
            wire.close();
            throw e;
        }
    }

    private record PackSession(Wire wire, PackPush.Advertisement adv, CommitBundle bundle) implements Session {
        @Override
        public ObjectId advertised(String ref) {
            return adv.refs().get(ref);
        }

        @Override
        public boolean canSend() {
            return adv.has(bundle.base);
        }

        @Override
        public PackPush.Report create(String ref, ObjectId old) throws IOException {
            List<String> caps = PackPush.capabilities(adv);
            return wire.send(caps, old, bundle.commit, ref, bundle.pack);
        }

        @Override
        public void close() {
            wire.close();
        }
    }

    /** How the protocol's bytes travel. */
    private interface Wire extends AutoCloseable {
        PackPush.Advertisement advertisement() throws IOException;

        PackPush.Report send(List<String> caps, ObjectId old, ObjectId commit, String ref, byte[] pack) throws IOException;

        @Override
        void close();
    }

    /** {@code file://}: JGit's ReceivePack on the remote repository, in process, over pipes. */
    private static final class PipeWire implements Wire {
        private final LocalPipeTransport.Pipes pipes;
        private boolean sent;

        PipeWire(String url) throws IOException {
            try {
                pipes = LocalPipeTransport.openReceivePack(url);
            } catch (URISyntaxException e) {
                throw new InvalidRequestException("invalid remote URL: " + url);
            }
        }

        @Override
        public PackPush.Advertisement advertisement() throws IOException {
            return PackPush.readAdvertisement(pipes.fromServer, false);
        }

        @Override
        public PackPush.Report send(List<String> caps, ObjectId old, ObjectId commit, String ref, byte[] pack) throws IOException {
            sent = true;
            PackPush.writeRequest(pipes.toServer, caps, old, commit, ref, pack);
            return PackPush.readReport(pipes.fromServer, caps.contains("side-band-64k"), ref);
        }

        @Override
        public void close() {
            try {
                if (!sent) {
                    new PacketLineOut(pipes.toServer).end(); // no command: the server stops
                }
                pipes.toServer.close();
            } catch (IOException ignored) {
                // the server has gone already
            }
            pipes.join();
            try {
                pipes.fromServer.close();
            } catch (IOException ignored) {
                // nothing left to read
            }
        }
    }

    /** Smart HTTP: {@code GET <url>/info/refs?service=git-receive-pack}, then {@code POST <url>/git-receive-pack}. */
    private final class HttpWire implements Wire {
        private final PushRequest request;
        private final String url;

        HttpWire(PushRequest request) {
            this.request = request;
            this.url = request.remoteUrl().replaceAll("/+$", "");
        }

        @Override
        public PackPush.Advertisement advertisement() throws IOException {
            HttpResponse<InputStream> info = exchange(HttpRequest.newBuilder(URI.create(url + "/info/refs?service=git-receive-pack")).GET());
            try (InputStream in = info.body()) {
                return PackPush.readAdvertisement(in, true);
            }
        }

        @Override
        public PackPush.Report send(List<String> caps, ObjectId old, ObjectId commit, String ref, byte[] pack) throws IOException {
            ByteArrayOutputStream command = new ByteArrayOutputStream();
            PackPush.writeRequest(command, caps, old, commit, ref, new byte[0]);
            HttpResponse<InputStream> res = exchange(HttpRequest.newBuilder(URI.create(url + "/git-receive-pack"))
                    .header("Content-Type", "application/x-git-receive-pack-request")
                    .header("Accept", "application/x-git-receive-pack-result")
                    .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(command.toByteArray()),
                            HttpRequest.BodyPublishers.ofByteArray(pack))));
            try (InputStream in = res.body()) {
                return PackPush.readReport(in, caps.contains("side-band-64k"), ref);
            }
        }

        /** One HTTP exchange with the token (if any) as Basic auth; a status other than 200 is an error naming it. */
        private HttpResponse<InputStream> exchange(HttpRequest.Builder b) throws IOException {
            b.timeout(timeout).header("User-Agent", "git/2.0 (campaigns)");
            if (request.credentials().present()) {
                String basic = Base64.getEncoder().encodeToString(
                        ("x-access-token:" + request.credentials().token()).getBytes(StandardCharsets.UTF_8));
                b.header("Authorization", "Basic " + basic);
            }
            HttpRequest req = b.build();
            HttpResponse<InputStream> res;
            try {
                res = client().send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (res.statusCode() == 200) {
                return res;
            }
            res.body().close();
            throw new TransportException(Redaction.scrub(request.remoteUrl(), request.credentials()) + ": " + res.statusCode()
                    + " on " + req.method() + " " + req.uri().getPath());
        }

        @Override
        public void close() {
            // stateless: each exchange is its own request
        }
    }

    private HttpClient client() {
        HttpClient c = httpClient;
        if (c == null) {
            synchronized (this) {
                if (httpClient == null) {
                    httpClient = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
                }
                c = httpClient;
            }
        }
        return c;
    }
}
