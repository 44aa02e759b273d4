package dev.campaigns.infra.codehost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The subset of GitHub's REST API (v3, as served under {@code /api/v3} by GitHub Enterprise) that
 * {@code GitHubCodeHost} uses through github-api, with GitHub's response shapes, status codes and error bodies.
 * Anything else answers 404 like GitHub does for an unknown route.
 */
final class ApiServlet extends HttpServlet {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String DOCS = "https://docs.github.com/rest";

    private static final Pattern REPO = Pattern.compile("/repos/([^/]+)/([^/]+)");
    private static final Pattern PULLS = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls");
    private static final Pattern PULL = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls/(\\d+)");
    private static final Pattern REVIEWERS =
            Pattern.compile("/repos/([^/]+)/([^/]+)/pulls/(\\d+)/requested_reviewers");
    private static final Pattern LABELS = Pattern.compile("/repos/([^/]+)/([^/]+)/issues/(\\d+)/labels");
    private static final Pattern USER = Pattern.compile("/users/([^/]+)");
    private static final Pattern REVIEWS = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls/(\\d+)/reviews");
    private static final Pattern CHECK_RUNS = Pattern.compile("/repos/([^/]+)/([^/]+)/commits/([0-9a-f]{40})/check-runs");
    private static final Pattern MERGE = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls/(\\d+)/merge");
    private static final Pattern NEW_CHECK_RUN = Pattern.compile("/repos/([^/]+)/([^/]+)/check-runs");
    private static final Pattern STATUSES = Pattern.compile("/repos/([^/]+)/([^/]+)/statuses/([0-9a-f]{40})");

    private final LocalCodeHost host;

    ApiServlet(LocalCodeHost host) {
        this.host = host;
    }

    /** The route template of an API request, for the host's request counters. */
    static String endpoint(String method, String path) {
        String p = path == null || path.isEmpty() ? "/" : path;
        String template;
        if (MERGE.matcher(p).matches()) {
            template = "/repos/{owner}/{repo}/pulls/{number}/merge";
        } else if (NEW_CHECK_RUN.matcher(p).matches()) {
            template = "/repos/{owner}/{repo}/check-runs";
        } else if (REVIEWS.matcher(p).matches()) {
            template = "/repos/{owner}/{repo}/pulls/{number}/reviews";
        } else if (CHECK_RUNS.matcher(p).matches()) {
            template = "/repos/{owner}/{repo}/commits/{ref}/check-runs";
        } else if (STATUSES.matcher(p).matches()) {
            template = "/repos/{owner}/{repo}/statuses/{ref}";
        } else if (REVIEWERS.matcher(p).matches()) {
            template = "/repos/{owner}/{repo}/pulls/{number}/requested_reviewers";
        } else if (LABELS.matcher(p).matches()) {
            template = "/repos/{owner}/{repo}/issues/{number}/labels";
        } else if (PULL.matcher(p).matches()) {
            template = "/repos/{owner}/{repo}/pulls/{number}";
        } else if (PULLS.matcher(p).matches()) {
            template = "/repos/{owner}/{repo}/pulls";
        } else if (REPO.matcher(p).matches()) {
            template = "/repos/{owner}/{repo}";
        } else if (USER.matcher(p).matches()) {
            template = "/users/{login}";
        } else {
            template = p;
        }
        return method + " " + template;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String method = req.getMethod();
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        Matcher m;
        if ("GET".equals(method) && "/".equals(path)) {
            ObjectNode root = JSON.createObjectNode();
            root.put("current_user_url", host.apiUrl() + "/user");
            root.put("rate_limit_url", host.apiUrl() + "/rate_limit");
            root.put("repository_url", host.apiUrl() + "/repos/{owner}/{repo}");
            write(resp, 200, root);
        } else if ("GET".equals(method) && "/user".equals(path)) {
            write(resp, 200, user(host.botLogin()));
        } else if ("GET".equals(method) && (m = USER.matcher(path)).matches()) {
            if (host.knowsUser(m.group(1))) {
                write(resp, 200, user(m.group(1)));
            } else {
                notFound(resp);
            }
        } else if ((m = MERGE.matcher(path)).matches() && "PUT".equals(method)) {
            String repoName = m.group(1) + "/" + m.group(2);
            int number = Integer.parseInt(m.group(3));
            if (host.hosted(repoName) == null || !writable(req, resp)) {
                if (host.hosted(repoName) == null) {
                    notFound(resp);
                }
                return;
            }
            try {
                if (!host.pullRequests(repoName).stream().filter(p -> p.number() == number).findFirst()
                        .orElseThrow().state().equals("open")) {
                    error(resp, 405, "Pull Request is not mergeable");
                    return;
                }
                host.mergePullRequest(repoName, number);
            } catch (java.util.NoSuchElementException e) {
                notFound(resp);
                return;
            }
            write(resp, 200, JSON.createObjectNode().put("merged", true).put("message", "Pull Request successfully merged"));
        } else if ((m = REVIEWS.matcher(path)).matches() && "POST".equals(method)) {
            String repoName = m.group(1) + "/" + m.group(2);
            JsonNode in = body(req);
            String event = in == null ? "" : in.path("event").asText("");
            String state = switch (event) {
                case "APPROVE" -> "APPROVED";
                case "REQUEST_CHANGES" -> "CHANGES_REQUESTED";
                case "COMMENT" -> "COMMENTED";
                default -> null;
            };
            if (host.hosted(repoName) == null) {
                notFound(resp);
            } else if (state == null) {
                validation(resp, field("PullRequestReview", "event", "invalid"));
            } else if (writable(req, resp)) {
                try {
                    host.reviewPullRequest(repoName, Integer.parseInt(m.group(3)), host.botLogin(), state);
                } catch (IllegalArgumentException e) {
                    notFound(resp);
                    return;
                }
                write(resp, 200, JSON.createObjectNode().put("state", state));
            }
        } else if ((m = NEW_CHECK_RUN.matcher(path)).matches() && "POST".equals(method)) {
            String repoName = m.group(1) + "/" + m.group(2);
            JsonNode in = body(req);
            if (host.hosted(repoName) == null) {
                notFound(resp);
            } else if (in == null || !in.path("name").isTextual() || !in.path("head_sha").isTextual()) {
                validation(resp, field("CheckRun", "name", "missing_field"));
            } else if (writable(req, resp)) {
                String status = in.path("status").asText(in.has("conclusion") ? "completed" : "queued");
                host.setCheckOnCommit(repoName, in.get("head_sha").asText(), in.get("name").asText(), status,
                        in.path("conclusion").isTextual() ? in.get("conclusion").asText() : null);
                write(resp, 201, JSON.createObjectNode().put("name", in.get("name").asText()).put("status", status));
            }
        } else if ((m = REVIEWS.matcher(path)).matches() && "GET".equals(method)) {
            withPull(req, resp, m, (repo, pr) -> {
                ArrayNode out = JSON.createArrayNode();
                pr.reviews.forEach(r -> out.add(review(repo, pr, r)));
                write(resp, 200, out);
            });
        } else if ((m = CHECK_RUNS.matcher(path)).matches() && "GET".equals(method)) {
            HostedRepository repo = host.hosted(m.group(1) + "/" + m.group(2));
            if (repo == null) {
                notFound(resp);
                return;
            }
            ObjectNode out = JSON.createObjectNode();
            ArrayNode runs = out.putArray("check_runs");
            synchronized (repo) {
                for (HostedRepository.CheckRun run : repo.checkRuns.getOrDefault(m.group(3), List.of())) {
                    runs.add(checkRun(repo, run));
                }
            }
            out.put("total_count", runs.size());
            write(resp, 200, out);
        } else if ((m = STATUSES.matcher(path)).matches() && "GET".equals(method)) {
            if (host.hosted(m.group(1) + "/" + m.group(2)) == null) {
                notFound(resp);
            } else {
                write(resp, 200, JSON.createArrayNode()); // the local host records check runs, not commit statuses
            }
        } else if ((m = REVIEWERS.matcher(path)).matches() && "POST".equals(method)) {
            withPull(req, resp, m, (repo, pr) -> requestReviewers(req, resp, repo, pr));
        } else if ((m = LABELS.matcher(path)).matches()) {
            if ("POST".equals(method) || "GET".equals(method)) {
                withPull(req, resp, m, (repo, pr) -> labels(req, resp, repo, pr));
            } else {
                notFound(resp);
            }
        } else if ((m = PULL.matcher(path)).matches()) {
            if ("GET".equals(method)) {
                withPull(req, resp, m, (repo, pr) -> write(resp, 200, pull(repo, pr, true)));
            } else if ("PATCH".equals(method)) {
                withPull(req, resp, m, (repo, pr) -> updatePull(req, resp, repo, pr));
            } else {
                notFound(resp);
            }
        } else if ((m = PULLS.matcher(path)).matches()) {
            HostedRepository repo = host.hosted(m.group(1) + "/" + m.group(2));
            if (repo == null) {
                notFound(resp);
            } else if ("GET".equals(method)) {
                listPulls(req, resp, repo);
            } else if ("POST".equals(method)) {
                if (writable(req, resp)) {
                    createPull(req, resp, repo);
                }
            } else {
                notFound(resp);
            }
        } else if ((m = REPO.matcher(path)).matches() && "GET".equals(method)) {
            HostedRepository repo = host.hosted(m.group(1) + "/" + m.group(2));
            if (repo == null) {
                notFound(resp);
            } else {
                write(resp, 200, repository(repo, req));
            }
        } else if ("GET".equals(method) && "/rate_limit".equals(path)) {
            // Free, as on GitHub: FrontFilter reports the window without counting this request.
            RateLimiter.Primary p = (RateLimiter.Primary) req.getAttribute(FrontFilter.PRIMARY);
            ObjectNode core = p == null
                    ? JSON.createObjectNode().put("limit", 5000).put("remaining", 5000)
                            .put("reset", host.clock().instant().plusSeconds(3600).getEpochSecond()).put("used", 0)
                    : JSON.createObjectNode().put("limit", p.limit()).put("remaining", p.remaining())
                            .put("reset", p.resetEpochSecond()).put("used", p.used());
            ObjectNode root = JSON.createObjectNode();
            ObjectNode resources = root.putObject("resources");
            resources.set("core", core);
            for (String other : new String[] {"search", "graphql", "integration_manifest"}) {
                resources.putObject(other).put("limit", 5000).put("remaining", 5000).put("used", 0)
                        .put("reset", host.clock().instant().plusSeconds(3600).getEpochSecond());
            }
            root.set("rate", core);
            write(resp, 200, root);
        } else {
            notFound(resp);
        }
    }

    @FunctionalInterface
    private interface PullHandler {
        void handle(HostedRepository repo, HostedRepository.PullRequestState pr) throws IOException;
    }

    private void withPull(HttpServletRequest req, HttpServletResponse resp, Matcher m, PullHandler handler)
            throws IOException {
        HostedRepository repo = host.hosted(m.group(1) + "/" + m.group(2));
        if (repo == null) {
            notFound(resp);
            return;
        }
        boolean writes = !"GET".equals(req.getMethod());
        if (writes && !writable(req, resp)) {
            return;
        }
        int number = Integer.parseInt(m.group(3));
        synchronized (repo) {
            HostedRepository.PullRequestState pr = repo.pulls.stream().filter(p -> p.number == number)
                    .findFirst().orElse(null);
            if (pr == null) {
                notFound(resp);
                return;
            }
            handler.handle(repo, pr);
        }
    }

    private boolean writable(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (Boolean.TRUE.equals(req.getAttribute(FrontFilter.READ_ONLY))) {
            error(resp, 403, "Resource not accessible by personal access token");
            return false;
        }
        return true;
    }

    private void listPulls(HttpServletRequest req, HttpServletResponse resp, HostedRepository repo)
            throws IOException {
        String state = Optional.ofNullable(req.getParameter("state")).orElse("open");
        String head = req.getParameter("head");
        String base = req.getParameter("base");
        int perPage = Math.max(1, Math.min(100, intParam(req, "per_page", 30)));
        int page = Math.max(1, intParam(req, "page", 1));
        List<ObjectNode> matching = new ArrayList<>();
        synchronized (repo) {
            List<HostedRepository.PullRequestState> sorted = new ArrayList<>(repo.pulls);
            sorted.sort((a, b) -> Integer.compare(b.number, a.number)); // newest first, like GitHub
            for (HostedRepository.PullRequestState pr : sorted) {
                if ("open".equals(state) && !pr.open || "closed".equals(state) && pr.open) {
                    continue;
                }
                if (head != null && !(head.contains(":") ? head.equals(repo.owner + ":" + pr.headRef)
                        : head.equals(repo.owner))) {
                    continue;
                }
                if (base != null && !base.equals(pr.baseRef)) {
                    continue;
                }
                matching.add(pull(repo, pr, false));
            }
        }
        int from = Math.min(matching.size(), (page - 1) * perPage);
        int to = Math.min(matching.size(), from + perPage);
        int lastPage = Math.max(1, (matching.size() + perPage - 1) / perPage);
        if (page < lastPage) {
            String query = "?" + (req.getQueryString() == null ? "" : req.getQueryString()
                    .replaceAll("(^|&)(page|per_page)=[^&]*", "").replaceAll("^&", "") + "&");
            String url = host.apiUrl() + req.getPathInfo() + query + "per_page=" + perPage + "&page=";
            resp.setHeader("Link", "<" + url + (page + 1) + ">; rel=\"next\", <" + url + lastPage + ">; rel=\"last\"");
        }
        ArrayNode out = JSON.createArrayNode();
        matching.subList(from, to).forEach(out::add);
        write(resp, 200, out);
    }

    private void createPull(HttpServletRequest req, HttpServletResponse resp, HostedRepository repo)
            throws IOException {
        JsonNode in = body(req);
        if (in == null) {
            error(resp, 400, "Problems parsing JSON");
            return;
        }
        String title = in.path("title").asText("");
        String head = in.path("head").asText("");
        String base = in.path("base").asText("");
        String headRef = head.contains(":") ? head.substring(head.indexOf(':') + 1) : head;
        String headOwner = head.contains(":") ? head.substring(0, head.indexOf(':')) : repo.owner;
        if (title.isBlank()) {
            validation(resp, field("Issue", "title", "missing_field"));
            return;
        }
        synchronized (repo) {
            Optional<String> headTip = headOwner.equals(repo.owner) ? repo.branchTip(headRef) : Optional.empty();
            Optional<String> baseTip = repo.branchTip(base);
            if (baseTip.isEmpty()) {
                validation(resp, field("PullRequest", "base", "invalid"));
                return;
            }
            if (headTip.isEmpty()) {
                validation(resp, field("PullRequest", "head", "invalid"));
                return;
            }
            for (HostedRepository.PullRequestState pr : repo.pulls) {
                if (pr.open && pr.headRef.equals(headRef) && pr.baseRef.equals(base)) {
                    validation(resp, custom("A pull request already exists for " + repo.owner + ":" + headRef + "."));
                    return;
                }
            }
            if (isAncestor(repo, headTip.get(), baseTip.get())) {
                validation(resp, custom("No commits between " + base + " and " + headRef));
                return;
            }
            HostedRepository.PullRequestState pr = new HostedRepository.PullRequestState(repo.pulls.size() + 1,
                    headRef, base, title, in.path("body").isNull() ? "" : in.path("body").asText(""),
                    in.path("draft").asBoolean(false), headTip.get(), host.botLogin(), now());
            repo.pulls.add(pr);
            resp.setHeader("Location", host.apiUrl() + "/repos/" + repo.fullName() + "/pulls/" + pr.number);
            write(resp, 201, pull(repo, pr, true));
            host.pullRequestEvent(repo, pr, "opened");
        }
    }

    private void updatePull(HttpServletRequest req, HttpServletResponse resp, HostedRepository repo,
                            HostedRepository.PullRequestState pr) throws IOException {
        JsonNode in = body(req);
        if (in == null) {
            error(resp, 400, "Problems parsing JSON");
            return;
        }
        if (in.has("base")) {
            String base = in.get("base").asText();
            if (repo.branchTip(base).isEmpty()) {
                validation(resp, field("PullRequest", "base", "invalid"));
                return;
            }
            pr.baseRef = base;
        }
        if (in.has("title")) {
            pr.title = in.get("title").asText();
        }
        if (in.has("body")) {
            pr.body = in.get("body").isNull() ? "" : in.get("body").asText();
        }
        if (in.has("state")) {
            String state = in.get("state").asText();
            if ("closed".equals(state) && pr.open) {
                pr.open = false;
                pr.closedAt = now();
            } else if ("open".equals(state) && !pr.open && !pr.merged) {
                for (HostedRepository.PullRequestState other : repo.pulls) {
                    if (other != pr && other.open && other.headRef.equals(pr.headRef)
                            && other.baseRef.equals(pr.baseRef)) {
                        validation(resp, custom("A pull request already exists for " + repo.owner + ":"
                                + pr.headRef + "."));
                        return;
                    }
                }
                pr.open = true;
                pr.closedAt = null;
            }
        }
        boolean wasOpen = pr.open;
        pr.updatedAt = now();
        write(resp, 200, pull(repo, pr, true));
        host.pullRequestEvent(repo, pr, wasOpen == pr.open ? "edited" : pr.open ? "reopened" : "closed");
    }

    private void labels(HttpServletRequest req, HttpServletResponse resp, HostedRepository repo,
                        HostedRepository.PullRequestState pr) throws IOException {
        if ("POST".equals(req.getMethod())) {
            JsonNode in = body(req);
            JsonNode names = in == null ? null : in.isArray() ? in : in.get("labels");
            if (names == null || !names.isArray()) {
                validation(resp, field("Label", "labels", "missing_field"));
                return;
            }
            for (JsonNode name : names) {
                String label = name.isObject() ? name.path("name").asText() : name.asText();
                if (!label.isBlank()) {
                    repo.labels.add(label); // GitHub creates unknown labels on the fly
                    pr.labels.add(label);
                }
            }
            pr.updatedAt = now();
        }
        ArrayNode out = JSON.createArrayNode();
        pr.labels.forEach(l -> out.add(label(repo, l)));
        write(resp, 200, out);
    }

    private void requestReviewers(HttpServletRequest req, HttpServletResponse resp, HostedRepository repo,
                                  HostedRepository.PullRequestState pr) throws IOException {
        JsonNode in = body(req);
        List<String> logins = new ArrayList<>();
        if (in != null) {
            in.path("reviewers").forEach(r -> logins.add(r.asText()));
        }
        for (String login : logins) {
            if (login.equals(pr.author)) {
                error(resp, 422, "Review cannot be requested from pull request author.");
                return;
            }
            if (!host.knowsUser(login)) {
                error(resp, 422, "Reviews may only be requested from collaborators. One or more of the users or "
                        + "teams you specified is not a collaborator of the " + repo.fullName() + " repository.");
                return;
            }
        }
        pr.reviewers.addAll(logins);
        pr.updatedAt = now();
        write(resp, 201, pull(repo, pr, false));
    }

    // ---- JSON shapes ----------------------------------------------------------------------------------------

    private ObjectNode user(String login) {
        ObjectNode u = JSON.createObjectNode();
        u.put("login", login);
        u.put("id", Math.abs((long) login.hashCode()) + 1);
        u.put("node_id", "U_" + login);
        u.put("type", "User");
        u.put("site_admin", false);
        u.put("url", host.apiUrl() + "/users/" + login);
        u.put("html_url", host.baseUrl() + "/" + login);
        return u;
    }

    private ObjectNode owner(HostedRepository repo) {
        ObjectNode o = user(repo.owner);
        o.put("type", "Organization");
        return o;
    }

    private ObjectNode repository(HostedRepository repo, HttpServletRequest req) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", repo.id);
        r.put("node_id", "R_" + repo.id);
        r.put("name", repo.name);
        r.put("full_name", repo.fullName());
        r.put("private", true);
        r.put("visibility", "private");
        r.set("owner", owner(repo));
        r.put("html_url", host.baseUrl() + "/" + repo.fullName());
        r.put("url", host.apiUrl() + "/repos/" + repo.fullName());
        r.put("pulls_url", host.apiUrl() + "/repos/" + repo.fullName() + "/pulls{/number}");
        r.put("clone_url", host.gitUrl(repo.fullName()));
        r.put("default_branch", "main");
        r.put("fork", false);
        r.put("archived", false);
        r.put("disabled", false);
        r.put("created_at", iso(repo.createdAt));
        r.put("updated_at", iso(repo.createdAt));
        r.put("pushed_at", iso(repo.createdAt));
        if (req != null) {
            boolean write = !Boolean.TRUE.equals(req.getAttribute(FrontFilter.READ_ONLY));
            ObjectNode perms = r.putObject("permissions");
            perms.put("admin", write).put("maintain", write).put("push", write).put("triage", write)
                    .put("pull", true);
        }
        return r;
    }

    private ObjectNode label(HostedRepository repo, String name) {
        ObjectNode l = JSON.createObjectNode();
        l.put("id", Math.abs((long) (repo.fullName() + name).hashCode()));
        l.put("node_id", "LA_" + name);
        l.put("url", host.apiUrl() + "/repos/" + repo.fullName() + "/labels/"
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        l.put("name", name);
        l.put("color", "ededed");
        l.put("default", false);
        l.putNull("description");
        return l;
    }

    private ObjectNode ref(HostedRepository repo, String branch, String sha) {
        ObjectNode r = JSON.createObjectNode();
        r.put("label", repo.owner + ":" + branch);
        r.put("ref", branch);
        r.put("sha", sha);
        r.set("user", owner(repo));
        r.set("repo", repository(repo, null));
        return r;
    }

    /** A pull request; {@code full} adds the fields GitHub only returns for a single pull request. */
    ObjectNode pull(HostedRepository repo, HostedRepository.PullRequestState pr, boolean full) {
        String api = host.apiUrl() + "/repos/" + repo.fullName();
        String html = host.baseUrl() + "/" + repo.fullName() + "/pull/" + pr.number;
        ObjectNode p = JSON.createObjectNode();
        p.put("url", api + "/pulls/" + pr.number);
        p.put("id", pr.id);
        p.put("node_id", "PR_" + pr.id);
        p.put("html_url", html);
        p.put("diff_url", html + ".diff");
        p.put("patch_url", html + ".patch");
        p.put("issue_url", api + "/issues/" + pr.number);
        p.put("number", pr.number);
        p.put("state", pr.open ? "open" : "closed");
        p.put("locked", false);
        p.put("title", pr.title);
        p.set("user", user(pr.author));
        p.put("body", pr.body);
        ArrayNode labels = p.putArray("labels");
        pr.labels.forEach(l -> labels.add(label(repo, l)));
        p.put("created_at", iso(pr.createdAt));
        p.put("updated_at", iso(pr.updatedAt));
        putIso(p, "closed_at", pr.closedAt);
        putIso(p, "merged_at", pr.mergedAt);
        p.putNull("merge_commit_sha");
        p.putNull("assignee");
        p.putArray("assignees");
        ArrayNode reviewers = p.putArray("requested_reviewers");
        pr.reviewers.forEach(r -> reviewers.add(user(r)));
        p.putArray("requested_teams");
        p.set("head", ref(repo, pr.headRef, repo.headSha(pr)));
        p.set("base", ref(repo, pr.baseRef, repo.branchTip(pr.baseRef).orElse(pr.headSha)));
        p.put("author_association", "MEMBER");
        p.put("draft", pr.draft);
        if (full) {
            p.put("merged", pr.merged);
            if (pr.open) {
                p.put("mergeable", true);
                p.put("mergeable_state", pr.draft ? "draft" : "clean");
            } else {
                p.putNull("mergeable");
                p.put("mergeable_state", "unknown");
            }
            p.putNull("merged_by");
            p.put("comments", 0);
            p.put("review_comments", 0);
            p.put("maintainer_can_modify", false);
            p.put("commits", 1);
            p.put("additions", 0);
            p.put("deletions", 0);
            p.put("changed_files", 0);
        }
        return p;
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    ObjectNode review(HostedRepository repo, HostedRepository.PullRequestState pr, HostedRepository.Review r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id());
        o.put("node_id", "PRR_" + r.id());
        o.set("user", user(r.login()));
        o.put("body", "");
        o.put("state", r.state());
        o.put("html_url", host.baseUrl() + "/" + repo.fullName() + "/pull/" + pr.number + "#pullrequestreview-" + r.id());
        o.put("pull_request_url", host.apiUrl() + "/repos/" + repo.fullName() + "/pulls/" + pr.number);
        o.put("commit_id", r.commitId());
        o.put("submitted_at", iso(r.submittedAt()));
        o.put("author_association", "MEMBER");
        return o;
    }

    ObjectNode checkRun(HostedRepository repo, HostedRepository.CheckRun run) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", run.id());
        o.put("name", run.name());
        o.put("head_sha", run.headSha());
        o.put("status", run.status());
        if (run.conclusion() == null) {
            o.putNull("conclusion");
        } else {
            o.put("conclusion", run.conclusion());
        }
        o.put("started_at", iso(run.at()));
        if ("completed".equals(run.status())) {
            o.put("completed_at", iso(run.at()));
        } else {
            o.putNull("completed_at");
        }
        o.put("url", host.apiUrl() + "/repos/" + repo.fullName() + "/check-runs/" + run.id());
        o.put("html_url", host.baseUrl() + "/" + repo.fullName() + "/runs/" + run.id());
        ArrayNode prs = o.putArray("pull_requests");
        for (HostedRepository.PullRequestState pr : repo.pulls) {
            if (pr.open && run.headSha().equals(repo.headSha(pr))) {
                prs.add(JSON.createObjectNode().put("number", pr.number).put("id", pr.id)
                        .put("url", host.apiUrl() + "/repos/" + repo.fullName() + "/pulls/" + pr.number));
            }
        }
        return o;
    }

    ObjectNode repositoryJson(HostedRepository repo) {
        return repository(repo, null);
    }

    private boolean isAncestor(HostedRepository repo, String maybeAncestor, String of) throws IOException {
        try (RevWalk walk = new RevWalk(repo.git)) {
            RevCommit a = walk.parseCommit(ObjectId.fromString(maybeAncestor));
            RevCommit b = walk.parseCommit(ObjectId.fromString(of));
            return walk.isMergedInto(a, b);
        }
    }

    private Instant now() {
        return host.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static void putIso(ObjectNode node, String field, Instant t) {
        if (t == null) {
            node.putNull(field);
        } else {
            node.put(field, iso(t));
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

    private static JsonNode body(HttpServletRequest req) {
        try {
            byte[] bytes = req.getInputStream().readAllBytes();
            return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    private static ObjectNode field(String resource, String field, String code) {
        return JSON.createObjectNode().put("resource", resource).put("field", field).put("code", code);
    }

    private static ObjectNode custom(String message) {
        return JSON.createObjectNode().put("resource", "PullRequest").put("code", "custom").put("message", message);
    }

    private static void validation(HttpServletResponse resp, ObjectNode error) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("message", "Validation Failed");
        body.putArray("errors").add(error);
        body.put("documentation_url", DOCS + "/pulls/pulls#create-a-pull-request");
        write(resp, 422, body);
    }

    static void notFound(HttpServletResponse resp) throws IOException {
        error(resp, 404, "Not Found");
    }

    static void error(HttpServletResponse resp, int status, String message) throws IOException {
        write(resp, status, JSON.createObjectNode().put("message", message).put("documentation_url", DOCS));
    }

    static void write(HttpServletResponse resp, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        resp.setStatus(status);
        resp.setContentType("application/json; charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
