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
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The subset of GitLab's REST API v4 (under {@code /api/v4}) that the system calls, over the same
 * {@link CodeHostState} the GitHub API serves: projects by URL-encoded full path, merge requests (list by source
 * branch, create, get, update with {@code add_labels}/{@code reviewer_ids}/{@code state_event}, merge), approvals,
 * users by username. Errors are GitLab's ({@code {"message": ...}}): 404 {@code "404 Project Not Found"}, 409 for a
 * second open merge request from one source branch, 401 {@code "401 Unauthorized"}, 403 {@code "403 Forbidden"}.
 * A merge request's draft state is GitLab's {@code Draft:} title prefix; its {@code head_pipeline} is the combined
 * check runs and commit statuses of its head commit; its approvals are the APPROVED reviews.
 */
final class GitLabApiServlet extends HttpServlet {
    static final String PREFIX = "/api/v4";

    @FunctionalInterface
    interface Handler {
        ApiServlet.Reply handle(HttpServletRequest req, Routes.Match<Handler> match) throws IOException;
    }

    private final CodeHostState state;
    private final String baseUrl;
    private static final String NOT_JSON = "400 Bad request - the body is not JSON";
    private final Routes<Handler> routes = new Routes<>();
    private final Map<String, Long> userIds = new ConcurrentHashMap<>();
    private final AtomicLong nextUserId = new AtomicLong(1);

    GitLabApiServlet(CodeHostState state, String baseUrl) {
        this.state = state;
        this.baseUrl = baseUrl;
        routes.add("GET", "/user", (r, m) -> ApiServlet.Reply.of(200, user(state.botLogin())))
                .add("GET", "/users", this::users)
                .add("GET", "/projects/{id}", (r, m) -> ApiServlet.Reply.of(200, project(repo(r, m))))
                .add("GET", "/projects/{id}/merge_requests", this::list)
                .add("POST", "/projects/{id}/merge_requests", this::create)
                .add("GET", "/projects/{id}/merge_requests/{merge_request_iid}", this::get)
                .add("PUT", "/projects/{id}/merge_requests/{merge_request_iid}", this::update)
                .add("PUT", "/projects/{id}/merge_requests/{merge_request_iid}/merge", this::merge)
                .add("GET", "/projects/{id}/merge_requests/{merge_request_iid}/notes", this::notes)
                .add("POST", "/projects/{id}/merge_requests/{merge_request_iid}/notes", this::addNote)
                .add("GET", "/projects/{id}/merge_requests/{merge_request_iid}/approvals", this::approvals);
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
            if (match.isEmpty()) {
                reply = error(404, "404 Not Found");
            } else {
                reply = match.get().route().handler().handle(req, match.get());
            }
        } catch (GitHubError e) {
            reply = translate(e);
        }
        reply.headers().forEach(resp::setHeader);
        ApiServlet.write(resp, reply.status(), reply.body());
    }

    // ---- handlers ----------------------------------------------------------------------------------------------

    private ApiServlet.Reply users(HttpServletRequest req, Routes.Match<Handler> m) {
        ArrayNode out = GitHubJson.JSON.createArrayNode();
        String username = req.getParameter("username");
        if (username != null && state.knowsUser(username)) {
            out.add(user(username));
        }
        return ApiServlet.Reply.of(200, out);
    }

    private ApiServlet.Reply list(HttpServletRequest req, Routes.Match<Handler> m) {
        HostedRepository repo = repo(req, m);
        String wanted = Optional.ofNullable(req.getParameter("state")).orElse("all");
        String source = req.getParameter("source_branch");
        List<HostedRepository.PullRequestState> pulls = state.listPulls(repo, "all", null, null);
        ArrayNode out = GitHubJson.JSON.createArrayNode();
        synchronized (repo) {
            for (HostedRepository.PullRequestState pr : pulls) {
                if (source != null && !source.equals(pr.headRef)) {
                    continue;
                }
                if (!"all".equals(wanted) && !wanted.equals(stateOf(pr))) {
                    continue;
                }
                out.add(mergeRequest(repo, pr));
            }
        }
        return ApiServlet.Reply.of(200, out);
    }

    private ApiServlet.Reply create(HttpServletRequest req, Routes.Match<Handler> m) throws IOException {
        HostedRepository repo = writable(req, m);
        JsonNode in = JsonBodies.object(req, NOT_JSON);
        String title = in.path("title").asText(null);
        if (title == null || title.isBlank()) {
            return error(400, "title is missing");
        }
        String source = in.path("source_branch").asText("");
        String target = in.path("target_branch").asText("");
        if (source.isEmpty() || target.isEmpty()) {
            return error(400, (source.isEmpty() ? "source_branch" : "target_branch") + " is missing");
        }
        if (repo.branchTip(source).isEmpty() || repo.branchTip(target).isEmpty()) {
            return error(422, List.of("Source branch or target branch does not exist"));
        }
        boolean draft = title.startsWith("Draft:") || title.startsWith("[Draft]") || title.startsWith("(Draft)")
                || in.path("draft").asBoolean(false);
        HostedRepository.PullRequestState pr;
        try {
            pr = state.openPull(repo, title, source, target, in.path("description").asText(""), draft,
                    state.botLogin());
        } catch (GitHubError e) {
            if (e.details().stream().anyMatch(d -> String.valueOf(d.message()).startsWith("A pull request already"))) {
                synchronized (repo) {
                    int existing = repo.pulls.stream().filter(p -> p.open && p.headRef.equals(source)
                            && p.baseRef.equals(target)).mapToInt(p -> p.number).findFirst().orElse(0);
                    return error(409, List.of("Another open merge request already exists for this source branch: !"
                            + existing));
                }
            }
            throw e;
        }
        List<String> labels = labels(in.path("labels"));
        if (!labels.isEmpty()) {
            state.addLabels(repo, pr.number, labels, state.botLogin());
        }
        List<String> reviewers = logins(in.path("reviewer_ids"));
        if (!reviewers.isEmpty()) {
            state.requestReviewers(repo, pr.number, reviewers);
        }
        synchronized (repo) {
            return ApiServlet.Reply.of(201, mergeRequest(repo, pr));
        }
    }

    private ApiServlet.Reply get(HttpServletRequest req, Routes.Match<Handler> m) {
        HostedRepository repo = repo(req, m);
        synchronized (repo) {
            return ApiServlet.Reply.of(200, mergeRequest(repo, pull(repo, m)));
        }
    }

    private ApiServlet.Reply update(HttpServletRequest req, Routes.Match<Handler> m) throws IOException {
        HostedRepository repo = writable(req, m);
        int iid = pull(repo, m).number;
        JsonNode in = JsonBodies.object(req, NOT_JSON);
        String event = in.path("state_event").asText(null);
        if (event != null && !List.of("close", "reopen").contains(event)) {
            return error(400, "state_event does not have a valid value");
        }
        HostedRepository.PullRequestState pr = pull(repo, m);
        if (!pr.merged) {
            state.updatePull(repo, iid, in.path("title").asText(null),
                    in.has("description") ? in.path("description").asText("") : null,
                    event == null ? null : "close".equals(event) ? "closed" : "open",
                    in.path("target_branch").asText(null));
        }
        List<String> labels = labels(in.path("add_labels"));
        if (!labels.isEmpty()) {
            state.addLabels(repo, iid, labels, state.botLogin());
        }
        if (in.has("reviewer_ids")) {
            List<String> wanted = logins(in.path("reviewer_ids"));
            List<String> added;
            synchronized (repo) {
                added = wanted.stream().filter(l -> !pr.reviewers.contains(l)).toList();
            }
            if (!added.isEmpty()) {
                state.requestReviewers(repo, iid, added);
            }
        }
        synchronized (repo) {
            return ApiServlet.Reply.of(200, mergeRequest(repo, pr));
        }
    }

    private ApiServlet.Reply merge(HttpServletRequest req, Routes.Match<Handler> m) throws IOException {
        HostedRepository repo = writable(req, m);
        HostedRepository.PullRequestState pr = pull(repo, m);
        JsonNode in = JsonBodies.object(req, NOT_JSON);
        String sha = in.path("sha").isTextual() ? in.get("sha").asText() : null;
        try {
            state.merge(repo, pr.number, state.botLogin(), in.path("squash").asBoolean(false) ? "squash" : "merge",
                    sha);
        } catch (GitHubError e) {
            if (e.status() == 409) {
                return error(409, "SHA does not match HEAD of source branch: " + sha);
            }
            return error(405, "405 Method Not Allowed");
        }
        synchronized (repo) {
            return ApiServlet.Reply.of(200, mergeRequest(repo, pr));
        }
    }

    /** GitLab's notes of a merge request ({@code page}, {@code per_page}), oldest first. */
    private ApiServlet.Reply notes(HttpServletRequest req, Routes.Match<Handler> m) {
        HostedRepository repo = repo(req, m);
        int page = Math.max(1, parse(req.getParameter("page"), 1));
        int perPage = Math.max(1, Math.min(100, parse(req.getParameter("per_page"), 20)));
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, m);
            ArrayNode out = GitHubJson.JSON.createArrayNode();
            pr.comments.stream().skip((long) (page - 1) * perPage).limit(perPage)
                    .forEach(c -> out.add(note(pr, c)));
            return ApiServlet.Reply.of(200, out);
        }
    }

    private ApiServlet.Reply addNote(HttpServletRequest req, Routes.Match<Handler> m) throws IOException {
        HostedRepository repo = writable(req, m);
        HostedRepository.PullRequestState pr = pull(repo, m);
        String body = JsonBodies.object(req, NOT_JSON).path("body").asText("");
        if (body.isBlank()) {
            return error(400, "body is missing");
        }
        HostedRepository.Comment c = state.comment(repo, pr.number, state.botLogin(), body);
        synchronized (repo) {
            return ApiServlet.Reply.of(201, note(pr, c));
        }
    }

    private ObjectNode note(HostedRepository.PullRequestState pr, HostedRepository.Comment c) {
        ObjectNode n = GitHubJson.JSON.createObjectNode();
        n.put("id", c.id()).put("type", (String) null).put("body", c.body()).put("system", false)
                .put("created_at", c.createdAt().toString()).put("updated_at", c.createdAt().toString())
                .put("noteable_id", pr.id).put("noteable_type", "MergeRequest").put("noteable_iid", pr.number);
        n.set("author", user(c.login()));
        return n;
    }

    private static int parse(String value, int otherwise) {
        try {
            return value == null ? otherwise : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private ApiServlet.Reply approvals(HttpServletRequest req, Routes.Match<Handler> m) {
        HostedRepository repo = repo(req, m);
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, m);
            Map<String, HostedRepository.Review> latest = new LinkedHashMap<>();
            pr.reviews.forEach(r -> latest.put(r.login(), r));
            ObjectNode out = GitHubJson.JSON.createObjectNode();
            out.put("id", pr.id).put("iid", pr.number).put("project_id", repo.id).put("title", pr.title)
                    .put("state", stateOf(pr)).put("merge_status", pr.open ? "can_be_merged" : "cannot_be_merged");
            ArrayNode by = out.putArray("approved_by");
            Instant at = null;
            for (HostedRepository.Review r : latest.values()) {
                if ("APPROVED".equals(r.state())) {
                    by.addObject().set("user", user(r.login()));
                    at = at == null || r.submittedAt().isAfter(at) ? r.submittedAt() : at;
                }
            }
            out.put("approved", !by.isEmpty());
            out.put("approvals_required", 0).put("approvals_left", 0);
            out.put("created_at", pr.createdAt.toString());
            out.put("updated_at", (at != null ? at : pr.updatedAt).toString());
            return ApiServlet.Reply.of(200, out);
        }
    }

    // ---- rendering ---------------------------------------------------------------------------------------------

    private ObjectNode mergeRequest(HostedRepository repo, HostedRepository.PullRequestState pr) {
        ObjectNode mr = GitHubJson.JSON.createObjectNode();
        mr.put("id", pr.id).put("iid", pr.number).put("project_id", repo.id)
                .put("title", pr.title).put("description", pr.body).put("state", stateOf(pr))
                .put("created_at", pr.createdAt.toString()).put("updated_at", pr.updatedAt.toString());
        putTime(mr, "merged_at", pr.mergedAt);
        putTime(mr, "closed_at", pr.merged ? null : pr.closedAt);
        mr.put("target_branch", pr.baseRef).put("source_branch", pr.headRef)
                .put("source_project_id", repo.id).put("target_project_id", repo.id);
        mr.set("author", user(pr.author));
        ArrayNode labels = mr.putArray("labels");
        pr.labels.forEach(labels::add);
        ArrayNode reviewers = mr.putArray("reviewers");
        pr.reviewers.forEach(r -> reviewers.add(user(r)));
        mr.put("draft", pr.draft).put("work_in_progress", pr.draft);
        String sha = repo.headSha(pr);
        mr.put("sha", sha).put("merge_commit_sha", pr.mergeCommitSha);
        mr.put("merge_status", pr.open ? "can_be_merged" : "cannot_be_merged")
                .put("detailed_merge_status", pr.open ? "mergeable" : "not_open");
        mr.put("web_url", baseUrl + "/" + repo.fullName() + "/-/merge_requests/" + pr.number);
        mr.putObject("references").put("short", "!" + pr.number).put("full", repo.fullName() + "!" + pr.number);
        ObjectNode pipeline = pipeline(repo, sha);
        if (pipeline == null) {
            mr.putNull("head_pipeline");
        } else {
            mr.set("head_pipeline", pipeline);
        }
        return mr;
    }

    /** The head commit's checks and statuses as one pipeline: failed, running or success; none: null. */
    private ObjectNode pipeline(HostedRepository repo, String sha) {
        List<HostedRepository.CheckRun> runs = sha == null ? List.of() : state.checkRuns(repo, sha);
        List<HostedRepository.CommitStatus> statuses = sha == null ? List.of() : state.statuses(repo, sha);
        if (runs.isEmpty() && statuses.isEmpty()) {
            return null;
        }
        boolean failed = false;
        boolean running = false;
        Instant created = null;
        Instant updated = null;
        for (HostedRepository.CheckRun r : runs) {
            if (!"completed".equals(r.status())) {
                running = true;
            } else if (!List.of("success", "neutral", "skipped").contains(String.valueOf(r.conclusion()))) {
                failed = true;
            }
            created = earliest(created, r.startedAt());
            updated = latest(updated, r.completedAt() != null ? r.completedAt() : r.startedAt());
        }
        Map<String, HostedRepository.CommitStatus> latestStatus = new HashMap<>();
        statuses.forEach(s -> latestStatus.merge(s.context(), s, (a, b) -> b.createdAt().isAfter(a.createdAt())
                ? b : a));
        for (HostedRepository.CommitStatus s : latestStatus.values()) {
            switch (s.state()) {
                case "failure", "error" -> failed = true;
                case "pending" -> running = true;
                default -> {
                }
            }
            created = earliest(created, s.createdAt());
            updated = latest(updated, s.createdAt());
        }
        String status = failed ? "failed" : running ? "running" : "success";
        ObjectNode p = GitHubJson.JSON.createObjectNode();
        p.put("id", Math.abs(Objects.hash(repo.id, sha)) + 1L).put("project_id", repo.id).put("sha", sha)
                .put("ref", "").put("status", status).put("source", "merge_request_event");
        putTime(p, "created_at", created);
        putTime(p, "updated_at", updated);
        putTime(p, "finished_at", running ? null : updated);
        p.put("web_url", baseUrl + "/" + repo.fullName() + "/-/pipelines/" + p.get("id").asLong());
        return p;
    }

    private ObjectNode project(HostedRepository repo) {
        ObjectNode p = GitHubJson.JSON.createObjectNode();
        p.put("id", repo.id).put("name", repo.name).put("path", repo.name)
                .put("path_with_namespace", repo.fullName()).put("default_branch", "main")
                .put("visibility", "private").put("web_url", baseUrl + "/" + repo.fullName())
                .put("http_url_to_repo", baseUrl + "/" + repo.fullName() + ".git")
                .put("created_at", repo.createdAt.toString());
        p.putObject("namespace").put("path", repo.owner).put("full_path", repo.owner).put("kind", "group");
        return p;
    }

    private ObjectNode user(String login) {
        long id = userIds.computeIfAbsent(login, l -> nextUserId.getAndIncrement());
        ObjectNode u = GitHubJson.JSON.createObjectNode();
        u.put("id", id).put("username", login).put("name", login).put("state", "active")
                .put("web_url", baseUrl + "/" + login);
        return u;
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static String stateOf(HostedRepository.PullRequestState pr) {
        return pr.merged ? "merged" : pr.open ? "opened" : "closed";
    }

    private HostedRepository repo(HttpServletRequest req, Routes.Match<Handler> m) {
        if (req.getAttribute(FrontFilter.ACCESS) == null) {
            throw GitHubError.notFound();
        }
        HostedRepository repo = state.find(m.param("id"));
        if (repo == null) {
            throw GitHubError.of(404, "404 Project Not Found");
        }
        return repo;
    }

    private HostedRepository writable(HttpServletRequest req, Routes.Match<Handler> m) {
        HostedRepository repo = repo(req, m);
        if (req.getAttribute(FrontFilter.ACCESS) != LocalCodeHost.Access.WRITE) {
            throw GitHubError.of(403, "403 Forbidden");
        }
        return repo;
    }

    private HostedRepository.PullRequestState pull(HostedRepository repo, Routes.Match<Handler> m) {
        try {
            return state.pull(repo, Integer.parseInt(m.param("merge_request_iid")));
        } catch (NumberFormatException | GitHubError e) {
            throw GitHubError.of(404, "404 Not found");
        }
    }

    /** GitLab takes labels as a comma-separated string or an array. */
    private static List<String> labels(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            for (String s : v.asText().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        } else if (v.isArray()) {
            v.forEach(l -> out.add(l.asText()));
        }
        return out;
    }

    private List<String> logins(JsonNode ids) {
        List<String> out = new ArrayList<>();
        ids.forEach(id -> userIds.forEach((login, uid) -> {
            if (uid == id.asLong()) {
                out.add(login);
            }
        }));
        return out;
    }

    private static ApiServlet.Reply error(int status, Object message) {
        ObjectNode body = GitHubJson.JSON.createObjectNode();
        if (message instanceof List<?> list) {
            ArrayNode a = body.putArray("message");
            list.forEach(x -> a.add(String.valueOf(x)));
        } else {
            body.put("message", String.valueOf(message));
        }
        return ApiServlet.Reply.of(status, body);
    }

    /** The state's refusals (GitHub's words) as GitLab's. */
    private static ApiServlet.Reply translate(GitHubError e) {
        return switch (e.status()) {
            case 404 -> error(404, e.getMessage().startsWith("404") ? e.getMessage() : "404 Not Found");
            case 403 -> error(403, "403 Forbidden");
            case 422 -> {
                List<String> messages = new ArrayList<>();
                e.details().forEach(d -> messages.add(d.message() != null ? d.message()
                        : d.field() + " is invalid"));
                messages.addAll(e.simpleErrors());
                if (messages.isEmpty()) {
                    messages.add(e.getMessage());
                }
                yield error(422, messages);
            }
            default -> error(e.status(), e.status() + " " + e.getMessage());
        };
    }

    private static void putTime(ObjectNode node, String field, Instant at) {
        if (at == null) {
            node.putNull(field);
        } else {
            node.put(field, at.toString());
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
