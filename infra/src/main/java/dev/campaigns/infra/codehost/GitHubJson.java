package dev.campaigns.infra.codehost;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The one place the local code host's JSON is written: every body it serves and every webhook payload it sends, in
 * the shapes of GitHub's REST API (the schemas of {@code @octokit/openapi}'s description of api.github.com; the
 * contract test validates them). URLs follow GitHub Enterprise's layout: API under {@code <base>/api/v3}, web pages
 * and git under {@code <base>}.
 *
 * <p>Callers hold the repository's monitor while rendering its pull requests. Stateless otherwise; thread-safe.
 */
final class GitHubJson {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String DOCS = "https://docs.github.com/rest";

    private final String baseUrl;
    private final String apiUrl;

    GitHubJson(String baseUrl) {
        this.baseUrl = baseUrl;
        this.apiUrl = baseUrl + "/api/v3";
    }

    String apiUrl() {
        return apiUrl;
    }

    // ---- errors ------------------------------------------------------------------------------------------------

    /** GitHub's error body: {@code message}, {@code documentation_url} and, for 422, {@code errors}. */
    ObjectNode error(GitHubError e) {
        ObjectNode body = JSON.createObjectNode().put("message", e.getMessage());
        if (!e.simpleErrors().isEmpty()) {
            ArrayNode errors = body.putArray("errors");
            e.simpleErrors().forEach(errors::add);
        }
        if (!e.details().isEmpty()) {
            ArrayNode errors = body.putArray("errors");
            for (GitHubError.Detail d : e.details()) {
                ObjectNode o = errors.addObject();
                o.put("resource", d.resource());
                if (d.field() != null) {
                    o.put("field", d.field());
                }
                o.put("code", d.code());
                if (d.message() != null) {
                    o.put("message", d.message());
                }
            }
        }
        body.put("documentation_url", DOCS);
        body.put("status", String.valueOf(e.status()));
        return body;
    }

    // ---- root, users, limits -----------------------------------------------------------------------------------

    ObjectNode root() {
        ObjectNode r = JSON.createObjectNode();
        r.put("current_user_url", apiUrl + "/user");
        r.put("current_user_authorizations_html_url", baseUrl + "/settings/connections/applications{/client_id}");
        r.put("authorizations_url", apiUrl + "/authorizations");
        r.put("code_search_url", apiUrl + "/search/code?q={query}{&page,per_page,sort,order}");
        r.put("commit_search_url", apiUrl + "/search/commits?q={query}{&page,per_page,sort,order}");
        r.put("emails_url", apiUrl + "/user/emails");
        r.put("emojis_url", apiUrl + "/emojis");
        r.put("events_url", apiUrl + "/events");
        r.put("feeds_url", apiUrl + "/feeds");
        r.put("followers_url", apiUrl + "/user/followers");
        r.put("following_url", apiUrl + "/user/following{/target}");
        r.put("gists_url", apiUrl + "/gists{/gist_id}");
        r.put("hub_url", apiUrl + "/hub");
        r.put("issue_search_url", apiUrl + "/search/issues?q={query}{&page,per_page,sort,order}");
        r.put("issues_url", apiUrl + "/issues");
        r.put("keys_url", apiUrl + "/user/keys");
        r.put("label_search_url", apiUrl + "/search/labels?q={query}&repository_id={repository_id}{&page,per_page}");
        r.put("notifications_url", apiUrl + "/notifications");
        r.put("organization_url", apiUrl + "/orgs/{org}");
        r.put("organization_repositories_url", apiUrl + "/orgs/{org}/repos{?type,page,per_page,sort}");
        r.put("organization_teams_url", apiUrl + "/orgs/{org}/teams");
        r.put("public_gists_url", apiUrl + "/gists/public");
        r.put("rate_limit_url", apiUrl + "/rate_limit");
        r.put("repository_url", apiUrl + "/repos/{owner}/{repo}");
        r.put("repository_search_url", apiUrl + "/search/repositories?q={query}{&page,per_page,sort,order}");
        r.put("current_user_repositories_url", apiUrl + "/user/repos{?type,page,per_page,sort}");
        r.put("starred_url", apiUrl + "/user/starred{/owner}{/repo}");
        r.put("starred_gists_url", apiUrl + "/gists/starred");
        r.put("user_url", apiUrl + "/users/{user}");
        r.put("user_organizations_url", apiUrl + "/user/orgs");
        r.put("user_repositories_url", apiUrl + "/users/{user}/repos{?type,page,per_page,sort}");
        r.put("user_search_url", apiUrl + "/search/users?q={query}{&page,per_page,sort,order}");
        return r;
    }

    /** GitHub's {@code simple-user}; {@code type} User or Organization. */
    ObjectNode user(String login, String type) {
        String u = apiUrl + "/users/" + login;
        long id = userId(login);
        ObjectNode o = JSON.createObjectNode();
        o.put("login", login);
        o.put("id", id);
        o.put("node_id", ("Organization".equals(type) ? "O_" : "U_") + Long.toString(id, 36));
        o.put("avatar_url", baseUrl + "/avatars/u/" + id);
        o.put("gravatar_id", "");
        o.put("url", u);
        o.put("html_url", baseUrl + "/" + login);
        o.put("followers_url", u + "/followers");
        o.put("following_url", u + "/following{/other_user}");
        o.put("gists_url", u + "/gists{/gist_id}");
        o.put("starred_url", u + "/starred{/owner}{/repo}");
        o.put("subscriptions_url", u + "/subscriptions");
        o.put("organizations_url", u + "/orgs");
        o.put("repos_url", u + "/repos");
        o.put("events_url", u + "/events{/privacy}");
        o.put("received_events_url", u + "/received_events");
        o.put("type", type);
        o.put("user_view_type", "public");
        o.put("site_admin", false);
        return o;
    }

    ObjectNode user(String login) {
        return user(login, "User");
    }

    /** GitHub's {@code installation-token}: an installation's token, its expiry and what it may do. */
    ObjectNode installationToken(String token, Instant expiresAt) {
        ObjectNode o = JSON.createObjectNode();
        o.put("token", token);
        o.put("expires_at", iso(expiresAt));
        o.set("permissions", appPermissions());
        o.put("repository_selection", "all");
        return o;
    }

    /** GitHub's {@code installation}: App {@code appId} installed as {@code installationId} on {@code owner}. */
    ObjectNode installation(String appId, String installationId, String owner, Instant createdAt) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", Long.parseLong(installationId));
        o.set("account", user(owner, "Organization"));
        o.put("repository_selection", "all");
        o.put("access_tokens_url", apiUrl + "/app/installations/" + installationId + "/access_tokens");
        o.put("repositories_url", apiUrl + "/installation/repositories");
        o.put("html_url", baseUrl + "/organizations/" + owner + "/settings/installations/" + installationId);
        o.put("app_id", Long.parseLong(appId));
        o.put("app_slug", "campaigns");
        o.put("target_id", userId(owner));
        o.put("target_type", "Organization");
        o.set("permissions", appPermissions());
        o.putArray("events").add("pull_request").add("pull_request_review").add("check_run").add("status");
        putIso(o, "created_at", createdAt);
        putIso(o, "updated_at", createdAt);
        o.putNull("single_file_name");
        o.putNull("suspended_by");
        o.putNull("suspended_at");
        return o;
    }

    private static ObjectNode appPermissions() {
        ObjectNode p = JSON.createObjectNode();
        p.put("contents", "write").put("pull_requests", "write").put("checks", "read").put("statuses", "read")
                .put("metadata", "read");
        return p;
    }

    /** GitHub's {@code public-user} ({@code GET /users/{username}}). */
    ObjectNode publicUser(String login, Instant createdAt) {
        ObjectNode o = user(login);
        o.putNull("name");
        o.putNull("company");
        o.put("blog", "");
        o.putNull("location");
        o.putNull("email");
        o.putNull("hireable");
        o.putNull("bio");
        o.put("public_repos", 0);
        o.put("public_gists", 0);
        o.put("followers", 0);
        o.put("following", 0);
        o.put("created_at", iso(createdAt));
        o.put("updated_at", iso(createdAt));
        return o;
    }

    /** GitHub's {@code private-user} ({@code GET /user}, the token's own account). */
    ObjectNode privateUser(String login, Instant createdAt) {
        ObjectNode o = publicUser(login, createdAt);
        o.put("private_gists", 0);
        o.put("total_private_repos", 0);
        o.put("owned_private_repos", 0);
        o.put("disk_usage", 0);
        o.put("collaborators", 0);
        o.put("two_factor_authentication", true);
        return o;
    }

    /** GitHub's {@code rate-limit-overview}: {@code core} as given, the other resources untouched. */
    ObjectNode rateLimit(int limit, int remaining, long reset, int used) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode resources = root.putObject("resources");
        ObjectNode core = rate(limit, remaining, reset, used);
        resources.set("core", core);
        for (String other : List.of("search", "graphql", "integration_manifest", "code_search")) {
            int n = "search".equals(other) ? 30 : "code_search".equals(other) ? 10 : limit;
            resources.set(other, rate(n, n, reset, 0));
        }
        root.set("rate", core.deepCopy());
        return root;
    }

    private static ObjectNode rate(int limit, int remaining, long reset, int used) {
        return JSON.createObjectNode().put("limit", limit).put("remaining", remaining).put("reset", reset)
                .put("used", used);
    }

    // ---- repositories ------------------------------------------------------------------------------------------

    /**
     * A repository with every field of GitHub's {@code full-repository} (which also satisfies {@code repository} and
     * {@code minimal-repository}); {@code permissions} for the caller when {@code write} is not null.
     */
    ObjectNode repository(HostedRepository repo, Boolean write) {
        String api = apiUrl + "/repos/" + repo.fullName();
        ObjectNode r = JSON.createObjectNode();
        r.put("id", repo.id);
        r.put("node_id", "R_" + Long.toString(repo.id, 36));
        r.put("name", repo.name);
        r.put("full_name", repo.fullName());
        r.put("private", true);
        r.set("owner", user(repo.owner, "Organization"));
        r.put("html_url", baseUrl + "/" + repo.fullName());
        r.putNull("description");
        r.put("fork", false);
        r.put("url", api);
        r.put("archive_url", api + "/{archive_format}{/ref}");
        r.put("assignees_url", api + "/assignees{/user}");
        r.put("blobs_url", api + "/git/blobs{/sha}");
        r.put("branches_url", api + "/branches{/branch}");
        r.put("collaborators_url", api + "/collaborators{/collaborator}");
        r.put("comments_url", api + "/comments{/number}");
        r.put("commits_url", api + "/commits{/sha}");
        r.put("compare_url", api + "/compare/{base}...{head}");
        r.put("contents_url", api + "/contents/{+path}");
        r.put("contributors_url", api + "/contributors");
        r.put("deployments_url", api + "/deployments");
        r.put("downloads_url", api + "/downloads");
        r.put("events_url", api + "/events");
        r.put("forks_url", api + "/forks");
        r.put("git_commits_url", api + "/git/commits{/sha}");
        r.put("git_refs_url", api + "/git/refs{/sha}");
        r.put("git_tags_url", api + "/git/tags{/sha}");
        r.put("git_url", "git:" + baseUrl.substring(baseUrl.indexOf("//")) + "/" + repo.fullName() + ".git");
        r.put("issue_comment_url", api + "/issues/comments{/number}");
        r.put("issue_events_url", api + "/issues/events{/number}");
        r.put("issues_url", api + "/issues{/number}");
        r.put("keys_url", api + "/keys{/key_id}");
        r.put("labels_url", api + "/labels{/name}");
        r.put("languages_url", api + "/languages");
        r.put("merges_url", api + "/merges");
        r.put("milestones_url", api + "/milestones{/number}");
        r.put("notifications_url", api + "/notifications{?since,all,participating}");
        r.put("pulls_url", api + "/pulls{/number}");
        r.put("releases_url", api + "/releases{/id}");
        r.put("ssh_url", "git@" + host() + ":" + repo.fullName() + ".git");
        r.put("stargazers_url", api + "/stargazers");
        r.put("statuses_url", api + "/statuses/{sha}");
        r.put("subscribers_url", api + "/subscribers");
        r.put("subscription_url", api + "/subscription");
        r.put("tags_url", api + "/tags");
        r.put("teams_url", api + "/teams");
        r.put("trees_url", api + "/git/trees{/sha}");
        r.put("clone_url", baseUrl + "/" + repo.fullName() + ".git");
        r.putNull("mirror_url");
        r.put("hooks_url", api + "/hooks");
        r.put("svn_url", baseUrl + "/" + repo.fullName());
        r.putNull("homepage");
        r.putNull("language");
        r.put("forks_count", 0);
        r.put("forks", 0);
        r.put("stargazers_count", 0);
        r.put("watchers_count", 0);
        r.put("watchers", 0);
        r.put("size", 0);
        r.put("default_branch", "main");
        int open;
        synchronized (repo) {
            open = (int) repo.pulls.stream().filter(p -> p.open).count();
        }
        r.put("open_issues_count", open);
        r.put("open_issues", open);
        r.put("is_template", false);
        ArrayNode topics = r.putArray("topics");
        synchronized (repo) {
            repo.topics.forEach(topics::add);
        }
        r.put("has_issues", true);
        r.put("has_projects", true);
        r.put("has_wiki", true);
        r.put("has_pages", false);
        r.put("has_downloads", true);
        r.put("has_discussions", false);
        r.put("archived", false);
        r.put("disabled", false);
        r.put("visibility", "private");
        r.put("pushed_at", iso(repo.createdAt));
        r.put("created_at", iso(repo.createdAt));
        r.put("updated_at", iso(repo.createdAt));
        if (write != null) {
            r.putObject("permissions").put("admin", write).put("maintain", write).put("push", write)
                    .put("triage", write).put("pull", true);
        }
        r.put("allow_rebase_merge", true);
        r.put("allow_squash_merge", true);
        r.put("allow_merge_commit", true);
        r.put("allow_auto_merge", false);
        r.put("delete_branch_on_merge", false);
        r.put("allow_forking", false);
        r.put("web_commit_signoff_required", false);
        r.putNull("license");
        r.put("network_count", 0);
        r.put("subscribers_count", 0);
        return r;
    }

    /** GitHub's {@code topic}: {@code {"names": [...]}}. */
    ObjectNode topics(List<String> names) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode list = o.putArray("names");
        names.forEach(list::add);
        return o;
    }

    /** A search answer: {@code total_count}, {@code incomplete_results} and one page of {@code items}. */
    ObjectNode searchResult(int total, ArrayNode items) {
        ObjectNode o = JSON.createObjectNode();
        o.put("total_count", total);
        o.put("incomplete_results", false);
        o.set("items", items);
        return o;
    }

    // ---- pull requests -----------------------------------------------------------------------------------------

    /** GitHub's {@code issue-comment}: a comment on a pull request's conversation. */
    ObjectNode issueComment(HostedRepository repo, HostedRepository.PullRequestState pr, HostedRepository.Comment c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", c.id());
        o.put("node_id", "IC_" + Long.toString(c.id(), 36));
        o.put("url", apiUrl + "/repos/" + repo.fullName() + "/issues/comments/" + c.id());
        o.put("html_url", baseUrl + "/" + repo.fullName() + "/pull/" + pr.number + "#issuecomment-" + c.id());
        o.put("issue_url", apiUrl + "/repos/" + repo.fullName() + "/issues/" + pr.number);
        o.put("body", c.body());
        o.set("user", user(c.login()));
        o.put("created_at", iso(c.createdAt()));
        o.put("updated_at", iso(c.createdAt()));
        o.put("author_association", "MEMBER");
        return o;
    }

    ObjectNode label(HostedRepository repo, String name) {
        ObjectNode l = JSON.createObjectNode();
        long id = Math.abs((long) (repo.fullName() + "\u0000" + name).hashCode()) + 1;
        l.put("id", id);
        l.put("node_id", "LA_" + Long.toString(id, 36));
        l.put("url", apiUrl + "/repos/" + repo.fullName() + "/labels/"
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        l.put("name", name);
        l.put("color", "ededed");
        l.put("default", false);
        l.put("description", ""); // GitHub's pull-request-simple documents a string here
        return l;
    }

    private ObjectNode ref(HostedRepository repo, String branch, String sha) {
        ObjectNode r = JSON.createObjectNode();
        r.put("label", repo.owner + ":" + branch);
        r.put("ref", branch);
        r.put("sha", sha);
        r.set("user", user(repo.owner, "Organization"));
        r.set("repo", repository(repo, null));
        return r;
    }

    private static ObjectNode link(String href) {
        return JSON.createObjectNode().put("href", href);
    }

    /**
     * A pull request: GitHub's {@code pull-request-simple} (list items), or with {@code full} its
     * {@code pull-request} (a single pull request: merge state and counters too).
     */
    ObjectNode pull(HostedRepository repo, HostedRepository.PullRequestState pr, boolean full) {
        String api = apiUrl + "/repos/" + repo.fullName();
        String self = api + "/pulls/" + pr.number;
        String html = baseUrl + "/" + repo.fullName() + "/pull/" + pr.number;
        String headSha = repo.headSha(pr);
        ObjectNode p = JSON.createObjectNode();
        p.put("url", self);
        p.put("id", pr.id);
        p.put("node_id", "PR_" + Long.toString(pr.id, 36));
        p.put("html_url", html);
        p.put("diff_url", html + ".diff");
        p.put("patch_url", html + ".patch");
        p.put("issue_url", api + "/issues/" + pr.number);
        p.put("commits_url", self + "/commits");
        p.put("review_comments_url", self + "/comments");
        p.put("review_comment_url", api + "/pulls/comments{/number}");
        p.put("comments_url", api + "/issues/" + pr.number + "/comments");
        p.put("statuses_url", api + "/statuses/" + headSha);
        p.put("number", pr.number);
        p.put("state", pr.open ? "open" : "closed");
        p.put("locked", false);
        p.put("title", pr.title);
        p.set("user", user(pr.author));
        p.put("body", pr.body);
        ArrayNode labels = p.putArray("labels");
        pr.labels.forEach(l -> labels.add(label(repo, l)));
        p.putNull("milestone");
        p.putNull("active_lock_reason");
        p.put("created_at", iso(pr.createdAt));
        p.put("updated_at", iso(pr.updatedAt));
        putIso(p, "closed_at", pr.closedAt);
        putIso(p, "merged_at", pr.mergedAt);
        putNullable(p, "merge_commit_sha", pr.mergeCommitSha);
        p.putNull("assignee");
        p.putArray("assignees");
        ArrayNode reviewers = p.putArray("requested_reviewers");
        pr.reviewers.forEach(r -> reviewers.add(user(r)));
        p.putArray("requested_teams");
        p.set("head", ref(repo, pr.headRef, headSha));
        p.set("base", ref(repo, pr.baseRef, repo.branchTip(pr.baseRef).orElse(headSha)));
        ObjectNode links = p.putObject("_links");
        links.set("self", link(self));
        links.set("html", link(html));
        links.set("issue", link(api + "/issues/" + pr.number));
        links.set("comments", link(api + "/issues/" + pr.number + "/comments"));
        links.set("review_comments", link(self + "/comments"));
        links.set("review_comment", link(api + "/pulls/comments{/number}"));
        links.set("commits", link(self + "/commits"));
        links.set("statuses", link(api + "/statuses/" + headSha));
        p.put("author_association", "MEMBER");
        p.putNull("auto_merge");
        p.put("draft", pr.draft);
        if (full) {
            p.put("merged", pr.merged);
            if (pr.open) {
                p.put("mergeable", true);
                p.put("rebaseable", true);
                p.put("mergeable_state", pr.draft ? "draft" : "clean");
            } else {
                p.putNull("mergeable");
                p.putNull("rebaseable");
                p.put("mergeable_state", "unknown");
            }
            if (pr.mergedBy == null) {
                p.putNull("merged_by");
            } else {
                p.set("merged_by", user(pr.mergedBy));
            }
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

    /** GitHub's {@code pull-request-merge-result}. */
    ObjectNode mergeResult(String sha) {
        return JSON.createObjectNode().put("sha", sha).put("merged", true)
                .put("message", "Pull Request successfully merged");
    }

    /** GitHub's {@code pull-request-review}. */
    ObjectNode review(HostedRepository repo, HostedRepository.PullRequestState pr, HostedRepository.Review r) {
        String html = baseUrl + "/" + repo.fullName() + "/pull/" + pr.number + "#pullrequestreview-" + r.id();
        String prUrl = apiUrl + "/repos/" + repo.fullName() + "/pulls/" + pr.number;
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id());
        o.put("node_id", "PRR_" + Long.toString(r.id(), 36));
        o.set("user", user(r.login()));
        o.put("body", r.body());
        o.put("state", r.state());
        o.put("html_url", html);
        o.put("pull_request_url", prUrl);
        ObjectNode links = o.putObject("_links");
        links.set("html", link(html));
        links.set("pull_request", link(prUrl));
        o.put("submitted_at", iso(r.submittedAt()));
        o.put("commit_id", r.commitId());
        o.put("author_association", "MEMBER");
        return o;
    }

    // ---- checks and statuses -----------------------------------------------------------------------------------

    /** GitHub's {@code check-run}; {@code pull_requests} lists the open pull requests whose head it is on. */
    ObjectNode checkRun(HostedRepository repo, HostedRepository.CheckRun run) {
        String api = apiUrl + "/repos/" + repo.fullName();
        ObjectNode o = JSON.createObjectNode();
        o.put("id", run.id());
        o.put("name", run.name());
        o.put("node_id", "CR_" + Long.toString(run.id(), 36));
        o.put("head_sha", run.headSha());
        o.put("external_id", "");
        o.put("url", api + "/check-runs/" + run.id());
        o.put("html_url", baseUrl + "/" + repo.fullName() + "/runs/" + run.id());
        o.put("details_url", baseUrl + "/" + repo.fullName() + "/runs/" + run.id());
        o.put("status", run.status());
        putNullable(o, "conclusion", run.conclusion());
        putIso(o, "started_at", run.startedAt());
        putIso(o, "completed_at", run.completedAt());
        ObjectNode output = o.putObject("output");
        output.putNull("title");
        output.putNull("summary");
        output.putNull("text");
        output.put("annotations_count", 0);
        output.put("annotations_url", api + "/check-runs/" + run.id() + "/annotations");
        o.putObject("check_suite").put("id", run.id());
        o.putNull("app");
        ArrayNode prs = o.putArray("pull_requests");
        synchronized (repo) {
            for (HostedRepository.PullRequestState pr : repo.pulls) {
                if (pr.open && run.headSha().equals(repo.headSha(pr))) {
                    ObjectNode m = prs.addObject();
                    m.put("id", pr.id);
                    m.put("number", pr.number);
                    m.put("url", api + "/pulls/" + pr.number);
                    m.set("head", minimalRef(repo, pr.headRef, run.headSha()));
                    m.set("base", minimalRef(repo, pr.baseRef, repo.branchTip(pr.baseRef).orElse(run.headSha())));
                }
            }
        }
        return o;
    }

    private ObjectNode minimalRef(HostedRepository repo, String ref, String sha) {
        ObjectNode r = JSON.createObjectNode().put("ref", ref).put("sha", sha);
        r.putObject("repo").put("id", repo.id).put("url", apiUrl + "/repos/" + repo.fullName())
                .put("name", repo.name);
        return r;
    }

    /** GitHub's {@code check-run} list: {@code total_count} and {@code check_runs}. */
    ObjectNode checkRuns(HostedRepository repo, List<HostedRepository.CheckRun> runs) {
        ObjectNode out = JSON.createObjectNode();
        out.put("total_count", runs.size());
        ArrayNode list = out.putArray("check_runs");
        runs.forEach(r -> list.add(checkRun(repo, r)));
        return out;
    }

    /** GitHub's {@code status}. */
    ObjectNode status(HostedRepository repo, HostedRepository.CommitStatus s) {
        ObjectNode o = simpleStatus(repo, s);
        o.set("creator", user(s.creator()));
        return o;
    }

    /** GitHub's {@code simple-commit-status}. */
    ObjectNode simpleStatus(HostedRepository repo, HostedRepository.CommitStatus s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("url", apiUrl + "/repos/" + repo.fullName() + "/statuses/" + s.sha());
        o.put("avatar_url", baseUrl + "/avatars/u/" + userId(s.creator()));
        o.put("id", s.id());
        o.put("node_id", "SC_" + Long.toString(s.id(), 36));
        o.put("state", s.state());
        putNullable(o, "description", s.description());
        putNullable(o, "target_url", s.targetUrl());
        o.put("context", s.context());
        o.put("created_at", iso(s.createdAt()));
        o.put("updated_at", iso(s.createdAt()));
        return o;
    }

    /**
     * GitHub's {@code combined-commit-status}: the latest status per context; {@code state} failure if any is error
     * or failure, pending if there are none or any is pending, else success.
     */
    ObjectNode combinedStatus(HostedRepository repo, String sha, List<HostedRepository.CommitStatus> newestFirst) {
        java.util.Map<String, HostedRepository.CommitStatus> latest = new java.util.LinkedHashMap<>();
        newestFirst.forEach(s -> latest.putIfAbsent(s.context(), s));
        String state = latest.isEmpty() ? "pending" : "success";
        for (HostedRepository.CommitStatus s : latest.values()) {
            if ("error".equals(s.state()) || "failure".equals(s.state())) {
                state = "failure";
                break;
            }
            if ("pending".equals(s.state())) {
                state = "pending";
            }
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("state", state);
        ArrayNode list = o.putArray("statuses");
        latest.values().forEach(s -> list.add(simpleStatus(repo, s)));
        o.put("sha", sha);
        o.put("total_count", latest.size());
        o.set("repository", repository(repo, null));
        o.put("commit_url", apiUrl + "/repos/" + repo.fullName() + "/commits/" + sha);
        o.put("url", apiUrl + "/repos/" + repo.fullName() + "/commits/" + sha + "/status");
        return o;
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private String host() {
        String h = baseUrl.substring(baseUrl.indexOf("//") + 2);
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    static long userId(String login) {
        return Math.abs((long) login.hashCode()) + 1;
    }

    static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** {@code field}: {@code value}, or JSON null. */
    static void putNullable(ObjectNode node, String field, String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    static void putIso(ObjectNode node, String field, Instant t) {
        if (t == null) {
            node.putNull(field);
        } else {
            node.put(field, iso(t));
        }
    }
}
