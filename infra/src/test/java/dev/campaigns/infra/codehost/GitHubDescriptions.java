package dev.campaigns.infra.codehost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * GitHub's own published descriptions, installed from npm by the committed {@code src/test/contract/package.json}
 * and {@code package-lock.json}: {@code @octokit/openapi} (api.github.com's REST API, OpenAPI 3.0.3) and
 * {@code @octokit/openapi-webhooks} (its webhook payloads, OpenAPI 3.1). The first use runs {@code npm ci} into
 * {@code target/contract} (a few seconds with a warm npm cache); without npm the calling test is skipped with a
 * message saying so.
 *
 * <p>{@link Rest#check} matches an API exchange to its OpenAPI operation and status code and validates the body,
 * strictly, against the documented schema (required fields, types, enums, nullability, formats) with networknt's
 * json-schema-validator in the OpenAPI 3.0 dialect; {@link Webhooks#check} does the same for a delivery.
 */
final class GitHubDescriptions {

    static final String REST_PACKAGE = "@octokit/openapi";
    static final String WEBHOOKS_PACKAGE = "@octokit/openapi-webhooks";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path modules;

    private GitHubDescriptions() {
    }

    /** {@code target/contract/node_modules}, installed on first use; skips the calling test without npm. */
    static synchronized Path nodeModules() {
        if (modules != null) {
            return modules;
        }
        try {
            Path target = Path.of(GitHubDescriptions.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI()).getParent();
            Path dir = target.resolve("contract");
            Path source = Path.of("src/test/contract");
            Path spec = dir.resolve("node_modules/@octokit/openapi/generated/api.github.com.json");
            Path lock = dir.resolve("package-lock.json");
            boolean current = Files.exists(spec) && Files.exists(lock)
                    && Files.mismatch(lock, source.resolve("package-lock.json")) == -1;
            if (!current) {
                Files.createDirectories(dir);
                for (String f : List.of("package.json", "package-lock.json")) {
                    Files.copy(source.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
                npmCi(dir);
            }
            modules = dir.resolve("node_modules");
            return modules;
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot install GitHub's API descriptions", e);
        }
    }

    private static void npmCi(Path dir) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                    .directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("npm-ci.log").toFile()).start();
        } catch (IOException e) {
            System.err.println("SKIPPED: npm is not on PATH; the GitHub contract tests need it (" + e.getMessage() + ")");
            Assumptions.abort("npm is not on this machine's PATH: the GitHub contract tests install GitHub's "
                    + "published API descriptions (" + REST_PACKAGE + ", " + WEBHOOKS_PACKAGE + ") with npm; "
                    + "install Node.js and npm to run them (" + e.getMessage() + ")");
            throw e;
        }
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("npm ci in " + dir + " did not finish in 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing GitHub's API descriptions", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("npm ci in " + dir + " failed (exit " + p.exitValue() + "): "
                    + Files.readString(dir.resolve("npm-ci.log"), StandardCharsets.UTF_8));
        }
    }

    /** The version field of an installed package. */
    static String version(String pkg) {
        try {
            return JSON.readTree(nodeModules().resolve(pkg).resolve("package.json").toFile()).get("version")
                    .asText();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + pkg + "'s version", e);
        }
    }

    /** A JSON pointer as a URI fragment: RFC 6901 escapes, then percent-encoding of what a fragment may not hold. */
    static String fragment(String... tokens) {
        StringBuilder out = new StringBuilder();
        for (String t : tokens) {
            out.append('/');
            for (char ch : t.replace("~", "~0").replace("/", "~1").toCharArray()) {
                if (Character.isLetterOrDigit(ch) || "-._~!$&'()*+,;=:@".indexOf(ch) >= 0) {
                    out.append(ch);
                } else {
                    out.append(String.format("%%%02X", (int) ch));
                }
            }
        }
        return out.toString();
    }

    /** Validation of {@code body} against the schema at {@code location}; one line per problem. */
    private static List<String> validate(SchemaRegistry registry, Map<String, Schema> cache, String location,
                                         String body) {
        Schema schema = cache.computeIfAbsent(location, l -> registry.getSchema(SchemaLocation.of(l)));
        List<String> problems = new ArrayList<>();
        for (Error e : schema.validate(body, InputFormat.JSON)) {
            problems.add(e.getInstanceLocation() + ": " + e.getMessage());
        }
        return problems;
    }

    /** api.github.com's REST description. */
    static final class Rest {
        /** Statuses GitHub answers on any operation, documented once for the whole API rather than per operation. */
        static final Map<Integer, String> GLOBAL = Map.of(
                400, "basic-error",        // "Problems parsing JSON"
                401, "basic-error",        // "Bad credentials" / "Requires authentication"
                403, "basic-error",        // rate limits, missing permission
                404, "basic-error",        // missing, or invisible to the caller
                422, "validation-error");  // "Validation Failed"
        /** Undocumented paths GitHub still serves, and the documented operation each is an alias of. */
        static final Map<String, String> ALIASES = Map.of(
                "GET /repos/{owner}/{repo}/statuses/{ref}", "GET /repos/{owner}/{repo}/commits/{ref}/statuses");

        private final JsonNode spec;
        private final String uri;
        private final SchemaRegistry registry;
        private final Map<String, Schema> cache = new ConcurrentHashMap<>();

        Rest() {
            Path file = nodeModules().resolve(REST_PACKAGE + "/generated/api.github.com.json");
            uri = "https://contract.test/" + REST_PACKAGE + "/api.github.com.json";
            spec = read(file);
            registry = registry(Dialects.getOpenApi30(), uri, file);
        }

        String openapiVersion() {
            return spec.path("openapi").asText() + " (" + REST_PACKAGE + " " + spec.path("info").path("version")
                    .asText() + ")";
        }

        /** Whether GitHub documents {@code method} on a path of {@code template}'s shape (names aside). */
        String documented(String method, String template) {
            String alias = ALIASES.get(method + " " + template);
            String wanted = Routes.shape(alias != null ? alias.substring(alias.indexOf(' ') + 1) : template);
            for (var it = spec.path("paths").fieldNames(); it.hasNext(); ) {
                String p = it.next();
                if (Routes.shape(p).equals(wanted) && spec.path("paths").path(p).has(method.toLowerCase())) {
                    return p;
                }
            }
            return null;
        }

        /**
         * Problems with one exchange: an undocumented operation or status, a body that is not JSON, or a body that
         * does not validate against the documented schema. Empty when it is as GitHub documents.
         */
        List<String> check(String method, String route, int status, String contentType, String body) {
            List<String> problems = new ArrayList<>();
            String template = documented(method, route);
            if (template == null) {
                return List.of(method + " " + route + " is not a documented operation");
            }
            if (contentType == null || !contentType.startsWith("application/json")) {
                problems.add("content type " + contentType + " is not application/json");
            }
            JsonNode responses = spec.path("paths").path(template).path(method.toLowerCase()).path("responses");
            JsonNode response = responses.path(String.valueOf(status));
            String location;
            if (!response.isMissingNode()) {
                String pointer;
                if (response.has("$ref")) {
                    pointer = response.get("$ref").asText().substring(1);
                    response = at(pointer);
                } else {
                    pointer = fragment("paths", template, method.toLowerCase(), "responses", String.valueOf(status));
                }
                if (!response.path("content").has("application/json")) {
                    // Documented without a body: GitHub still sends its error body on errors, nothing else.
                    if (body.isEmpty()) {
                        return problems;
                    }
                    if (status < 400) {
                        problems.add(status + " is documented without a body, but one was sent");
                        return problems;
                    }
                    location = uri + "#" + fragment("components", "schemas", "basic-error");
                } else {
                    location = uri + "#" + pointer + fragment("content", "application/json", "schema");
                }
            } else if (GLOBAL.containsKey(status)) {
                location = uri + "#" + fragment("components", "schemas", GLOBAL.get(status));
            } else {
                return List.of("status " + status + " is not documented for " + method + " " + template
                        + " (documented: " + iterable(responses.fieldNames()) + ")");
            }
            try {
                JSON.readTree(body);
            } catch (IOException e) {
                problems.add("body is not JSON: " + body.substring(0, Math.min(200, body.length())));
                return problems;
            }
            problems.addAll(validate(registry, cache, location, body));
            return problems;
        }

        /** Whether {@code status} is not documented for the operation but accepted by {@link #GLOBAL}. */
        boolean isGlobal(String method, String route, int status) {
            String template = documented(method, route);
            return template != null && GLOBAL.containsKey(status) && spec.path("paths").path(template)
                    .path(method.toLowerCase()).path("responses").path(String.valueOf(status)).isMissingNode();
        }

        /** Problems with the 404 of a path no operation serves: GitHub's {@code basic-error} in JSON. */
        List<String> checkNotServed(String contentType, String body) {
            List<String> problems = new ArrayList<>();
            if (contentType == null || !contentType.startsWith("application/json")) {
                problems.add("content type " + contentType + " is not application/json");
            }
            problems.addAll(validate(registry, cache, uri + "#" + fragment("components", "schemas", "basic-error"),
                    body));
            return problems;
        }

        private JsonNode at(String pointer) {
            return spec.at(pointer);
        }
    }

    /** api.github.com's webhook descriptions. */
    static final class Webhooks {
        private final JsonNode spec;
        private final String uri;
        private final SchemaRegistry registry;
        private final Map<String, Schema> cache = new ConcurrentHashMap<>();

        Webhooks() {
            Path file = nodeModules().resolve(WEBHOOKS_PACKAGE + "/generated/api.github.com.json");
            uri = "https://contract.test/" + WEBHOOKS_PACKAGE + "/api.github.com.json";
            spec = read(file);
            registry = registry(Dialects.getOpenApi31(), uri, file);
        }

        String openapiVersion() {
            return spec.path("openapi").asText() + " (" + WEBHOOKS_PACKAGE + " " + version(WEBHOOKS_PACKAGE) + ")";
        }

        /** The description's name of a delivery: {@code pull-request-opened}, {@code status}... */
        static String name(String event, String body) {
            try {
                JsonNode action = JSON.readTree(body).path("action");
                return event.replace('_', '-') + (action.isTextual() ? "-" + action.asText() : "");
            } catch (IOException e) {
                return event.replace('_', '-');
            }
        }

        List<String> check(String event, String body) {
            String name = name(event, body);
            if (!spec.path("webhooks").has(name)) {
                return List.of("delivery " + name + " is not a documented webhook");
            }
            return validate(registry, cache, uri + "#" + fragment("webhooks", name, "post", "requestBody", "content",
                    "application/json", "schema"), body);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** A registry in {@code dialect} that finds the description under {@code id} (and never fetches anything). */
    private static SchemaRegistry registry(com.networknt.schema.dialect.Dialect dialect, String id, Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        return SchemaRegistry.withDialect(dialect, b -> b.schemas(Map.of(id, content)));
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static String iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return String.join(", ", out);
    }
}
