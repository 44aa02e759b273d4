package dev.campaigns.codehost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.domain.RepositoryName;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One code host of a deployment: the name repositories give it ({@code gitlab.example.com} in
 * {@code gitlab.example.com/group/app}), its kind, its API and git base URLs, and the ARN of the Secrets Manager
 * secret holding its credentials (read only when something talks to this host). No secret is here.
 *
 * @param apiUrl    null when not configured (a function that never talks to the host does not need it)
 * @param gitUrl    null when not configured
 * @param secretArn null: no credentials (anonymous)
 * @param webhookSecretArn the secret this host signs (or sends) its webhook deliveries with; null: the
 *                  deployment's ({@code WEBHOOK_SECRET_ARN})
 */
public record CodeHostConfig(String name, CodeHostKind kind, URI apiUrl, URI gitUrl, String secretArn,
                             String webhookSecretArn) {
    private static final ObjectMapper JSON = dev.campaigns.util.Json.MAPPER;
    private static final Set<String> FIELDS = Set.of("name", "type", "apiUrl", "gitUrl", "secretArn",
            "webhookSecretArn");

    /**
     * The hosts {@code json} lists ({@code CODE_HOSTS}): a JSON array of objects
     * {@code {"name", "type", "apiUrl", "gitUrl", "secretArn", "webhookSecretArn"}}; {@code type} as
     * {@code CODE_HOST_TYPE} ({@code github}, {@code gitlab}, {@code bitbucket-server}), {@code name} optional
     * (default: the host of {@code gitUrl}, with its port if it has one), {@code webhookSecretArn} optional (default:
     * {@code WEBHOOK_SECRET_ARN}), the others required. The first entry is the default host, the
     * one of a repository named without a host.
     *
     * @throws IllegalArgumentException naming the entry ({@code CODE_HOSTS[1] (gitlab.example.com)}) and what is
     *                                  wrong with it
     */
    public static List<CodeHostConfig> parseList(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("is not JSON: expected an array of hosts, e.g. [{\"name\": "
                    + "\"github.com\", \"type\": \"github\", \"apiUrl\": \"https://api.github.com\", \"gitUrl\": "
                    + "\"https://github.com/\", \"secretArn\": \"arn:...\"}]");
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new IllegalArgumentException("must be a JSON array of at least one host");
        }
        List<CodeHostConfig> hosts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode entry = root.get(i);
            String at = "[" + i + "]";
            if (!entry.isObject()) {
                throw new IllegalArgumentException(at + " is not a JSON object");
            }
            if (entry.hasNonNull("name")) {
                at += " (" + entry.get("name").asText() + ")";
            }
            for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!FIELDS.contains(field)) {
                    throw new IllegalArgumentException(at + " has the unknown field \"" + field + "\" (expected "
                            + "name, type, apiUrl, gitUrl, secretArn, webhookSecretArn)");
                }
            }
            CodeHostKind kind;
            try {
                kind = CodeHostKind.parse(text(entry, "type", at));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage());
            }
            URI api = url(entry, "apiUrl", at);
            URI git = url(entry, "gitUrl", at);
            String name = entry.hasNonNull("name") ? entry.get("name").asText().strip()
                    : git.getHost() + (git.getPort() < 0 ? "" : ":" + git.getPort());
            if (RepositoryName.host(name + "/o/n").isEmpty()) {
                throw new IllegalArgumentException(at + ": name \"" + name + "\" is not a host name (a DNS name with"
                        + " at least one dot, optionally :port), as repositories name it: HOST/OWNER/NAME");
            }
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(at + ": the name \"" + name + "\" is taken by an earlier host");
            }
            String secret = entry.hasNonNull("secretArn") && !entry.get("secretArn").asText().isBlank()
                    ? entry.get("secretArn").asText().strip() : null;
            if (secret == null) {
                throw new IllegalArgumentException(at + ": secretArn is missing (the ARN of the Secrets Manager "
                        + "secret with this host's token or GitHub App)");
            }
            String webhookSecret = entry.hasNonNull("webhookSecretArn")
                    && !entry.get("webhookSecretArn").asText().isBlank()
                    ? entry.get("webhookSecretArn").asText().strip() : null;
            hosts.add(new CodeHostConfig(name, kind, api, git, secret, webhookSecret));
        }
        return List.copyOf(hosts);
    }

    private static String text(JsonNode entry, String field, String at) {
        JsonNode v = entry.get(field);
        if (v == null || v.isNull() || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(at + ": " + field + " is missing or not a string");
        }
        return v.asText().strip();
    }

    private static URI url(JsonNode entry, String field, String at) {
        String v = text(entry, field, at);
        try {
            URI uri = new URI(v);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException(at + ": " + field + " must be an http(s) URL, got \"" + v + "\"");
    }

    /** The API URL, which a function needs once it talks to this host. */
    public URI requireApiUrl() {
        if (apiUrl == null) {
            throw new IllegalStateException("the API URL of code host " + name + " is not configured");
        }
        return apiUrl;
    }

    /** The git base URL, which a function needs once it talks to this host. */
    public URI requireGitUrl() {
        if (gitUrl == null) {
            throw new IllegalStateException("the git URL of code host " + name + " is not configured");
        }
        return gitUrl;
    }
}
