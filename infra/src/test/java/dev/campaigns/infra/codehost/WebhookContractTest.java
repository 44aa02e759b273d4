package dev.campaigns.infra.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.campaigns.service.WebhookSignature;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every webhook delivery the local code host sends, checked against GitHub's own webhook descriptions
 * ({@code @octokit/openapi-webhooks}): received over HTTP as GitHub sends them (signed {@code X-Hub-Signature-256},
 * {@code X-GitHub-Event}, {@code X-GitHub-Delivery}) and each payload validated against the description of its
 * event and action. Covers what the product's tracking relies on: {@code labeled} when labels are added over the API
 * and {@code synchronize} when a push over git smart HTTP moves a pull request's head.
 */
class WebhookContractTest {

    static final String TOKEN = "ghp_hooks0123456789TOKEN";
    static final String SECRET = "local-webhook-secret";
    static final ObjectMapper JSON = new ObjectMapper();
    static GitHubDescriptions.Webhooks webhooks;

    record Received(String event, String delivery, String signature, String body) {
    }

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    LocalCodeHost host;
    HttpServer receiver;

    @TempDir
    Path tmp;

    /** Per test, so that without npm each test is reported skipped, with the reason. */
    @BeforeEach
    void description() {
        synchronized (WebhookContractTest.class) {
            if (webhooks == null) {
                webhooks = new GitHubDescriptions.Webhooks();
                System.out.println("GitHub webhooks description: OpenAPI " + webhooks.openapiVersion());
            }
        }
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void everyDeliveryValidatesAgainstGitHubsWebhookDescriptions() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestHeaders().getFirst("X-GitHub-Event"),
                    exchange.getRequestHeaders().getFirst("X-GitHub-Delivery"),
                    exchange.getRequestHeaders().getFirst("X-Hub-Signature-256"),
                    new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        receiver.start();
        host = LocalCodeHost.start(new LocalCodeHost.Options().token(TOKEN, LocalCodeHost.Access.WRITE)
                .users("alice"));
        host.webhooks().target("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", SECRET);
        host.createRepository("acme/app", Map.of("README.md", "hello\n"));
        host.commitFiles("acme/app", "campaigns/bump", Map.of("README.md", "hello, campaign\n"), "Bump");

        int n = JSON.readTree(send("POST", "/repos/acme/app/pulls", "{\"title\":\"Bump\",\"head\":\"campaigns/bump\","
                + "\"base\":\"main\",\"body\":\"b\"}", 201)).get("number").asInt();
        send("PATCH", "/repos/acme/app/pulls/" + n, "{\"title\":\"Bump it\"}", 200);
        send("POST", "/repos/acme/app/issues/" + n + "/labels", "{\"labels\":[\"deps\",\"campaign\"]}", 200);
        send("POST", "/repos/acme/app/issues/" + n + "/labels", "{\"labels\":[\"deps\"]}", 200); // no new label

        // A push over git smart HTTP that moves the pull request's head.
        UsernamePasswordCredentialsProvider creds = new UsernamePasswordCredentialsProvider("x-access-token", TOKEN);
        String pushed;
        try (Git git = Git.cloneRepository().setURI(host.gitUrl("acme/app")).setBranch("campaigns/bump")
                .setDirectory(tmp.resolve("wt").toFile()).setCredentialsProvider(creds).call()) {
            java.nio.file.Files.writeString(tmp.resolve("wt/CHANGELOG.md"), "bumped\n");
            git.add().addFilepattern("CHANGELOG.md").call();
            pushed = git.commit().setMessage("Changelog").setAuthor("dev", "dev@example.test")
                    .setCommitter("dev", "dev@example.test").call().name();
            git.push().setCredentialsProvider(creds).setRefSpecs(new RefSpec("HEAD:refs/heads/campaigns/bump"))
                    .call();
        }
        send("POST", "/repos/acme/app/pulls/" + n + "/reviews", "{\"event\":\"APPROVE\"}", 200);
        send("POST", "/repos/acme/app/check-runs", "{\"name\":\"build\",\"head_sha\":\"" + pushed
                + "\",\"status\":\"in_progress\"}", 201);
        send("POST", "/repos/acme/app/check-runs", "{\"name\":\"build\",\"head_sha\":\"" + pushed
                + "\",\"conclusion\":\"success\"}", 201);
        send("POST", "/repos/acme/app/statuses/" + pushed, "{\"state\":\"success\",\"context\":\"ci\"}", 201);
        send("PATCH", "/repos/acme/app/pulls/" + n, "{\"state\":\"closed\"}", 200);
        send("PATCH", "/repos/acme/app/pulls/" + n, "{\"state\":\"open\"}", 200);
        send("PUT", "/repos/acme/app/pulls/" + n + "/merge", "{}", 200);
        host.webhooks().awaitSent();

        List<String> kinds = new ArrayList<>();
        Map<String, List<String>> invalid = new TreeMap<>();
        synchronized (received) {
            for (Received r : received) {
                String kind = GitHubDescriptions.Webhooks.name(r.event(), r.body());
                kinds.add(kind);
                assertEquals(WebhookSignature.sign(SECRET, r.body().getBytes(StandardCharsets.UTF_8)), r.signature(),
                        kind + " is signed as GitHub signs");
                List<String> problems = webhooks.check(r.event(), r.body());
                if (!problems.isEmpty()) {
                    invalid.put(kind + " " + r.delivery(), problems);
                }
            }
        }
        System.out.println("validated " + received.size() + " webhook deliveries: " + kinds);
        assertEquals(Map.of(), invalid, "deliveries that do not validate against GitHub's webhook descriptions");
        assertEquals(List.of("pull-request-opened", "pull-request-edited", "pull-request-labeled",
                "pull-request-labeled", "pull-request-synchronize", "pull-request-review-submitted",
                "check-run-created", "check-run-completed", "status", "pull-request-closed", "pull-request-reopened",
                "pull-request-closed"), kinds);
        JsonNode synchronize = JSON.readTree(received.get(4).body());
        assertEquals(pushed, synchronize.get("after").asText());
        assertEquals(pushed, synchronize.get("pull_request").get("head").get("sha").asText());
        JsonNode labeled = JSON.readTree(received.get(3).body());
        assertEquals("campaign", labeled.get("label").get("name").asText());
        assertTrue(JSON.readTree(received.get(received.size() - 1).body()).get("pull_request").get("merged")
                .asBoolean());
        Set<String> deliveries = new TreeSet<>();
        received.forEach(r -> deliveries.add(r.delivery()));
        assertEquals(received.size(), deliveries.size(), "each delivery has its own X-GitHub-Delivery");
    }

    @Test
    void theCheckRefusesAPayloadGitHubWouldNotSend() throws Exception {
        String body = "{\"action\":\"labeled\",\"number\":1}";
        assertTrue(webhooks.check("pull_request", body).stream().anyMatch(p -> p.contains("pull_request")),
                webhooks.check("pull_request", body).toString());
        assertTrue(webhooks.check("pull_request", "{\"action\":\"teleported\"}").get(0)
                .contains("not a documented webhook"));
    }

    private String send(String method, String path, String body, int expected) throws Exception {
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(host.apiUrl() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, resp.statusCode(), method + " " + path + ": " + resp.body());
        return resp.body();
    }
}
