package dev.campaigns.infra.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.CodeHostKind;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.codehost.bitbucket.BitbucketServerCodeHost;
import dev.campaigns.codehost.rest.RestHostConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local Bitbucket Server host's answers, checked against Atlassian's published description of Bitbucket Data
 * Center's REST API as far as npm carries it: {@code @coderabbitai/bitbucket} ships the TypeScript types generated
 * from that OpenAPI description (not the description itself), so every recorded answer is written as a TypeScript
 * object literal typed as its documented response ({@code paths[route][method].responses[status]}) and the TypeScript
 * compiler checks it: field names (an undocumented field is an excess property), types, enum values, and that the
 * status is documented. Routes map {@code /api/1.0} and {@code /build-status/1.0} to the description's
 * {@code latest}. The generated types mark almost every field optional, so required fields are not checked.
 */
class BitbucketContractTest {
    private static final String TOKEN = "bb-contract-token-0123";
    private static final ObjectMapper JSON = new ObjectMapper();
    private LocalCodeHost host;

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void everyAnswerTypeChecksAgainstBitbucketsPublishedTypes() throws Exception {
        Path modules = GitHubDescriptions.nodeModules();
        host = LocalCodeHost.start(new LocalCodeHost.Options().kind(CodeHostKind.BITBUCKET_SERVER)
                .token(TOKEN, LocalCodeHost.Access.WRITE).users("alice"));
        List<LocalCodeHost.Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
        host.onExchange(exchanges::add);
        host.createRepository("PROJ/app", Map.of("README.md", "hi\n"));
        host.commitFiles("PROJ/app", "b", Map.of("f", "x\n"), "change");
        BitbucketServerCodeHost client = new BitbucketServerCodeHost(new RestHostConfig(URI.create(host.apiUrl()),
                URI.create(host.baseUrl()), () -> TOKEN));
        PullRequest pr = client.ensurePullRequest(new PullRequestSpec("PROJ/app", "b", "main", "T", "body", false,
                List.of(), List.of("alice", "ghost")));
        client.ensurePullRequest(new PullRequestSpec("PROJ/app", "b", "main", "T2", "body", false, List.of(),
                List.of("alice")));
        host.setCheck("PROJ/app", (int) pr.number(), "build", "completed", "success");
        host.reviewPullRequest("PROJ/app", (int) pr.number(), "alice", "APPROVED");
        client.loadPullRequestStatus("PROJ/app", pr.number());
        // Bulk operations (issue 16): a comment, found again through the activities; reviewers.
        client.commentOnPullRequest("PROJ/app", pr.number(), "hello <!-- campaigns-operation:x -->");
        assertTrue(client.hasComment("PROJ/app", pr.number(), "<!-- campaigns-operation:x -->"));
        client.requestReviewers("PROJ/app", pr.number(), List.of("alice"));
        client.closePullRequest("PROJ/app", pr.number());
        try {
            client.loadPullRequest("PROJ/none", 1);
        } catch (CodeHostException expected) {
            assertEquals(CodeHostException.Kind.NOT_FOUND, expected.kind());
        }
        host.commitFiles("PROJ/app", "m", Map.of("g", "y\n"), "more");
        PullRequest m = client.ensurePullRequest(new PullRequestSpec("PROJ/app", "m", "main", "M", "", false, null,
                null));
        assertEquals(PullRequestState.MERGED, client.mergePullRequest("PROJ/app", m.number(),
                dev.campaigns.domain.MergeMethod.SQUASH).state());
        assertEquals("squash", host.mergeMethod("PROJ/app", (int) m.number()));
        HttpCalls.send(host.baseUrl() + "/rest/api/1.0/projects/PROJ/repos/app", "GET", TOKEN);
        // The host records an exchange just after the answer is sent: wait (at most 10 s) for the last one.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (exchanges.stream().noneMatch(e -> "GET".equals(e.method())
                && e.path().equals("/rest/api/1.0/projects/PROJ/repos/app")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        StringBuilder ts = new StringBuilder("import type { paths } from \"@coderabbitai/bitbucket/server/openapi\";\n"
                + "type Json<T> = T extends { content: { \"application/json\": infer B } } ? B : never;\n"
                + "type Res<P extends keyof paths, M extends keyof paths[P], S> = NonNullable<paths[P][M]> extends "
                + "{ responses: infer R } ? S extends keyof R ? Json<R[S]> : \"status not documented\" : never;\n");
        TreeSet<String> reached = new TreeSet<>();
        int n = 0;
        synchronized (exchanges) {
            for (LocalCodeHost.Exchange e : exchanges) {
                if (e.route() == null) {
                    continue;
                }
                reached.add(e.method() + " " + e.route());
                String path = e.route().replace("/api/1.0/", "/api/latest/").replace("/build-status/1.0/",
                        "/build-status/latest/");
                ts.append("// ").append(e.method()).append(' ').append(e.path()).append(" -> ").append(e.status())
                        .append('\n').append("export const a").append(n++).append(": Res<\"").append(path)
                        .append("\", \"").append(e.method().toLowerCase()).append("\", ").append(e.status())
                        .append("> = ").append(e.body().isBlank() ? "{}" : published(e.route(), e.body()))
                        .append(";\n");
            }
        }
        List<String> problems = typeCheck(modules, ts.toString());
        System.out.printf("type-checked %d Bitbucket answers of %d routes against @coderabbitai/bitbucket's types%n",
                n, reached.size());
        assertEquals(List.of(), problems, "answers that do not match Bitbucket's published types");
        assertEquals(new TreeSet<>(host.apiRoutes()), reached, "every route reached");

        // The check can fail: an undocumented field, a wrong type, a wrong enum value, an undocumented status.
        String route = "\"/api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}\"";
        List<String> bad = typeCheck(modules, "import type { paths } from \"@coderabbitai/bitbucket/server/openapi\";\n"
                + "type Json<T> = T extends { content: { \"application/json\": infer B } } ? B : never;\n"
                + "type Res<P extends keyof paths, M extends keyof paths[P], S> = NonNullable<paths[P][M]> extends "
                + "{ responses: infer R } ? S extends keyof R ? Json<R[S]> : \"status not documented\" : never;\n"
                + "export const x1: Res<" + route + ", \"get\", 200> = { id: 1, colour: \"red\" };\n"
                + "export const x2: Res<" + route + ", \"get\", 200> = { id: \"one\" };\n"
                + "export const x3: Res<" + route + ", \"get\", 200> = { state: \"SIDEWAYS\" };\n"
                + "export const x4: Res<" + route + ", \"get\", 418> = { id: 1 };\n");
        assertEquals(4, bad.stream().map(p -> p.replaceAll(".*?\\((\\d+),.*", "$1")).distinct().count(),
                bad.toString());
        assertTrue(bad.stream().anyMatch(p -> p.contains("'colour' does not exist")), bad.toString());
        assertTrue(bad.stream().anyMatch(p -> p.contains("SIDEWAYS")), bad.toString());
        assertTrue(bad.stream().anyMatch(p -> p.contains("status not documented")), bad.toString());
    }

    /** Runs the TypeScript compiler on {@code source}; its error lines. */
    private static List<String> typeCheck(Path modules, String source) throws IOException, InterruptedException {
        Path dir = modules.getParent();
        Path file = Files.createTempFile(dir, "bitbucket-answers-", ".ts");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("node", modules.resolve("typescript/bin/tsc").toString(), "--noEmit",
                "--strict", "--skipLibCheck", "--target", "es2020", "--module", "nodenext", "--moduleResolution",
                "nodenext", file.toString()).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "tsc finished");
        List<String> errors = out.lines().filter(l -> l.contains("error TS")).toList();
        if (p.exitValue() != 0 && errors.isEmpty()) {
            throw new IllegalStateException("tsc failed: " + out);
        }
        return errors;
    }

    /** Plain calls the client never makes (merge, repository). */
    private static final class HttpCalls {
        static void send(String url, String method, String token) throws Exception {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "POST".equals(method) ? "{}" : "")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(r.statusCode() < 300, url + " -> " + r.statusCode() + " " + r.body());
        }
    }

    /**
     * The answer as the published types can express it: they leave out a COMMENTED activity's {@code comment} and
     * {@code commentAction}, which Bitbucket's REST documentation shows and the client reads; checked without them.
     */
    static String published(String route, String body) throws Exception {
        com.fasterxml.jackson.databind.JsonNode json = JSON.readTree(body);
        if (route.endsWith("/activities")) {
            json.path("values").forEach(v -> ((com.fasterxml.jackson.databind.node.ObjectNode) v)
                    .remove(List.of("comment", "commentAction")));
        }
        return json.toPrettyString();
    }
}
