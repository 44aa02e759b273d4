package dev.campaigns.codehost.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.campaigns.codehost.CodeHost;
import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.codehost.rest.RestClient;
import dev.campaigns.codehost.rest.RestHostConfig;
import dev.campaigns.domain.ChangesetStatusRules;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merge requests on GitLab (gitlab.com or self-managed) through REST API v4, with the JDK's HTTP client.
 *
 * <p>A changeset's "pull request" is a merge request: its {@code iid} is the number, {@code web_url} the URL,
 * {@code opened}/{@code closed}/{@code merged} the state ({@code locked} counts as open). A project is named by its
 * full path ({@code group/subgroup/name}, URL-encoded as one path segment). Drafts are GitLab's {@code Draft:} title
 * prefix, set on creation only, as for GitHub. Labels are added with {@code add_labels} (never removed); reviewers
 * are looked up by username and added to the existing ones (unknown users are logged and left out). The review
 * state comes from the approvals, the check state from the head pipeline.
 *
 * <p>Endpoints (docs/code-hosts.md lists them with their costs): {@code GET /projects/:id/merge_requests
 * ?source_branch=}, {@code POST /projects/:id/merge_requests}, {@code GET} and {@code PUT
 * /projects/:id/merge_requests/:iid}, {@code GET /projects/:id/merge_requests/:iid/approvals},
 * {@code GET /users?username=}. GitLab answers a second open merge request from the same branch with 409; that is
 * resolved to the existing one like GitHub's 422.
 *
 * <p>Thread-safe.
 */
public final class GitLabCodeHost implements CodeHost {
    private static final Logger LOG = LoggerFactory.getLogger(GitLabCodeHost.class);
    static final String DRAFT_PREFIX = "Draft: ";

    private final RestHostConfig config;
    private final RestClient rest;

    public GitLabCodeHost(RestHostConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.rest = new RestClient(config, GitLabCodeHost::hostMessage);
    }

    @Override
    public PullRequest ensurePullRequest(PullRequestSpec spec) {
        Objects.requireNonNull(spec, "spec");
        String project = project(spec.repository());
        JsonNode mr = findBySourceBranch(project, spec.headBranch());
        if (mr == null) {
            mr = create(project, spec);
        }
        PullRequest current = toModel(spec.repository(), mr);
        if (current.state() != PullRequestState.OPEN) {
            LOG.info("{}!{} from {} is {}: returned as is, not reopened", spec.repository(), current.number(),
                    spec.headBranch(), current.state());
            return current;
        }
        return converge(project, spec, mr, current);
    }

    private JsonNode create(String project, PullRequestSpec spec) {
        ObjectNode body = RestClient.JSON.createObjectNode()
                .put("source_branch", spec.headBranch())
                .put("target_branch", spec.baseBranch())
                .put("title", spec.draft() ? DRAFT_PREFIX + spec.title() : spec.title())
                .put("description", spec.body())
                .put("remove_source_branch", false);
        try {
            JsonNode created = rest.send("POST", project + "/merge_requests", body).body();
            LOG.info("opened {}!{} from {}", spec.repository(), created.path("iid").asLong(), spec.headBranch());
            return created;
        } catch (CodeHostException e) {
            if (e.httpStatus() != 409) {
                throw e;
            }
            // "Another open merge request already exists for this source branch": someone won the race.
            JsonNode existing = findBySourceBranch(project, spec.headBranch());
            if (existing == null) {
                throw new CodeHostException(CodeHostException.Kind.SERVER_ERROR, 409, e.getMessage()
                        + " (but it is not listed yet)", null, e);
            }
            return existing;
        }
    }

    /** An open merge request from {@code branch} wins, else the most recent. */
    private JsonNode findBySourceBranch(String project, String branch) {
        JsonNode list = rest.get(project + "/merge_requests?source_branch=" + encode(branch)
                + "&state=all&per_page=100&order_by=created_at&sort=desc").body();
        JsonNode best = null;
        for (JsonNode mr : list) {
            if (!branch.equals(mr.path("source_branch").asText())) {
                continue;
            }
            boolean open = isOpen(mr);
            if (best == null || open && !isOpen(best)
                    || open == isOpen(best) && mr.path("iid").asLong() > best.path("iid").asLong()) {
                best = mr;
            }
        }
        return best;
    }

    private PullRequest converge(String project, PullRequestSpec spec, JsonNode mr, PullRequest current) {
        ObjectNode update = RestClient.JSON.createObjectNode();
        String title = current.draft() && !spec.title().startsWith(DRAFT_PREFIX) ? DRAFT_PREFIX + spec.title()
                : spec.title();
        if (!stripDraft(current.title()).equals(stripDraft(spec.title()))) {
            update.put("title", title);
        }
        if (!current.body().equals(spec.body())) {
            update.put("description", spec.body());
        }
        List<String> missingLabels = spec.labels().stream().filter(l -> !current.labels().contains(l)).toList();
        if (!missingLabels.isEmpty()) {
            update.put("add_labels", String.join(",", missingLabels));
        }
        Set<String> haveReviewers = new LinkedHashSet<>();
        mr.path("reviewers").forEach(r -> haveReviewers.add(r.path("username").asText()));
        List<String> missingReviewers = spec.reviewers().stream().filter(r -> !haveReviewers.contains(r)).toList();
        if (!missingReviewers.isEmpty()) {
            List<Long> ids = new ArrayList<>();
            mr.path("reviewers").forEach(r -> ids.add(r.path("id").asLong()));
            int before = ids.size();
            for (String login : missingReviewers) {
                JsonNode users = rest.get("/users?username=" + encode(login)).body();
                if (users.isArray() && !users.isEmpty()) {
                    ids.add(users.get(0).path("id").asLong());
                } else {
                    LOG.warn("{}: reviewer {} is unknown to GitLab; left out", spec.repository(), login);
                }
            }
            if (ids.size() > before) {
                ArrayNode reviewerIds = update.putArray("reviewer_ids");
                ids.forEach(reviewerIds::add);
            }
        }
        if (update.isEmpty()) {
            return current;
        }
        String path = project + "/merge_requests/" + current.number();
        try {
            return toModel(spec.repository(), rest.send("PUT", path, update).body());
        } catch (CodeHostException e) {
            if (e.httpStatus() == 400 && update.has("reviewer_ids")) {
                // A reviewer GitLab refuses (e.g. no access to the project): keep the rest of the change.
                LOG.warn("{}!{}: reviewers refused ({}); left out", spec.repository(), current.number(),
                        e.getMessage());
                update.remove("reviewer_ids");
                return update.isEmpty() ? current : toModel(spec.repository(), rest.send("PUT", path, update).body());
            }
            throw e;
        }
    }

    @Override
    public java.util.Optional<PullRequest> findPullRequest(String repository, String headBranch) {
        Objects.requireNonNull(repository, "repository");
        return java.util.Optional.ofNullable(findBySourceBranch(project(repository), headBranch))
                .map(mr -> toModel(repository, mr));
    }

    @Override
    public PullRequest loadPullRequest(String repository, long number) {
        return toModel(repository, mergeRequest(repository, number));
    }

    @Override
    public String cloneUrl(String repository) {
        return config.gitUrl() + "/" + repository + ".git";
    }

    @Override
    public PullRequestStatus loadPullRequestStatus(String repository, long number) {
        JsonNode mr = mergeRequest(repository, number);
        PullRequest model = toModel(repository, mr);
        JsonNode approvals = rest.get(project(repository) + "/merge_requests/" + number + "/approvals").body();
        List<ChangesetStatusRules.Review> reviews = new ArrayList<>();
        Instant approvalsAt = instant(approvals.path("updated_at"));
        approvals.path("approved_by").forEach(a -> reviews.add(new ChangesetStatusRules.Review(
                a.path("user").path("username").asText(), "APPROVED", approvalsAt)));
        List<ChangesetStatusRules.Check> checks = new ArrayList<>();
        JsonNode pipeline = mr.path("head_pipeline");
        Instant checkAt = null;
        if (pipeline.isObject()) {
            checkAt = Stream.of(instant(pipeline.path("finished_at")), instant(pipeline.path("updated_at")),
                    instant(pipeline.path("created_at"))).filter(Objects::nonNull).findFirst().orElse(null);
            checks.add(pipelineCheck(pipeline.path("status").asText(""), checkAt));
        }
        Instant createdAt = instant(mr.path("created_at"));
        Instant updatedAt = instant(mr.path("updated_at"));
        Instant reviewAt = reviews.isEmpty() ? null : approvalsAt;
        Instant changedAt = Stream.of(updatedAt, reviewAt, checkAt).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(createdAt);
        return new PullRequestStatus(model, ChangesetStatusRules.reviewState(reviews),
                ChangesetStatusRules.checkState(checks), createdAt, changedAt, instant(mr.path("closed_at")),
                instant(mr.path("merged_at")), reviewAt, checkAt);
    }

    /** A GitLab pipeline status as a check: success passes, failed fails, canceled/skipped are neutral. */
    static ChangesetStatusRules.Check pipelineCheck(String status, Instant at) {
        return switch (status) {
            case "success" -> new ChangesetStatusRules.Check("pipeline", "COMPLETED", "SUCCESS", at);
            case "failed" -> new ChangesetStatusRules.Check("pipeline", "COMPLETED", "FAILURE", at);
            case "canceled", "skipped" -> new ChangesetStatusRules.Check("pipeline", "COMPLETED", "NEUTRAL", at);
            default -> new ChangesetStatusRules.Check("pipeline", "IN_PROGRESS", null, at);
        };
    }

    @Override
    public PullRequest closePullRequest(String repository, long number) {
        JsonNode mr = mergeRequest(repository, number);
        if (!isOpen(mr)) {
            return toModel(repository, mr);
        }
        JsonNode closed = rest.send("PUT", project(repository) + "/merge_requests/" + number,
                RestClient.JSON.createObjectNode().put("state_event", "close")).body();
        LOG.info("closed {}!{}", repository, number);
        return toModel(repository, closed);
    }

    // ---- Bulk operations (issue 16): notes, merge, reviewer_ids and add_labels on the merge request.

    @Override
    public void commentOnPullRequest(String repository, long number, String body) {
        rest.send("POST", project(repository) + "/merge_requests/" + number + "/notes",
                RestClient.JSON.createObjectNode().put("body", body));
    }

    @Override
    public boolean hasComment(String repository, long number, String marker) {
        for (int page = 1; ; page++) {
            JsonNode notes = rest.get(project(repository) + "/merge_requests/" + number + "/notes?per_page=100&page="
                    + page).body();
            if (!notes.isArray() || notes.isEmpty()) {
                return false;
            }
            for (JsonNode n : notes) {
                if (n.path("body").asText("").contains(marker)) {
                    return true;
                }
            }
            if (notes.size() < 100) {
                return false;
            }
        }
    }

    /**
     * {@code PUT .../merge} with {@code squash} for SQUASH and the head SHA read first (GitLab refuses with 409 when
     * the branch moved). GitLab's rebase is the project's merge method, not a per-request option: REBASE is refused.
     */
    @Override
    public PullRequest mergePullRequest(String repository, long number, dev.campaigns.domain.MergeMethod method) {
        JsonNode mr = mergeRequest(repository, number);
        PullRequest current = toModel(repository, mr);
        if (current.state() == PullRequestState.MERGED) {
            return current;
        }
        if (method == dev.campaigns.domain.MergeMethod.REBASE) {
            throw new CodeHostException(CodeHostException.Kind.VALIDATION, 400, "merge " + repository + "!" + number
                    + ": GitLab rebases by the project's merge method setting; use MERGE or SQUASH", null, null);
        }
        ObjectNode body = RestClient.JSON.createObjectNode()
                .put("squash", method == dev.campaigns.domain.MergeMethod.SQUASH);
        if (current.headSha() != null) {
            body.put("sha", current.headSha());
        }
        return toModel(repository, rest.send("PUT", project(repository) + "/merge_requests/" + number + "/merge",
                body).body());
    }

    @Override
    public void requestReviewers(String repository, long number, List<String> reviewers) {
        JsonNode mr = mergeRequest(repository, number);
        List<Long> ids = new ArrayList<>();
        Set<String> have = new LinkedHashSet<>();
        mr.path("reviewers").forEach(r -> {
            ids.add(r.path("id").asLong());
            have.add(r.path("username").asText());
        });
        int before = ids.size();
        for (String login : reviewers) {
            if (have.contains(login)) {
                continue;
            }
            JsonNode users = rest.get("/users?username=" + encode(login)).body();
            if (!users.isArray() || users.isEmpty()) {
                throw new CodeHostException(CodeHostException.Kind.VALIDATION, 404, "reviewer " + login
                        + " is unknown to GitLab", null, null);
            }
            ids.add(users.get(0).path("id").asLong());
        }
        if (ids.size() == before) {
            return;
        }
        ObjectNode update = RestClient.JSON.createObjectNode();
        ArrayNode reviewerIds = update.putArray("reviewer_ids");
        ids.forEach(reviewerIds::add);
        rest.send("PUT", project(repository) + "/merge_requests/" + number, update);
    }

    @Override
    public void addLabels(String repository, long number, List<String> labels) {
        rest.send("PUT", project(repository) + "/merge_requests/" + number,
                RestClient.JSON.createObjectNode().put("add_labels", String.join(",", labels)));
    }

    /** GitLab has no free rate-limit query: the {@code RateLimit-Remaining} of its latest answer. */
    @Override
    public int remainingRequests() {
        return rest.lastRemaining();
    }

    private JsonNode mergeRequest(String repository, long number) {
        return rest.get(project(repository) + "/merge_requests/" + number).body();
    }

    static PullRequest toModel(String repository, JsonNode mr) {
        List<String> labels = new ArrayList<>();
        mr.path("labels").forEach(l -> labels.add(l.isObject() ? l.path("name").asText() : l.asText()));
        List<String> reviewers = new ArrayList<>();
        mr.path("reviewers").forEach(r -> reviewers.add(r.path("username").asText()));
        String title = mr.path("title").asText("");
        boolean draft = mr.path("draft").asBoolean(mr.path("work_in_progress").asBoolean(false))
                || title.startsWith("Draft:") || title.startsWith("[Draft]") || title.startsWith("(Draft)");
        return new PullRequest(repository, mr.path("iid").asLong(), mr.path("web_url").asText(null), state(mr),
                title, mr.path("description").asText(""), mr.path("source_branch").asText(),
                mr.path("target_branch").asText(), mr.path("sha").asText(null), draft, labels, reviewers);
    }

    private static PullRequestState state(JsonNode mr) {
        return switch (mr.path("state").asText("").toLowerCase(Locale.ROOT)) {
            case "merged" -> PullRequestState.MERGED;
            case "closed" -> PullRequestState.CLOSED;
            default -> PullRequestState.OPEN; // opened, locked
        };
    }

    private static boolean isOpen(JsonNode mr) {
        return state(mr) == PullRequestState.OPEN;
    }

    private static String stripDraft(String title) {
        return title.startsWith(DRAFT_PREFIX) ? title.substring(DRAFT_PREFIX.length()) : title;
    }

    /** {@code /projects/group%2Fname}. */
    static String project(String repository) {
        if (repository == null || !repository.contains("/")) {
            throw new IllegalArgumentException("a GitLab repository is \"group/name\", got \"" + repository + "\"");
        }
        return "/projects/" + encode(repository);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Instant instant(JsonNode v) {
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(v.asText()).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** GitLab's {@code message} (a string, a list, or field errors) or {@code error}. */
    static String hostMessage(JsonNode body) {
        JsonNode m = body.path("message");
        if (m.isTextual()) {
            return m.asText();
        }
        if (m.isArray()) {
            List<String> parts = new ArrayList<>();
            m.forEach(p -> parts.add(p.asText()));
            return String.join("; ", parts);
        }
        if (m.isObject()) {
            List<String> parts = new ArrayList<>();
            m.fields().forEachRemaining(f -> parts.add(f.getKey() + " " + (f.getValue().isArray()
                    ? String.join(", ", toStrings(f.getValue())) : f.getValue().asText())));
            return String.join("; ", parts);
        }
        return body.path("error").asText(null);
    }

    private static List<String> toStrings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    @Override
    public String toString() {
        return "GitLabCodeHost[" + config.apiUrl() + "]";
    }
}
