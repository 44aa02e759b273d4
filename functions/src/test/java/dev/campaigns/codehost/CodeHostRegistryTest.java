package dev.campaigns.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.handlers.Configuration;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which host a repository lives on, how hosts are configured, and that a host's secret is read only when used. */
class CodeHostRegistryTest {
    private static final String HOSTS = """
            [{"name": "github.com", "type": "github", "apiUrl": "https://api.github.com",
              "gitUrl": "https://github.com/", "secretArn": "arn:gh"},
             {"type": "gitlab", "apiUrl": "https://gitlab.example.com/api/v4",
              "gitUrl": "https://gitlab.example.com/", "secretArn": "arn:gl"},
             {"name": "bitbucket.example.com", "type": "bitbucket-server", "apiUrl": "https://bitbucket.example.com",
              "gitUrl": "https://bitbucket.example.com:7990", "secretArn": "arn:bb"}]""";

    @Test
    void parsesTheListTheFirstIsTheDefaultAndANameDefaultsToTheGitHost() {
        List<CodeHostConfig> hosts = CodeHostConfig.parseList(HOSTS);
        assertEquals(List.of("github.com", "gitlab.example.com", "bitbucket.example.com"),
                hosts.stream().map(CodeHostConfig::name).toList());
        assertEquals(CodeHostKind.BITBUCKET_SERVER, hosts.get(2).kind());
        assertEquals(URI.create("https://gitlab.example.com/api/v4"), hosts.get(1).apiUrl());
        assertEquals("arn:gl", hosts.get(1).secretArn());
    }

    @Test
    void aBadEntryIsNamedWithWhatIsWrong() {
        assertRefused("not JSON", "{", "is not JSON");
        assertRefused("empty", "[]", "at least one host");
        assertRefused("unknown field", "[{\"name\": \"a.b\", \"type\": \"github\", \"apiUrl\": \"https://a\","
                + " \"gitUrl\": \"https://a\", \"secretArn\": \"s\", \"token\": \"x\"}]", "[0] (a.b) has the unknown field \"token\"");
        assertRefused("missing apiUrl", "[{\"type\": \"github\", \"apiUrl\": \"https://a\", \"gitUrl\": \"https://a.b\","
                + " \"secretArn\": \"s\"}, {\"name\": \"g.example\", \"type\": \"gitlab\", \"gitUrl\": \"https://g\","
                + " \"secretArn\": \"s\"}]", "[1] (g.example): apiUrl is missing");
        assertRefused("bad type", "[{\"name\": \"a.b\", \"type\": \"svn\", \"apiUrl\": \"https://a\","
                + " \"gitUrl\": \"https://a\", \"secretArn\": \"s\"}]", "[0] (a.b): unknown code host type \"svn\"");
        assertRefused("bad URL", "[{\"name\": \"a.b\", \"type\": \"github\", \"apiUrl\": \"ftp://a\","
                + " \"gitUrl\": \"https://a\", \"secretArn\": \"s\"}]", "apiUrl must be an http(s) URL");
        assertRefused("no secret", "[{\"name\": \"a.b\", \"type\": \"github\", \"apiUrl\": \"https://a\","
                + " \"gitUrl\": \"https://a\"}]", "[0] (a.b): secretArn is missing");
        assertRefused("not a host name", "[{\"name\": \"acme\", \"type\": \"github\", \"apiUrl\": \"https://a\","
                + " \"gitUrl\": \"https://a\", \"secretArn\": \"s\"}]", "name \"acme\" is not a host name");
        assertRefused("twice", "[{\"name\": \"a.b\", \"type\": \"github\", \"apiUrl\": \"https://a\","
                + " \"gitUrl\": \"https://a\", \"secretArn\": \"s\"}, {\"name\": \"A.b\", \"type\": \"gitlab\","
                + " \"apiUrl\": \"https://a\", \"gitUrl\": \"https://a\", \"secretArn\": \"s\"}]",
                "[1] (A.b): the name \"A.b\" is taken");
    }

    private static void assertRefused(String why, String json, String expected) {
        Configuration.ConfigurationException e = assertThrows(Configuration.ConfigurationException.class,
                () -> Configuration.from(Map.of("CODE_HOSTS", json)), why);
        assertEquals("CODE_HOSTS", e.variable());
        assertTrue(e.getMessage().startsWith("configuration CODE_HOSTS"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), why + ": " + e.getMessage());
    }

    @Test
    void withoutTheListTheSingleHostVariablesMakeTheOneHost() {
        Configuration c = Configuration.from(Map.of("CODE_HOST_TYPE", "gitlab", "CODE_HOST_API_URL",
                "https://git.example.org/api/v4", "CODE_HOST_GIT_URL", "https://git.example.org/",
                "CODE_HOST_TOKEN_SECRET_ARN", "arn:t"));
        assertEquals(1, c.codeHosts().size());
        CodeHostConfig host = c.codeHosts().get(0);
        assertEquals("git.example.org", host.name());
        assertEquals(CodeHostKind.GITLAB, host.kind());
        assertEquals("arn:t", host.secretArn());
        assertEquals(1, Configuration.from(Map.of()).codeHosts().size(), "unset: one host, URLs needed on use");
    }

    @Test
    void aRepositoryIsOnTheHostItNamesOrTheDefaultOneAndAnUnknownHostIsAPermanentErrorNamingIt() {
        CodeHostRegistry registry = new CodeHostRegistry(CodeHostConfig.parseList(HOSTS), h -> {
            throw new AssertionError("no host is reached");
        });
        assertEquals("github.com", registry.hostOf("acme/app").name());
        assertEquals("github.com", registry.hostOf("github.com/acme/app").name());
        assertEquals("gitlab.example.com", registry.hostOf("GitLab.example.com/group/app").name());
        assertEquals("group/app", CodeHostRegistry.onHost("gitlab.example.com/group/app"));
        assertEquals("gitlab.example.com/group/app", registry.qualify(registry.hosts().get(1), "group/app"));
        assertEquals("acme/app", registry.qualify(registry.defaultHost(), "acme/app"));
        CodeHostException e = assertThrows(CodeHostException.class, () -> registry.hostOf("gitlab.other.org/g/app"));
        assertEquals(CodeHostException.Kind.VALIDATION, e.kind());
        assertFalse(e.isTransient());
        assertEquals("repository gitlab.other.org/g/app is on code host gitlab.other.org, which is not configured"
                + " (configured: github.com, gitlab.example.com, bitbucket.example.com; github.com for names without"
                + " a host)", e.getMessage());
        assertFalse(registry.connected());
    }

    @Test
    void eachHostIsConnectedOnceOnFirstUseAndCallsGoToItWithTheNameOnIt() {
        List<String> calls = new ArrayList<>();
        AtomicInteger connects = new AtomicInteger();
        CodeHostRegistry registry = new CodeHostRegistry(CodeHostConfig.parseList(HOSTS), h -> {
            connects.incrementAndGet();
            calls.add("connect " + h.name());
            return HostConnections.single(new CodeHostConnection(recording(h.name(), calls), () -> "tok-" + h.name(),
                    h.apiUrl().toString(), "tok-" + h.name()));
        });
        CodeHost all = registry.codeHost();
        PullRequest pr = all.loadPullRequest("gitlab.example.com/group/app", 7);
        assertEquals("gitlab.example.com/group/app", pr.repository(), "answers name the repository as asked");
        all.closePullRequest("gitlab.example.com/group/other", 8);
        PullRequest created = all.ensurePullRequest(new PullRequestSpec("acme/app", "campaign", "main", "t", "",
                false, null, null));
        assertEquals("acme/app", created.repository());
        assertEquals("https://clone/bitbucket.example.com/PROJ/app.git", all.cloneUrl("bitbucket.example.com/PROJ/app"));
        assertEquals(List.of("connect gitlab.example.com", "gitlab.example.com loadPullRequest group/app",
                "gitlab.example.com closePullRequest group/other", "connect github.com",
                "github.com ensurePullRequest acme/app", "connect bitbucket.example.com",
                "bitbucket.example.com cloneUrl PROJ/app"), calls);
        assertEquals(3, connects.get());
        assertEquals("*** and ***", registry.redact("tok-gitlab.example.com and tok-github.com"));
    }

    @Test
    void aHostThatIsNeverReachedIsNeverConnected() {
        List<String> connected = new ArrayList<>();
        CodeHostRegistry registry = new CodeHostRegistry(CodeHostConfig.parseList(HOSTS), h -> {
            connected.add(h.name());
            return HostConnections.single(new CodeHostConnection(recording(h.name(), new ArrayList<>()),
                    () -> "tok-" + h.name(), h.apiUrl().toString(), "tok-" + h.name()));
        });
        registry.codeHost().cloneUrl("acme/app");
        assertEquals(List.of("github.com"), connected);
        assertEquals("*** tok-gitlab.example.com", registry.redact("tok-github.com tok-gitlab.example.com"),
                "only tokens read are known");
    }

    /** A code host answering the calls this test makes, recording each with the repository it was given. */
    private static CodeHost recording(String host, List<String> calls) {
        return (CodeHost) Proxy.newProxyInstance(CodeHost.class.getClassLoader(), new Class<?>[] {CodeHost.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "toString":
                            return "recording " + host;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            break;
                    }
                    String repository = args[0] instanceof PullRequestSpec s ? s.repository() : (String) args[0];
                    calls.add(host + " " + method.getName() + " " + repository);
                    return switch (method.getName()) {
                        case "cloneUrl" -> "https://clone/" + host + "/" + repository + ".git";
                        case "loadPullRequest", "closePullRequest", "ensurePullRequest" -> new PullRequest(repository,
                                args.length > 1 ? (Long) args[1] : 1, "u", PullRequestState.OPEN, "t", "", "h", "b",
                                "sha", false, null, null);
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
    }
}
