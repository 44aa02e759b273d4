package dev.campaigns.infra.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the repositories a plan runs over through the code host's REST API (GitHub's, or the local code host's):
 * named ones ({@code GET /repos/{owner}/{repo}}), an organisation's ({@code GET /orgs/{org}/repos}, optionally only
 * those with a topic) or a search ({@code GET /search/repositories?q=...}), following {@code Link: rel="next"}.
 * A named repository that does not exist or the token cannot read is a {@link Selected} with an error, so the other
 * repositories go on; a listing or search that fails is an {@link IllegalArgumentException} naming the API's answer.
 */
final class RepositorySelector {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String apiUrl;
    private final String token;

    /** A repository to run the command in: its clone URL and default branch, or why it cannot be used. */
    record Selected(String repository, String cloneUrl, String defaultBranch, String error) {
        static Selected failed(String repository, String error) {
            return new Selected(repository, null, null, error);
        }
    }

    RepositorySelector(String apiUrl, String token) {
        this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        this.token = token;
    }

    /** Each named repository ({@code OWNER/NAME}), in order, without repeats. */
    List<Selected> named(List<String> repositories) {
        List<Selected> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String r : repositories) {
            String name = r.strip();
            if (name.isEmpty() || name.startsWith("#") || seen.contains(name)) {
                continue;
            }
            seen.add(name);
            if (!NAME.matcher(name).matches()) {
                out.add(Selected.failed(name, "not a repository name (OWNER/NAME)"));
                continue;
            }
            try {
                HttpResponse<String> response = get(apiUrl + "/repos/" + name);
                if (response.statusCode() == 404) {
                    out.add(Selected.failed(name, "not found on " + apiUrl + ", or the token cannot read it"));
                } else if (response.statusCode() != 200) {
                    out.add(Selected.failed(name, "the code host answered " + describe(response)));
                } else {
                    out.add(selected(JSON.readTree(response.body())));
                }
            } catch (IOException e) {
                out.add(Selected.failed(name, "cannot read it from " + apiUrl + ": " + e.getMessage()));
            }
        }
        return out;
    }

    /** The organisation's repositories, only those with {@code topic} when it is not null, sorted by name. */
    List<Selected> organisation(String org, String topic) {
        List<Selected> out = new ArrayList<>();
        for (JsonNode repo : pages(apiUrl + "/orgs/" + encode(org) + "/repos?per_page=100", "organisation " + org)) {
            if (topic == null || hasTopic(repo, topic)) {
                out.add(selected(repo));
            }
        }
        out.sort(java.util.Comparator.comparing(Selected::repository));
        return out;
    }

    /** The repositories a code host search finds (GitHub's search syntax: {@code org:acme topic:java language:go}). */
    List<Selected> search(String query) {
        List<Selected> out = new ArrayList<>();
        for (JsonNode repo : pages(apiUrl + "/search/repositories?per_page=100&q=" + encode(query),
                "search \"" + query + "\"")) {
            out.add(selected(repo));
        }
        return out;
    }

    private static boolean hasTopic(JsonNode repo, String topic) {
        for (JsonNode t : repo.path("topics")) {
            if (t.asText().equals(topic.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static Selected selected(JsonNode repo) {
        return new Selected(repo.path("full_name").asText(), repo.path("clone_url").asText(),
                repo.path("default_branch").asText("main"), null);
    }

    private List<JsonNode> pages(String first, String what) {
        List<JsonNode> out = new ArrayList<>();
        String url = first;
        try {
            while (url != null) {
                HttpResponse<String> response = get(url);
                if (response.statusCode() != 200) {
                    throw new IllegalArgumentException("cannot list the " + what + " on " + apiUrl + ": the code host "
                            + "answered " + describe(response));
                }
                JsonNode body = JSON.readTree(response.body());
                for (JsonNode repo : body.isArray() ? body : body.path("items")) {
                    out.add(repo);
                }
                Matcher next = NEXT.matcher(response.headers().firstValue("Link").orElse(""));
                url = next.find() ? next.group(1) : null;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list the " + what + ": the code host at " + apiUrl
                    + " does not answer (" + e + ")", e);
        }
        return out;
    }

    private HttpResponse<String> get(String url) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/vnd.github+json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String describe(HttpResponse<String> response) {
        String message;
        try {
            message = JSON.readTree(response.body()).path("message").asText("");
        } catch (IOException e) {
            message = "";
        }
        return "HTTP " + response.statusCode() + (message.isEmpty() ? "" : " \"" + message + "\"")
                + (response.statusCode() == 401 ? " (check the code host token: --code-host-token or GITHUB_TOKEN)"
                : "");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
