package dev.campaigns.infra.codehost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * GitHub's REST API (v3, under {@code /api/v3} as GitHub Enterprise serves it) over {@link CodeHostState}: one route
 * table, each handler reading its request, calling the state and rendering with {@link GitHubJson}. A path it does
 * not serve answers 404 like GitHub. Anonymous callers see no repository (every repository here is private: 404, as
 * github.com answers for a private repository) and get 401 where GitHub requires authentication.
 */
final class ApiServlet extends HttpServlet {

    /** A handler's answer. */
    record Reply(int status, JsonNode body, Map<String, String> headers) {
        static Reply of(int status, JsonNode body) {
            return new Reply(status, body, Map.of());
        }
    }

    @FunctionalInterface
    interface Handler {
        Reply handle(Call call) throws IOException;
    }

    /** One request as a handler sees it: path parameters, query, body and the caller's access. */
    final class Call {
        final HttpServletRequest req;
        final Routes.Match<Handler> match;
        private JsonNode body;

        Call(HttpServletRequest req, Routes.Match<Handler> match) {
            this.req = req;
            this.match = match;
        }

        String param(String name) {
            return match.param(name);
        }

        int number(String name) {
            try {
                return Integer.parseInt(param(name));
            } catch (NumberFormatException e) {
                throw GitHubError.notFound();
            }
        }

        String query(String name) {
            return req.getParameter(name);
        }

        LocalCodeHost.Access access() {
            return (LocalCodeHost.Access) req.getAttribute(FrontFilter.ACCESS);
        }

        /** The repository the path names; 404 when it does not exist or the caller is anonymous (private). */
        HostedRepository repo() {
            if (access() == null) {
                throw GitHubError.notFound();
            }
            return state.repository(param("owner"), param("repo"));
        }

        /** The repository, for a write: 403 with GitHub's message for a read-only token. */
        HostedRepository writableRepo() {
            HostedRepository repo = repo();
            if (access() != LocalCodeHost.Access.WRITE) {
                throw GitHubError.of(403, "Resource not accessible by personal access token");
            }
            return repo;
        }

        /** The JSON body; 400 "Problems parsing JSON" when it is not JSON. An empty body is {}. */
        JsonNode body() throws IOException {
            if (body == null) {
                byte[] bytes = req.getInputStream().readAllBytes();
                try {
                    body = bytes.length == 0 ? GitHubJson.JSON.createObjectNode() : GitHubJson.JSON.readTree(bytes);
                } catch (IOException e) {
                    throw GitHubError.of(400, "Problems parsing JSON");
                }
                if (body == null || body.isMissingNode()) {
                    body = GitHubJson.JSON.createObjectNode();
                }
            }
            return body;
        }

        /** A string field of the body, null when absent or null; 422 when present with another type. */
        String text(String resource, String field) throws IOException {
            JsonNode v = body().path(field);
            if (v.isMissingNode() || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw GitHubError.invalid(resource, field, "invalid");
            }
            return v.asText();
        }
    }

    private final CodeHostState state;
    private final LocalCodeHost host;
    private final GitHubJson json;
    private final Routes<Handler> routes = new Routes<>();

    ApiServlet(CodeHostState state, GitHubJson json, LocalCodeHost host) {
        this.host = host;
        this.state = state;
        this.json = json;
        routes.add("GET", "/", c -> Reply.of(200, json.root()))
                .add("GET", "/user", this::authenticatedUser)
                .add("GET", "/users/{username}", this::user)
                .add("GET", "/rate_limit", this::rateLimit)
                .add("GET", "/repos/{owner}/{repo}", c -> Reply.of(200, json.repository(c.repo(),
                        c.access() == LocalCodeHost.Access.WRITE)))
                .add("GET", "/user/repos", this::listUserRepos)
                .add("POST", "/user/repos", c -> createRepo(c, state.botLogin()))
                .add("GET", "/orgs/{org}/repos", this::listOrgRepos)
                .add("POST", "/orgs/{org}/repos", c -> createRepo(c, c.param("org")))
                .add("GET", "/repos/{owner}/{repo}/topics", c -> Reply.of(200, json.topics(state.topics(c.repo()))))
                .add("PUT", "/repos/{owner}/{repo}/topics", this::replaceTopics)
                .add("GET", "/search/repositories", this::searchRepos)
                .add("GET", "/repos/{owner}/{repo}/pulls", this::listPulls)
                .add("POST", "/repos/{owner}/{repo}/pulls", this::createPull)
                .add("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", this::getPull)
                .add("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}", this::updatePull)
                .add("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge", this::merge)
                .add("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", this::listReviews)
                .add("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", this::createReview)
                .add("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", this::requestReviewers)
                .add("GET", "/repos/{owner}/{repo}/issues/{issue_number}/labels", this::listLabels)
                .add("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels", this::addLabels)
                .add("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", this::listComments)
                .add("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", this::createComment)
                .add("POST", "/repos/{owner}/{repo}/check-runs", this::createCheckRun)
                .add("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs", this::listCheckRuns)
                .add("GET", "/repos/{owner}/{repo}/commits/{ref}/statuses", this::listStatuses)
                .add("GET", "/repos/{owner}/{repo}/commits/{ref}/status", this::combinedStatus)
                .add("POST", "/repos/{owner}/{repo}/statuses/{sha}", this::createStatus)
                .add("POST", "/app/installations/{installation_id}/access_tokens", this::installationToken)
                .add("GET", "/repos/{owner}/{repo}/installation", this::repositoryInstallation)
                // Undocumented alias GitHub still serves (and github-api's listCommitStatuses calls).
                .add("GET", "/repos/{owner}/{repo}/statuses/{ref}", this::listStatuses);
    }

    /** The route table (the contract test checks each route against GitHub's description). */
    Routes<Handler> routes() {
        return routes;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String raw = req.getRequestURI();
        String path = raw.length() > "/api/v3".length() ? raw.substring("/api/v3".length()) : "/";
        Optional<Routes.Match<Handler>> match = routes.match(req.getMethod(), path);
        Reply reply;
        try {
            if (match.isEmpty()) {
                throw GitHubError.notFound();
            }
            reply = match.get().route().handler().handle(new Call(req, match.get()));
        } catch (GitHubError e) {
            reply = Reply.of(e.status(), json.error(e));
        }
        reply.headers().forEach(resp::setHeader);
        write(resp, reply.status(), reply.body());
    }

    // ---- handlers ----------------------------------------------------------------------------------------------

    private Reply authenticatedUser(Call c) {
        if (c.access() == null) {
            throw GitHubError.of(401, "Requires authentication");
        }
        return Reply.of(200, json.privateUser(state.botLogin(), state.clock().instant()));
    }

    /** GitHub App: a JWT of the app, an installation it has: 201 an hour's token. */
    private Reply installationToken(Call c) {
        String[] app = app(c);
        if (!host.isInstallation(c.param("installation_id"))) {
            throw GitHubError.notFound();
        }
        Map.Entry<String, java.time.Instant> issued = host.issueInstallationToken(c.param("installation_id"));
        return Reply.of(201, json.installationToken(issued.getKey(), issued.getValue()));
    }

    /** GitHub App: the installation that covers a repository (its owner's, else the app's first). */
    private Reply repositoryInstallation(Call c) {
        String[] app = app(c);
        HostedRepository repo = state.repository(c.param("owner"), c.param("repo"));
        return Reply.of(200, json.installation(app[0], host.installationOf(repo.owner), repo.owner, repo.createdAt));
    }

    private String[] app(Call c) {
        String[] app = host.githubApp();
        if (app == null || c.req.getAttribute(FrontFilter.APP) == null) {
            throw GitHubError.of(401, "A JSON web token could not be decoded");
        }
        return app;
    }

    private Reply user(Call c) {
        String login = c.param("username");
        if (!state.knowsUser(login)) {
            throw GitHubError.notFound();
        }
        return Reply.of(200, json.publicUser(login, state.clock().instant()));
    }

    private Reply rateLimit(Call c) {
        // Free, as on GitHub: FrontFilter reports the window without counting this request.
        RateLimiter.Primary p = (RateLimiter.Primary) c.req.getAttribute(FrontFilter.PRIMARY);
        return Reply.of(200, json.rateLimit(p.limit(), p.remaining(), p.resetEpochSecond(), p.used()));
    }

    private Reply listUserRepos(Call c) {
        if (c.access() == null) {
            throw GitHubError.of(401, "Requires authentication");
        }
        boolean write = c.access() == LocalCodeHost.Access.WRITE;
        return page(c, state.repositoriesOf(null), r -> json.repository(r, write));
    }

    private Reply listOrgRepos(Call c) {
        // Every repository here is private: an anonymous caller sees none of an organisation's.
        List<HostedRepository> repos = c.access() == null ? List.of() : state.repositoriesOf(c.param("org"));
        if (repos.isEmpty() && c.access() != null) { // an organisation exists here through its repositories
            throw GitHubError.notFound();
        }
        boolean write = c.access() == LocalCodeHost.Access.WRITE;
        return page(c, repos, r -> json.repository(r, write));
    }

    private Reply createRepo(Call c, String owner) throws IOException {
        if (c.access() == null) {
            throw GitHubError.of(401, "Requires authentication");
        }
        if (c.access() != LocalCodeHost.Access.WRITE) {
            throw GitHubError.of(403, "Resource not accessible by personal access token");
        }
        JsonNode auto = c.body().path("auto_init");
        HostedRepository repo = state.createRepositoryByApi(owner, c.text("Repository", "name"),
                auto.isBoolean() && auto.asBoolean());
        JsonNode created = json.repository(repo, true);
        return new Reply(201, created, Map.of("Location", created.get("url").asText()));
    }

    private Reply replaceTopics(Call c) throws IOException {
        HostedRepository repo = c.writableRepo();
        JsonNode names = c.body().get("names");
        if (names == null || !names.isArray()) {
            throw GitHubError.invalid("Topic", "names", "missing_field");
        }
        List<String> topics = new ArrayList<>();
        for (JsonNode n : names) {
            if (!n.isTextual()) {
                throw GitHubError.invalid("Topic", "names", "invalid");
            }
            topics.add(n.asText());
        }
        return Reply.of(200, json.topics(state.replaceTopics(repo, topics)));
    }

    private Reply searchRepos(Call c) {
        // Anonymous callers find no (private) repository.
        List<HostedRepository> found = state.search(c.query("q"));
        List<HostedRepository> visible = c.access() == null ? List.of() : found;
        boolean write = c.access() == LocalCodeHost.Access.WRITE;
        Reply page = page(c, visible, r -> json.repository(r, write).put("score", 1.0));
        return new Reply(200, json.searchResult(visible.size(), (ArrayNode) page.body()), page.headers());
    }

    private Reply listPulls(Call c) {
        HostedRepository repo = c.repo();
        String state = Optional.ofNullable(c.query("state")).orElse("open");
        List<HostedRepository.PullRequestState> pulls = this.state.listPulls(repo, state, c.query("head"),
                c.query("base"));
        synchronized (repo) {
            return page(c, pulls, pr -> json.pull(repo, pr, false));
        }
    }

    private Reply createPull(Call c) throws IOException {
        HostedRepository repo = c.writableRepo();
        JsonNode in = c.body();
        HostedRepository.PullRequestState pr = state.openPull(repo, c.text("PullRequest", "title"),
                Optional.ofNullable(c.text("PullRequest", "head")).orElse(""),
                Optional.ofNullable(c.text("PullRequest", "base")).orElse(""),
                c.text("PullRequest", "body"), in.path("draft").asBoolean(false), state.botLogin());
        synchronized (repo) {
            JsonNode created = json.pull(repo, pr, true);
            return new Reply(201, created, Map.of("Location", created.get("url").asText()));
        }
    }

    private Reply getPull(Call c) {
        HostedRepository repo = c.repo();
        synchronized (repo) {
            return Reply.of(200, json.pull(repo, state.pull(repo, c.number("pull_number")), true));
        }
    }

    private Reply updatePull(Call c) throws IOException {
        HostedRepository repo = c.writableRepo();
        HostedRepository.PullRequestState pr = state.updatePull(repo, c.number("pull_number"),
                c.text("PullRequest", "title"), c.body().path("body").isNull() ? "" : c.text("PullRequest", "body"),
                c.text("PullRequest", "state"), c.text("PullRequest", "base"));
        synchronized (repo) {
            return Reply.of(200, json.pull(repo, pr, true));
        }
    }

    private Reply merge(Call c) throws IOException {
        HostedRepository repo = c.writableRepo();
        JsonNode in = c.body();
        String method = in.path("merge_method").asText("merge");
        if (!List.of("merge", "squash", "rebase").contains(method)) {
            throw GitHubError.invalid("PullRequest", "merge_method", "invalid");
        }
        String sha = in.path("sha").isTextual() ? in.get("sha").asText() : null;
        return Reply.of(200, json.mergeResult(state.merge(repo, c.number("pull_number"), state.botLogin(), method,
                sha)));
    }

    private Reply listComments(Call c) {
        HostedRepository repo = c.repo();
        synchronized (repo) {
            HostedRepository.PullRequestState pr = state.pull(repo, c.number("issue_number"));
            return page(c, List.copyOf(pr.comments), m -> json.issueComment(repo, pr, m));
        }
    }

    private Reply createComment(Call c) throws IOException {
        HostedRepository repo = c.writableRepo();
        int number = c.number("issue_number");
        HostedRepository.Comment comment = state.comment(repo, number, state.botLogin(),
                c.text("IssueComment", "body"));
        synchronized (repo) {
            JsonNode created = json.issueComment(repo, state.pull(repo, number), comment);
            return new Reply(201, created, Map.of("Location", created.get("url").asText()));
        }
    }

    private Reply listReviews(Call c) {
        HostedRepository repo = c.repo();
        synchronized (repo) {
            HostedRepository.PullRequestState pr = state.pull(repo, c.number("pull_number"));
            return page(c, List.copyOf(pr.reviews), r -> json.review(repo, pr, r));
        }
    }

    private Reply createReview(Call c) throws IOException {
        HostedRepository repo = c.writableRepo();
        int number = c.number("pull_number");
        HostedRepository.Review review = state.review(repo, number, state.botLogin(),
                c.text("PullRequestReview", "event"), c.text("PullRequestReview", "body"));
        synchronized (repo) {
            return Reply.of(200, json.review(repo, state.pull(repo, number), review));
        }
    }

    private Reply requestReviewers(Call c) throws IOException {
        HostedRepository repo = c.writableRepo();
        List<String> logins = new ArrayList<>();
        c.body().path("reviewers").forEach(r -> logins.add(r.asText()));
        HostedRepository.PullRequestState pr = state.requestReviewers(repo, c.number("pull_number"), logins);
        synchronized (repo) {
            return Reply.of(201, json.pull(repo, pr, false));
        }
    }

    private Reply listLabels(Call c) {
        HostedRepository repo = c.repo();
        synchronized (repo) {
            HostedRepository.PullRequestState pr = state.pull(repo, c.number("issue_number"));
            return page(c, List.copyOf(pr.labels), l -> json.label(repo, l));
        }
    }

    private Reply addLabels(Call c) throws IOException {
        HostedRepository repo = c.writableRepo();
        JsonNode in = c.body();
        JsonNode names = in.isArray() ? in : in.get("labels");
        if (names == null || !names.isArray()) {
            throw GitHubError.invalid("Label", "labels", "missing_field");
        }
        List<String> labels = new ArrayList<>();
        names.forEach(n -> labels.add(n.isObject() ? n.path("name").asText() : n.asText()));
        HostedRepository.PullRequestState pr = state.addLabels(repo, c.number("issue_number"), labels,
                state.botLogin());
        synchronized (repo) {
            ArrayNode out = GitHubJson.JSON.createArrayNode();
            pr.labels.forEach(l -> out.add(json.label(repo, l)));
            return Reply.of(200, out);
        }
    }

    private Reply createCheckRun(Call c) throws IOException {
        HostedRepository repo = c.writableRepo();
        if (c.text("CheckRun", "head_sha") == null) {
            throw GitHubError.invalid("CheckRun", "head_sha", "missing_field");
        }
        HostedRepository.CheckRun run = state.setCheck(repo, c.text("CheckRun", "head_sha"),
                c.text("CheckRun", "name"), c.text("CheckRun", "status"), c.text("CheckRun", "conclusion"));
        return Reply.of(201, json.checkRun(repo, run));
    }

    private Reply listCheckRuns(Call c) {
        HostedRepository repo = c.repo();
        List<HostedRepository.CheckRun> runs = state.checkRuns(repo, c.param("ref"));
        String name = c.query("check_name");
        List<HostedRepository.CheckRun> selected = name == null ? runs
                : runs.stream().filter(r -> r.name().equals(name)).toList();
        int perPage = perPage(c);
        int page = pageNumber(c);
        int from = Math.min(selected.size(), (page - 1) * perPage);
        return Reply.of(200, json.checkRuns(repo, selected.subList(from, Math.min(selected.size(),
                from + perPage))).put("total_count", selected.size()));
    }

    private Reply listStatuses(Call c) {
        HostedRepository repo = c.repo();
        List<HostedRepository.CommitStatus> statuses = state.statuses(repo, c.param("ref"));
        return page(c, statuses, s -> json.status(repo, s));
    }

    private Reply combinedStatus(Call c) {
        HostedRepository repo = c.repo();
        String sha = state.resolveOrNotFound(repo, c.param("ref"));
        return Reply.of(200, json.combinedStatus(repo, sha, state.statuses(repo, sha)));
    }

    private Reply createStatus(Call c) throws IOException {
        HostedRepository repo = c.writableRepo();
        HostedRepository.CommitStatus status = state.createStatus(repo, c.param("sha"), c.text("Status", "state"),
                c.text("Status", "context"), c.text("Status", "description"), c.text("Status", "target_url"),
                state.botLogin());
        return Reply.of(201, json.status(repo, status));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** One page of {@code items} with GitHub's {@code per_page} (≤ 100), {@code page} and {@code Link} header. */
    private <T> Reply page(Call c, List<T> items, Function<T, JsonNode> render) {
        int perPage = perPage(c);
        int page = pageNumber(c);
        int from = Math.min(items.size(), (page - 1) * perPage);
        int to = Math.min(items.size(), from + perPage);
        int lastPage = Math.max(1, (items.size() + perPage - 1) / perPage);
        Map<String, String> headers = new LinkedHashMap<>();
        if (page < lastPage) {
            String query = c.req.getQueryString() == null ? "" : c.req.getQueryString()
                    .replaceAll("(^|&)(page|per_page)=[^&]*", "").replaceAll("^&", "");
            String url = json.apiUrl() + c.req.getRequestURI().substring("/api/v3".length()) + "?"
                    + (query.isEmpty() ? "" : query + "&") + "per_page=" + perPage + "&page=";
            headers.put("Link", "<" + url + (page + 1) + ">; rel=\"next\", <" + url + lastPage + ">; rel=\"last\"");
        }
        ArrayNode out = GitHubJson.JSON.createArrayNode();
        items.subList(from, to).forEach(i -> out.add(render.apply(i)));
        return new Reply(200, out, headers);
    }

    private static int perPage(Call c) {
        return Math.max(1, Math.min(100, intParam(c, "per_page", 30)));
    }

    private static int pageNumber(Call c) {
        return Math.max(1, intParam(c, "page", 1));
    }

    private static int intParam(Call c, String name, int dflt) {
        try {
            String v = c.query(name);
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    static void write(HttpServletResponse resp, int status, JsonNode body) throws IOException {
        byte[] bytes = GitHubJson.JSON.writeValueAsBytes(body);
        resp.setStatus(status);
        resp.setContentType("application/json; charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
