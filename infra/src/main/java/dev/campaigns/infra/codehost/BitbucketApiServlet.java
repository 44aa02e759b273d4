package dev.campaigns.infra.codehost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subset of Bitbucket Server's REST API (under {@code /rest}) that the system calls, over the same
 * {@link CodeHostState} the GitHub API serves: a repository is {@code PROJECT/slug}; pull requests under
 * {@code /api/1.0/projects/{projectKey}/repos/{repositorySlug}/pull-requests} (paged list filtered by {@code at},
 * {@code direction}, {@code state}; create; get; update with Bitbucket's optimistic {@code version}; decline;
 * merge), users, and build statuses under {@code /build-status/1.0/commits/{commitId}} (check runs and commit
 * statuses of the commit). Errors are Bitbucket's {@code {"errors":[{"message", "exceptionName"}]}}; a second open
 * pull request between the same branches is 409 {@code DuplicatePullRequestException}; a stale version 409
 * {@code PullRequestOutOfDateException}.
 */
final class BitbucketApiServlet extends HttpServlet {
    static final String PREFIX = "/rest";
    private static final String REPO = "/api/1.0/projects/{projectKey}/repos/{repositorySlug}";

    @FunctionalInterface
    interface Handler {
        ApiServlet.Reply handle(HttpServletRequest req, Routes.Match<Handler> match) throws IOException;
    }

    private final CodeHostState state;
    private final String baseUrl;
    private static final String NOT_JSON = "The request body is not valid JSON.";
    private final Routes<Handler> routes = new Routes<>();
    private final Map<Long, AtomicInteger> versions = new ConcurrentHashMap<>();

    BitbucketApiServlet(CodeHostState state, String baseUrl) {
        this.state = state;
        this.baseUrl = baseUrl;
        routes.add("GET", "/api/1.0/users/{userSlug}", this::user)
                .add("GET", REPO, (r, m) -> ApiServlet.Reply.of(200, repository(repo(r, m))))
                .add("GET", REPO + "/pull-requests", this::list)
                .add("POST", REPO + "/pull-requests", this::create)
                .add("GET", REPO + "/pull-requests/{pullRequestId}", this::get)
                .add("PUT", REPO + "/pull-requests/{pullRequestId}", this::update)
                .add("POST", REPO + "/pull-requests/{pullRequestId}/decline", this::decline)
                .add("POST", REPO + "/pull-requests/{pullRequestId}/merge", this::merge)
                .add("POST", REPO + "/pull-requests/{pullRequestId}/comments", this::comment)
                .add("GET", REPO + "/pull-requests/{pullRequestId}/activities", this::activities)
                .add("GET", "/build-status/1.0/commits/{commitId}", this::buildStatuses);
    }

    Routes<Handler> routes() {
        return routes;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String raw = req.getRequestURI();
        String path = raw.length() > PREFIX.length() ? raw.substring(PREFIX.length()) : "/";
        Optional<Routes.Match<Handler>> match = routes.match(req.getMethod(), path);
        ApiServlet.Reply reply;
        try {
            reply = match.isEmpty() ? error(404, "No such resource: " + path, "NotFoundException")
                    : match.get().route().handler().handle(req, match.get());
        } catch (GitHubError e) {
            reply = translate(e);
        }
        reply.headers().forEach(resp::setHeader);
        ApiServlet.write(resp, reply.status(), reply.body());
    }

    // ---- handlers ----------------------------------------------------------------------------------------------

    private ApiServlet.Reply user(HttpServletRequest req, Routes.Match<Handler> m) {
        String name = m.param("userSlug");
        if (!state.knowsUser(name)) {
            return error(404, "User " + name + " does not exist.", "com.atlassian.bitbucket.user.NoSuchUserException");
        }
        return ApiServlet.Reply.of(200, userJson(name));
    }

    private ApiServlet.Reply list(HttpServletRequest req, Routes.Match<Handler> m) {
        HostedRepository repo = repo(req, m);
        String wanted = Optional.ofNullable(req.getParameter("state")).orElse("OPEN").toUpperCase();
        String at = req.getParameter("at");
        boolean incoming = "INCOMING".equalsIgnoreCase(req.getParameter("direction"));
        List<HostedRepository.PullRequestState> pulls = state.listPulls(repo, "all", null, null);
        List<ObjectNode> values = new ArrayList<>();
        synchronized (repo) {
            for (HostedRepository.PullRequestState pr : pulls) {
                String ref = "refs/heads/" + (incoming ? pr.baseRef : pr.headRef);
                if (at != null && !at.equals(ref) && !at.equals(incoming ? pr.baseRef : pr.headRef)) {
                    continue;
                }
                if (!"ALL".equals(wanted) && !wanted.equals(stateOf(pr))) {
                    continue;
                }
                values.add(pullRequest(repo, pr));
            }
        }
        int start = intParam(req, "start", 0);
        int limit = Math.max(1, Math.min(1000, intParam(req, "limit", 25)));
        return ApiServlet.Reply.of(200, page(values, start, limit));
    }

    private ApiServlet.Reply create(HttpServletRequest req, Routes.Match<Handler> m) throws IOException {
        HostedRepository repo = writable(req, m);
        JsonNode in = JsonBodies.object(req, NOT_JSON);
        String title = in.path("title").asText("");
        if (title.isBlank()) {
            return error(400, "title: A title is required.", "com.atlassian.bitbucket.validation.ArgumentValidationException");
        }
        String from = branch(in.path("fromRef").path("id").asText(""));
        String to = branch(in.path("toRef").path("id").asText(""));
        if (repo.branchTip(from).isEmpty() || repo.branchTip(to).isEmpty()) {
            return error(404, "Repository \"" + repo.name + "\" of project " + repo.owner + " has no branch "
                    + (repo.branchTip(from).isEmpty() ? from : to) + ".",
                    "com.atlassian.bitbucket.repository.NoSuchBranchException");
        }
        List<String> reviewers = new ArrayList<>();
        in.path("reviewers").forEach(r -> reviewers.add(r.path("user").path("name").asText()));
        for (String r : reviewers) {
            if (!state.knowsUser(r)) {
                return error(409, "Errors encountered while adding some reviewers to this pull request.",
                        "com.atlassian.bitbucket.pull.InvalidPullRequestReviewersException");
            }
        }
        HostedRepository.PullRequestState pr;
        try {
            pr = state.openPull(repo, title, from, to, in.path("description").asText(""),
                    in.path("draft").asBoolean(false), state.botLogin());
        } catch (GitHubError e) {
            if (e.details().stream().anyMatch(d -> String.valueOf(d.message()).startsWith("A pull request already"))) {
                return error(409, "Only one pull request may be open for a given source and target branch",
                        "com.atlassian.bitbucket.pull.DuplicatePullRequestException");
            }
            if (e.details().stream().anyMatch(d -> String.valueOf(d.message()).startsWith("No commits"))) {
                return error(409, "Pull request cannot be created because the source branch has no changes "
                        + "compared to the target branch.", "com.atlassian.bitbucket.pull.EmptyPullRequestException");
            }
            throw e;
        }
        if (!reviewers.isEmpty()) {
            state.requestReviewers(repo, pr.number, reviewers);
        }
        synchronized (repo) {
            return ApiServlet.Reply.of(201, pullRequest(repo, pr));
        }
    }

    private ApiServlet.Reply get(HttpServletRequest req, Routes.Match<Handler> m) {
        HostedRepository repo = repo(req, m);
        synchronized (repo) {
            return ApiServlet.Reply.of(200, pullRequest(repo, pull(repo, m)));
        }
    }

    private ApiServlet.Reply update(HttpServletRequest req, Routes.Match<Handler> m) throws IOException {
        HostedRepository repo = writable(req, m);
        HostedRepository.PullRequestState pr = pull(repo, m);
        JsonNode in = JsonBodies.object(req, NOT_JSON);
        ApiServlet.Reply stale = checkVersion(pr, in.path("version").asInt(-1));
        if (stale != null) {
            return stale;
        }
        List<String> reviewers = new ArrayList<>();
        in.path("reviewers").forEach(r -> reviewers.add(r.path("user").path("name").asText()));
        List<String> unknown = reviewers.stream().filter(r -> !state.knowsUser(r)).toList();
        if (!unknown.isEmpty()) {
            return error(409, "Errors encountered while adding some reviewers to this pull request: " + unknown
                    + " is not a user.", "com.atlassian.bitbucket.pull.InvalidPullRequestReviewersException");
        }
        state.updatePull(repo, pr.number, in.has("title") ? in.path("title").asText() : null,
                in.has("description") ? in.path("description").asText("") : null, null, null);
        List<String> added;
        synchronized (repo) {
            added = reviewers.stream().filter(r -> !pr.reviewers.contains(r)
                    && pr.reviews.stream().noneMatch(v -> v.login().equals(r))).toList();
        }
        if (!added.isEmpty()) {
            state.requestReviewers(repo, pr.number, added);
        }
        bump(pr);
        synchronized (repo) {
            return ApiServlet.Reply.of(200, pullRequest(repo, pr));
        }
    }

    private ApiServlet.Reply decline(HttpServletRequest req, Routes.Match<Handler> m) {
        HostedRepository repo = writable(req, m);
        HostedRepository.PullRequestState pr = pull(repo, m);
        ApiServlet.Reply stale = checkVersion(pr, intParam(req, "version", -1));
        if (stale != null) {
            return stale;
        }
        if (!pr.open) {
            return error(409, "The pull request is not open.",
                    "com.atlassian.bitbucket.pull.IllegalPullRequestStateException");
        }
        state.close(repo, pr.number);
        bump(pr);
        synchronized (repo) {
            return ApiServlet.Reply.of(200, pullRequest(repo, pr));
        }
    }

    private ApiServlet.Reply merge(HttpServletRequest req, Routes.Match<Handler> m) throws IOException {
        HostedRepository repo = writable(req, m);
        HostedRepository.PullRequestState pr = pull(repo, m);
        ApiServlet.Reply stale = checkVersion(pr, intParam(req, "version", -1));
        if (stale != null) {
            return stale;
        }
        String strategy = JsonBodies.object(req, NOT_JSON).path("strategyId").asText("no-ff");
        String method = switch (strategy) {
            case "no-ff", "ff", "ff-only" -> "merge";
            case "squash", "squash-ff-only" -> "squash";
            case "rebase-no-ff", "rebase-ff-only" -> "rebase";
            default -> null;
        };
        if (method == null) {
            return error(400, "strategyId: " + strategy + " is not a merge strategy of this repository.",
                    "com.atlassian.bitbucket.validation.ArgumentValidationException");
        }
        try {
            state.merge(repo, pr.number, state.botLogin(), method, null);
        } catch (GitHubError e) {
            return error(409, "The pull request can not be merged.",
                    "com.atlassian.bitbucket.pull.PullRequestMergeVetoedException");
        }
        bump(pr);
        synchronized (repo) {
            return ApiServlet.Reply.of(200, pullRequest(repo, pr));
        }
    }

    private ApiServlet.Reply comment(HttpServletRequest req, Routes.Match<Handler> m) throws IOException {
        HostedRepository repo = writable(req, m);
        HostedRepository.PullRequestState pr = pull(repo, m);
        String text = JsonBodies.object(req, NOT_JSON).path("text").asText("");
        if (text.isBlank()) {
            return error(400, "text: Please enter a non-empty value",
                    "com.atlassian.bitbucket.validation.ArgumentValidationException");
        }
        HostedRepository.Comment c = state.comment(repo, pr.number, state.botLogin(), text);
        return ApiServlet.Reply.of(201, commentJson(c));
    }

    /** The pull request's activities, newest first as Bitbucket lists them: here its comments (COMMENTED). */
    private ApiServlet.Reply activities(HttpServletRequest req, Routes.Match<Handler> m) {
        HostedRepository repo = repo(req, m);
        List<ObjectNode> values = new ArrayList<>();
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, m);
            List<HostedRepository.Comment> comments = new ArrayList<>(pr.comments);
            java.util.Collections.reverse(comments);
            for (HostedRepository.Comment c : comments) {
                ObjectNode a = GitHubJson.JSON.createObjectNode();
                a.put("id", c.id()).put("createdDate", c.createdAt().toEpochMilli()).put("action", "COMMENTED")
                        .put("commentAction", "ADDED");
                a.set("user", userJson(c.login()));
                a.set("comment", commentJson(c));
                values.add(a);
            }
        }
        int start = intParam(req, "start", 0);
        int limit = Math.max(1, Math.min(1000, intParam(req, "limit", 25)));
        return ApiServlet.Reply.of(200, page(values, start, limit));
    }

    private static ObjectNode commentJson(HostedRepository.Comment c) {
        ObjectNode o = GitHubJson.JSON.createObjectNode();
        o.put("id", c.id()).put("version", 0).put("text", c.body())
                .put("createdDate", c.createdAt().toEpochMilli()).put("updatedDate", c.createdAt().toEpochMilli());
        o.set("author", userJson(c.login()));
        o.putArray("comments");
        return o;
    }

    private ApiServlet.Reply buildStatuses(HttpServletRequest req, Routes.Match<Handler> m) {
        if (req.getAttribute(FrontFilter.ACCESS) == null) {
            return error(401, "Authentication failed. Please check your credentials and try again.",
                    "com.atlassian.bitbucket.AuthorisationException");
        }
        String sha = m.param("commitId");
        List<ObjectNode> values = new ArrayList<>();
        for (String name : state.repositoryNames()) {
            HostedRepository repo = state.find(name);
            if (repo == null || repo.git.getObjectDatabase() == null) {
                continue;
            }
            boolean has;
            try {
                has = repo.git.getObjectDatabase().has(org.eclipse.jgit.lib.ObjectId.fromString(sha));
            } catch (IOException | IllegalArgumentException e) {
                has = false;
            }
            if (!has) {
                continue;
            }
            for (HostedRepository.CheckRun r : state.checkRuns(repo, sha)) {
                String st = !"completed".equals(r.status()) ? "INPROGRESS"
                        : List.of("success", "neutral", "skipped").contains(String.valueOf(r.conclusion()))
                        ? "SUCCESSFUL" : "FAILED";
                values.add(build(st, r.name(), r.completedAt() != null ? r.completedAt() : r.startedAt()));
            }
            Map<String, HostedRepository.CommitStatus> latest = new LinkedHashMap<>();
            state.statuses(repo, sha).forEach(s -> latest.merge(s.context(), s,
                    (a, b) -> b.createdAt().isAfter(a.createdAt()) ? b : a));
            for (HostedRepository.CommitStatus s : latest.values()) {
                String st = switch (s.state()) {
                    case "success" -> "SUCCESSFUL";
                    case "failure", "error" -> "FAILED";
                    default -> "INPROGRESS";
                };
                values.add(build(st, s.context(), s.createdAt()));
            }
            break;
        }
        return ApiServlet.Reply.of(200, page(values, intParam(req, "start", 0),
                Math.max(1, Math.min(1000, intParam(req, "limit", 25)))));
    }

    // ---- rendering ---------------------------------------------------------------------------------------------

    private ObjectNode pullRequest(HostedRepository repo, HostedRepository.PullRequestState pr) {
        ObjectNode out = GitHubJson.JSON.createObjectNode();
        out.put("id", pr.number).put("version", version(pr)).put("title", pr.title).put("description", pr.body)
                .put("state", stateOf(pr)).put("open", pr.open).put("closed", !pr.open).put("draft", pr.draft)
                .put("locked", false)
                .put("createdDate", pr.createdAt.toEpochMilli()).put("updatedDate", pr.updatedAt.toEpochMilli());
        if (!pr.open && pr.closedAt != null) {
            out.put("closedDate", pr.closedAt.toEpochMilli());
        }
        out.set("fromRef", ref(repo, pr.headRef, repo.headSha(pr)));
        out.set("toRef", ref(repo, pr.baseRef, repo.branchTip(pr.baseRef).orElse(null)));
        ArrayNode reviewers = out.putArray("reviewers");
        Map<String, String> status = new LinkedHashMap<>();
        pr.reviewers.forEach(r -> status.put(r, "UNAPPROVED"));
        for (HostedRepository.Review r : pr.reviews) {
            switch (r.state()) {
                case "APPROVED" -> status.put(r.login(), "APPROVED");
                case "CHANGES_REQUESTED" -> status.put(r.login(), "NEEDS_WORK");
                default -> status.putIfAbsent(r.login(), "UNAPPROVED");
            }
        }
        status.forEach((login, st) -> {
            ObjectNode rv = reviewers.addObject();
            rv.set("user", userJson(login));
            rv.put("role", "REVIEWER").put("approved", "APPROVED".equals(st)).put("status", st);
        });
        out.putArray("participants");
        out.putObject("links").putArray("self").addObject().put("href", baseUrl + "/projects/" + repo.owner
                + "/repos/" + repo.name + "/pull-requests/" + pr.number);
        return out;
    }

    private ObjectNode ref(HostedRepository repo, String branch, String sha) {
        ObjectNode ref = GitHubJson.JSON.createObjectNode();
        ref.put("id", "refs/heads/" + branch).put("displayId", branch).put("latestCommit", sha);
        ref.set("repository", repository(repo));
        return ref;
    }

    private ObjectNode repository(HostedRepository repo) {
        ObjectNode r = GitHubJson.JSON.createObjectNode();
        r.put("id", repo.id).put("slug", repo.name).put("name", repo.name).put("scmId", "git")
                .put("state", "AVAILABLE").put("public", false);
        r.putObject("project").put("key", repo.owner).put("name", repo.owner).put("type", "NORMAL");
        ObjectNode links = r.putObject("links");
        links.putArray("clone").addObject().put("href", baseUrl + "/scm/" + repo.fullName() + ".git")
                .put("name", "http");
        links.putArray("self").addObject().put("href", baseUrl + "/projects/" + repo.owner + "/repos/" + repo.name
                + "/browse");
        return r;
    }

    private static ObjectNode userJson(String name) {
        ObjectNode u = GitHubJson.JSON.createObjectNode();
        u.put("name", name).put("slug", name).put("displayName", name).put("active", true).put("type", "NORMAL");
        return u;
    }

    private static ObjectNode build(String state, String key, Instant at) {
        ObjectNode b = GitHubJson.JSON.createObjectNode();
        b.put("state", state).put("key", key).put("name", key).put("url", "https://ci.invalid/" + key);
        if (at != null) {
            b.put("createdDate", at.toEpochMilli()).put("updatedDate", at.toEpochMilli());
        }
        return b;
    }

    private static ObjectNode page(List<ObjectNode> values, int start, int limit) {
        int from = Math.min(values.size(), Math.max(0, start));
        int to = Math.min(values.size(), from + limit);
        ObjectNode page = GitHubJson.JSON.createObjectNode();
        page.put("size", to - from).put("limit", limit).put("start", from).put("isLastPage", to >= values.size());
        if (to < values.size()) {
            page.put("nextPageStart", to);
        }
        ArrayNode out = page.putArray("values");
        values.subList(from, to).forEach(out::add);
        return page;
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static String stateOf(HostedRepository.PullRequestState pr) {
        return pr.merged ? "MERGED" : pr.open ? "OPEN" : "DECLINED";
    }

    private int version(HostedRepository.PullRequestState pr) {
        return versions.computeIfAbsent(pr.id, id -> new AtomicInteger()).get();
    }

    private void bump(HostedRepository.PullRequestState pr) {
        versions.computeIfAbsent(pr.id, id -> new AtomicInteger()).incrementAndGet();
    }

    private ApiServlet.Reply checkVersion(HostedRepository.PullRequestState pr, int given) {
        if (given != version(pr)) {
            return error(409, "You are attempting to modify a pull request based on out-of-date information.",
                    "com.atlassian.bitbucket.pull.PullRequestOutOfDateException");
        }
        return null;
    }

    private static String branch(String ref) {
        return ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
    }

    private HostedRepository repo(HttpServletRequest req, Routes.Match<Handler> m) {
        if (req.getAttribute(FrontFilter.ACCESS) == null) {
            throw GitHubError.of(401, "Authentication failed. Please check your credentials and try again.");
        }
        HostedRepository repo = state.find(m.param("projectKey") + "/" + m.param("repositorySlug"));
        if (repo == null) {
            throw GitHubError.of(404, "Repository " + m.param("projectKey") + "/" + m.param("repositorySlug")
                    + " does not exist.");
        }
        return repo;
    }

    private HostedRepository writable(HttpServletRequest req, Routes.Match<Handler> m) {
        HostedRepository repo = repo(req, m);
        if (req.getAttribute(FrontFilter.ACCESS) != LocalCodeHost.Access.WRITE) {
            throw GitHubError.of(403, "You are not permitted to access this resource");
        }
        return repo;
    }

    private HostedRepository.PullRequestState pull(HostedRepository repo, Routes.Match<Handler> m) {
        try {
            return state.pull(repo, Integer.parseInt(m.param("pullRequestId")));
        } catch (NumberFormatException | GitHubError e) {
            throw GitHubError.of(404, "Pull request " + m.param("pullRequestId") + " does not exist in "
                    + repo.fullName() + ".");
        }
    }

    private static int intParam(HttpServletRequest req, String name, int dflt) {
        try {
            String v = req.getParameter(name);
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    static ApiServlet.Reply error(int status, String message, String exceptionName) {
        ObjectNode body = GitHubJson.JSON.createObjectNode();
        ObjectNode e = body.putArray("errors").addObject();
        e.put("message", message).put("exceptionName", exceptionName);
        return ApiServlet.Reply.of(status, body);
    }

    private static ApiServlet.Reply translate(GitHubError e) {
        return switch (e.status()) {
            case 401 -> error(401, e.getMessage(), "com.atlassian.bitbucket.AuthorisationException");
            case 403 -> error(403, e.getMessage(), "com.atlassian.bitbucket.AuthorisationException");
            case 404 -> error(404, e.getMessage(), "com.atlassian.bitbucket.NoSuchEntityException");
            default -> {
                List<String> messages = new ArrayList<>();
                e.details().forEach(d -> messages.add(d.message() != null ? d.message() : d.field() + " is invalid"));
                messages.addAll(e.simpleErrors());
                yield error(e.status() == 422 ? 400 : e.status(), messages.isEmpty() ? e.getMessage()
                        : String.join("; ", messages), "com.atlassian.bitbucket.validation.ArgumentValidationException");
            }
        };
    }
}
