package dev.campaigns.infra.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.blob.InMemoryBlobStore;
import dev.campaigns.git.AuthenticationFailedException;
import dev.campaigns.git.BotIdentity;
import dev.campaigns.git.CommitRequest;
import dev.campaigns.git.CommitResult;
import dev.campaigns.git.GitEngine;
import dev.campaigns.git.GitEngineConfig;
import dev.campaigns.git.GitEngineException;
import dev.campaigns.git.PushRequest;
import dev.campaigns.git.RemoteCredentials;
import dev.campaigns.git.RemoteUnavailableException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The git engine against an HTTPS-style remote with token auth (JGit's GitServlet on Jetty, Basic auth with
 * user {@code x-access-token}): the right token commits and pushes; a wrong or missing token is a permanent
 * {@link AuthenticationFailedException}; a 503 is transient; and the token appears in no message or stack trace.
 */
class GitEngineHttpTest {
    static final String TOKEN = "ghs_TopSecretToken_0123456789";
    static final Instant WHEN = Instant.parse("2022-02-02T02:02:02Z");

    @TempDir
    Path tmp;
    Server server;
    String url;
    String base;
    Repository remote;
    GitEngine engine;
    InMemoryBlobStore store;
    /** The server's pre-receive hook for a test (null: none). */
    volatile org.eclipse.jgit.transport.PreReceiveHook preReceive;

    @BeforeEach
    void start() throws Exception {
        Path work = tmp.resolve("work");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Files.writeString(work.resolve("a.txt"), "hello\n");
            git.add().addFilepattern(".").call();
            base = git.commit().setMessage("base").setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid")
                    .setSign(false).call().name();
        }
        Path bare = tmp.resolve("repos/repo.git");
        Git.cloneRepository().setBare(true).setURI(work.toUri().toString()).setDirectory(bare.toFile()).call().close();
        remote = new FileRepositoryBuilder().setGitDir(bare.toFile()).build();

        GitServlet servlet = new GitServlet();
        servlet.setRepositoryResolver((req, name) -> {
            if (!name.equals("repo.git")) {
                throw new org.eclipse.jgit.errors.RepositoryNotFoundException(name);
            }
            remote.incrementOpen();
            return remote;
        });
        servlet.setUploadPackFactory((req, db) -> {
            UploadPack up = new UploadPack(db);
            up.setRequestPolicy(UploadPack.RequestPolicy.REACHABLE_COMMIT);
            return up;
        });
        servlet.setReceivePackFactory((req, db) -> {
            ReceivePack rp = new ReceivePack(db);
            if (preReceive != null) {
                rp.setPreReceiveHook(preReceive);
            }
            return rp;
        });
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(servlet), "/git/*");
        context.addServlet(new ServletHolder(servlet), "/broken/*");
        Filter auth = (request, response, chain) -> {
            HttpServletRequest req = (HttpServletRequest) request;
            HttpServletResponse res = (HttpServletResponse) response;
            if (req.getRequestURI().startsWith("/broken/")) {
                res.sendError(503, "Service Unavailable");
                return;
            }
            String expected = "Basic " + Base64.getEncoder().encodeToString(("x-access-token:" + TOKEN).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(req.getHeader("Authorization"))) {
                res.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
                res.sendError(401);
                return;
            }
            chain.doFilter(request, response);
        };
        context.addFilter(new FilterHolder(auth), "/*", EnumSet.of(DispatcherType.REQUEST));
        server = new Server(0);
        server.setHandler(context);
        server.start();
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        url = "http://127.0.0.1:" + port + "/git/repo.git";
        store = new InMemoryBlobStore();
        engine = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("cache")), store);
    }

    @AfterEach
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (server != null) {
            server.stop();
        }
        if (remote != null) {
            remote.close();
        }
    }

    static byte[] patch() {
        return "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-hello\n+hello over http\n"
                .getBytes(StandardCharsets.UTF_8);
    }

    CommitRequest request(String remoteUrl, RemoteCredentials credentials) {
        return new CommitRequest(remoteUrl, credentials, base, patch(), "http campaign", BotIdentity.defaultBot(), WHEN);
    }

    static void assertNoToken(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertFalse(trace.toString().contains(TOKEN), "token in stack trace:\n" + trace);
        assertFalse(trace.toString().contains(Base64.getEncoder().encodeToString(("x-access-token:" + TOKEN).getBytes(StandardCharsets.UTF_8))));
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(TOKEN));
        }
    }

    @Test
    void tokenCommitsAndPushesOverHttp() throws Exception {
        RemoteCredentials token = new RemoteCredentials(TOKEN);
        CommitResult c = engine.commit(request(url, token));
        assertEquals(base, c.baseCommitSha());
        assertTrue(engine.push(new PushRequest(url, token, "campaign/http", c.commitSha())).pushed());
        assertFalse(engine.push(new PushRequest(url, token, "campaign/http", c.commitSha())).pushed());
        assertEquals(c.commitSha(), remote.exactRef("refs/heads/campaign/http").getObjectId().name());
        // the base by branch name, over HTTP
        assertEquals(c, engine.preview(new CommitRequest(url, token, "main", patch(), "http campaign", BotIdentity.defaultBot(), WHEN)));
    }

    @Test
    void filteredFetchOverHttpCommitsAndPushes() throws Exception {
        // a server that allows blob:none but serves only reachable commits by id: the engine fetches the base's
        // commit and trees, is refused the blob by id, and falls back to the base's whole snapshot
        remote.getConfig().setBoolean("uploadpack", null, "allowfilter", true);
        RemoteCredentials token = new RemoteCredentials(TOKEN);
        CommitResult c = engine.commit(request(url, token));
        assertTrue(engine.push(new PushRequest(url, token, "campaign/filtered", c.commitSha())).pushed());
        assertEquals(c.commitSha(), remote.exactRef("refs/heads/campaign/filtered").getObjectId().name());
        try (GitEngine fresh = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("cache2")), new InMemoryBlobStore())) {
            assertEquals(c.commitSha(), fresh.preview(request(url, token)).commitSha());
        }
    }

    @Test
    void packPushOverHttpReportsNgAndRechecksTheBranch() throws Exception {
        RemoteCredentials token = new RemoteCredentials(TOKEN);
        CommitResult c = engine.commit(request(url, token));
        // a server refusing the update ("ng <ref> <reason>" in report-status, side-band): a typed, token-free error
        preReceive = (rp, commands) -> commands.forEach(cmd -> cmd.setResult(
                org.eclipse.jgit.transport.ReceiveCommand.Result.REJECTED_OTHER_REASON, "policy says no"));
        GitEngineException e = assertThrows(GitEngineException.class,
                () -> engine.push(new PushRequest(url, token, "campaign/refused", c.commitSha())));
        assertTrue(e.getMessage().contains("policy says no"), e.getMessage());
        assertNoToken(e);
        assertEquals(null, remote.exactRef("refs/heads/campaign/refused"));

        // the race: another push of the same commit creates the branch while ours is refused: a success
        preReceive = (rp, commands) -> commands.forEach(cmd -> {
            try {
                var u = rp.getRepository().updateRef(cmd.getRefName());
                u.setNewObjectId(cmd.getNewId());
                u.forceUpdate();
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
            cmd.setResult(org.eclipse.jgit.transport.ReceiveCommand.Result.LOCK_FAILURE);
        });
        assertFalse(engine.push(new PushRequest(url, token, "campaign/raced", c.commitSha())).pushed());
        assertEquals(c.commitSha(), remote.exactRef("refs/heads/campaign/raced").getObjectId().name());

        // a normal push: the branch's tree is the commit's, and the pack sent is exactly the bundle's objects
        preReceive = null;
        assertTrue(engine.push(new PushRequest(url, token, "campaign/ok", c.commitSha())).pushed());
        try (var rw = new org.eclipse.jgit.revwalk.RevWalk(remote)) {
            var pushed = rw.parseCommit(remote.exactRef("refs/heads/campaign/ok").getObjectId());
            assertEquals(c.treeSha(), pushed.getTree().name());
            assertEquals(base, pushed.getParent(0).name());
        }
    }

    @Test
    void wrongTokenIsAPermanentAuthFailureWithoutTheToken() {
        RemoteCredentials wrong = new RemoteCredentials(TOKEN + "-wrong");
        AuthenticationFailedException e = assertThrows(AuthenticationFailedException.class, () -> engine.commit(request(url, wrong)));
        assertFalse(e.isTransient());
        assertFalse(e.getMessage().contains(TOKEN));
        assertNoToken(e);
    }

    @Test
    void missingTokenIsAnAuthFailure() {
        assertThrows(AuthenticationFailedException.class, () -> engine.commit(request(url, RemoteCredentials.none())));
    }

    @Test
    void pushWithAWrongTokenFailsWithoutTheToken() {
        CommitResult c = engine.commit(request(url, new RemoteCredentials(TOKEN)));
        GitEngineException e = assertThrows(AuthenticationFailedException.class,
                () -> engine.push(new PushRequest(url, new RemoteCredentials(TOKEN + "x"), "campaign/nope", c.commitSha())));
        assertNoToken(e);
    }

    @Test
    void jgitPushModeOverHttpWithTheToken() throws Exception {
        RemoteCredentials token = new RemoteCredentials(TOKEN);
        CommitResult c = engine.commit(request(url, token));
        try (GitEngine jgit = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("jgit-cache"))
                .withPushMode(GitEngineConfig.PushMode.JGIT), store)) {
            GitEngineException e = assertThrows(AuthenticationFailedException.class,
                    () -> jgit.push(new PushRequest(url, new RemoteCredentials(TOKEN + "x"), "campaign/jgit", c.commitSha())));
            assertNoToken(e);
            assertTrue(jgit.push(new PushRequest(url, token, "campaign/jgit", c.commitSha())).pushed());
            assertFalse(jgit.push(new PushRequest(url, token, "campaign/jgit", c.commitSha())).pushed());
        }
        assertEquals(c.commitSha(), remote.exactRef("refs/heads/campaign/jgit").getObjectId().name());
    }

    @Test
    void serverErrorIsTransientAndScrubbed() {
        String broken = url.replace("/git/", "/broken/");
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class,
                () -> engine.commit(request(broken, new RemoteCredentials(TOKEN))));
        assertTrue(e.isTransient());
        assertNoToken(e);
    }

    @Test
    void credentialsAndRequestsRedactTheToken() {
        assertFalse(new RemoteCredentials(TOKEN).toString().contains(TOKEN));
        assertFalse(request(url, new RemoteCredentials(TOKEN)).toString().contains(TOKEN));
        assertFalse(new PushRequest(url, new RemoteCredentials(TOKEN), "b", base).toString().contains(TOKEN));
    }
}
