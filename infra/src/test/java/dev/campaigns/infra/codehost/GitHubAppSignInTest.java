package dev.campaigns.infra.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.CodeHostKind;
import dev.campaigns.codehost.CodeHostTokens;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.codehost.github.GitHubAppInstallationTokens;
import dev.campaigns.codehost.github.GitHubAppJwt;
import dev.campaigns.codehost.github.GitHubCodeHost;
import dev.campaigns.codehost.github.GitHubConfig;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GitHub App sign-in against the local host, which issues installation tokens as GitHub does: the App's RS256 JWT
 * buys an hour's installation token; the token is cached and replaced before it expires; it serves the REST API and
 * git over HTTPS as {@code x-access-token}; a JWT signed with another key, or a token past its hour, is refused.
 */
public class GitHubAppSignInTest {
    public static final KeyPair KEYS = keys();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
    private LocalCodeHost host;

    static KeyPair keys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key as GitHub hands it out: PKCS#1, {@code BEGIN RSA PRIVATE KEY}. */
    public static String pkcs1Pem(KeyPair keys) {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length); // after PrivateKeyInfo's header, for RSA-2048
        return "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {10}).encodeToString(pkcs1)
                + "\n-----END RSA PRIVATE KEY-----\n";
    }

    public static String secret(String appId, String installationId, String pem) {
        return "{\"appId\":\"" + appId + "\",\"installationId\":\"" + installationId + "\",\"privateKey\":\""
                + pem.replace("\n", "\\n") + "\"}";
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    private LocalCodeHost start() {
        host = LocalCodeHost.start(new LocalCodeHost.Options().token("unused-pat", LocalCodeHost.Access.READ)
                .githubApp("42", "77", KEYS.getPublic()).clock(clock));
        return host;
    }

    @Test
    void anInstallationTokenIsMintedCachedAndReplacedBeforeItsHourRunsOut() throws Exception {
        start();
        host.createRepository("acme/app", Map.of("README.md", "hi\n"));
        host.commitFiles("acme/app", "b", Map.of("f", "x\n"), "change");
        CodeHostTokens tokens = CodeHostTokens.fromSecret(CodeHostKind.GITHUB, secret("42", "77",
                pkcs1Pem(KEYS)), URI.create(host.apiUrl()), clock, null);
        assertEquals("github-app-installation:77", tokens.pacingIdentity());
        GitHubCodeHost client = new GitHubCodeHost(GitHubConfig.enterprise(URI.create(host.baseUrl()),
                tokens.token()));
        PullRequest pr = client.ensurePullRequest(new PullRequestSpec("acme/app", "b", "main", "T", "", false,
                List.of("deps"), List.of()));
        String first = tokens.token().get();
        assertTrue(first.startsWith("ghs_"), "an installation token");
        assertEquals(1, host.installationTokensIssued(), "one mint serves every request");
        assertEquals(pr.number(), client.loadPullRequest("acme/app", pr.number()).number());

        // git over HTTPS with the same token as x-access-token
        var refs = Git.lsRemoteRepository().setRemote(host.gitUrl("acme/app"))
                .setCredentialsProvider(new UsernamePasswordCredentialsProvider("x-access-token", first)).call();
        assertTrue(refs.stream().anyMatch(r -> r.getName().equals("refs/heads/b")));

        clock.advance(Duration.ofMinutes(54));
        assertEquals(first, tokens.token().get(), "six minutes left: still good");
        clock.advance(Duration.ofMinutes(2));
        String second = tokens.token().get();
        assertNotEquals(first, second, "four minutes left: replaced");
        assertEquals(2, host.installationTokensIssued());
        clock.advance(Duration.ofMinutes(5));
        CodeHostException expired = assertThrows(CodeHostException.class, () -> new GitHubCodeHost(
                GitHubConfig.enterprise(URI.create(host.baseUrl()), () -> first)).loadPullRequest("acme/app", 1));
        assertEquals(CodeHostException.Kind.UNAUTHORIZED, expired.kind(), "the first token's hour is over");
        assertEquals(pr.number(), client.loadPullRequest("acme/app", pr.number()).number(), "the new one works");
    }

    @Test
    void withoutAnInstallationIdEachOwnersInstallationIsLookedUpOnceAndHasItsOwnTokensAndPacing() {
        host = LocalCodeHost.start(new LocalCodeHost.Options().token("unused-pat", LocalCodeHost.Access.READ)
                .githubApp("42", "77", KEYS.getPublic()).githubAppInstallation("other", "88").clock(clock));
        host.createRepository("acme/app", Map.of("README.md", "hi\n"));
        host.createRepository("acme/lib", Map.of("README.md", "hi\n"));
        host.createRepository("other/app", Map.of("README.md", "hi\n"));
        String secret = "{\"appId\":\"42\",\"privateKey\":\"" + pkcs1Pem(KEYS).replace("\n", "\\n") + "\"}";
        dev.campaigns.codehost.HostConnections app = dev.campaigns.codehost.CodeHosts.connect(
                new dev.campaigns.codehost.CodeHostConfig("github.example", CodeHostKind.GITHUB,
                        URI.create(host.apiUrl()), URI.create(host.baseUrl()), "arn", null), secret, clock, null);
        var acme = app.connection("acme/app");
        assertEquals("github-app-installation:77", acme.pacingIdentity());
        assertEquals(acme, app.connection("ACME/lib"), "one installation per owner, looked up once");
        var other = app.connection("other/app");
        assertEquals("github-app-installation:88", other.pacingIdentity());
        assertEquals(2, host.requestCount("GET /repos/{owner}/{repo}/installation"));
        host.commitFiles("acme/app", "b", Map.of("f", "x\n"), "change");
        host.commitFiles("other/app", "b", Map.of("f", "x\n"), "change");
        PullRequest mine = acme.codeHost().ensurePullRequest(new PullRequestSpec("acme/app", "b", "main", "T", "",
                false, List.of(), List.of()));
        PullRequest theirs = other.codeHost().ensurePullRequest(new PullRequestSpec("other/app", "b", "main", "T", "",
                false, List.of(), List.of()));
        assertEquals(1, host.installationTokensIssued("77"));
        assertEquals(1, host.installationTokensIssued("88"));
        CodeHostException crossed = assertThrows(CodeHostException.class,
                () -> other.codeHost().loadPullRequest("acme/app", mine.number()));
        assertEquals(CodeHostException.Kind.NOT_FOUND, crossed.kind(), "installation 88's token does not reach acme");
        assertEquals(theirs.number(), other.codeHost().loadPullRequest("other/app", theirs.number()).number());
    }

    @Test
    void aJwtOfAnotherKeyOrAnotherInstallationIsRefusedWithoutTheSecretInTheMessage() {
        start();
        KeyPair other = keys();
        String pem = pkcs1Pem(other);
        GitHubAppInstallationTokens forged = GitHubAppInstallationTokens.fromSecret(secret("42", "77", pem),
                URI.create(host.apiUrl()), clock, null);
        CodeHostException refused = assertThrows(CodeHostException.class, forged::get);
        assertEquals(CodeHostException.Kind.UNAUTHORIZED, refused.kind());
        assertTrue(refused.getMessage().contains("JSON web token"), refused.getMessage());
        assertFalse(refused.getMessage().contains("PRIVATE KEY"));
        GitHubAppInstallationTokens elsewhere = GitHubAppInstallationTokens.fromSecret(secret("42", "78",
                pkcs1Pem(KEYS)), URI.create(host.apiUrl()), clock, null);
        assertEquals(CodeHostException.Kind.NOT_FOUND, assertThrows(CodeHostException.class, elsewhere::get).kind());
        assertEquals(0, host.installationTokensIssued());
        assertFalse(forged.toString().contains("PRIVATE"));
    }

    @Test
    void badAppCredentialsAreNamedPrecisely() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () ->
                CodeHostTokens.fromSecret(CodeHostKind.GITHUB, "{\"appId\":\"42\",\"privateKey\":\"x\"}",
                        URI.create("https://api.github.com"), null, null));
        assertTrue(missing.getMessage().contains("installationId"), missing.getMessage());
        IllegalArgumentException notPem = assertThrows(IllegalArgumentException.class, () ->
                new GitHubAppJwt("42", "not a key", null));
        assertTrue(notPem.getMessage().contains("PEM"), notPem.getMessage());
        IllegalArgumentException wrongHost = assertThrows(IllegalArgumentException.class, () ->
                CodeHostTokens.fromSecret(CodeHostKind.GITLAB, secret("42", "77", pkcs1Pem(KEYS)),
                        URI.create("https://gl.example/api/v4"), null, null));
        assertTrue(wrongHost.getMessage().contains("gitlab"), wrongHost.getMessage());
        assertEquals("plain-token", CodeHostTokens.fromSecret(CodeHostKind.GITLAB, "plain-token",
                URI.create("https://gl.example/api/v4"), null, null).token().get());
    }
}
