package dev.campaigns.codehost.bitbucket;

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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pull requests on Bitbucket Server / Data Center through REST 1.0, with the JDK's HTTP client.
 *
 * <p>A repository is {@code PROJECT/slug} (project key and repository slug); clone URLs are
 * {@code <git>/scm/<project>/<slug>.git}. Pull requests are found by their source ref
 * ({@code GET .../pull-requests?at=refs/heads/B&direction=OUTGOING&state=ALL}), opened with
 * {@code POST .../pull-requests} (a 409 {@code DuplicatePullRequestException} from a race is resolved to the
 * existing one), updated with {@code PUT .../pull-requests/{id}} (Bitbucket's optimistic {@code version}), closed by
 * {@code POST .../pull-requests/{id}/decline?version=}. Reviewers are users by name; the review state comes from
 * the reviewers' statuses ({@code APPROVED}, {@code NEEDS_WORK}), the check state from the head commit's build
 * statuses ({@code GET /rest/build-status/1.0/commits/{sha}}). Bitbucket Server pull requests have no labels: a
 * spec's labels are logged and not applied. Drafts need Bitbucket 8.18+ ({@code draft} on creation).
 *
 * <p>Thread-safe.
 */
public final class BitbucketServerCodeHost implements CodeHost {
    private static final Logger LOG = LoggerFactory.getLogger(BitbucketServerCodeHost.class);
    static final String API = "/rest/api/1.0";

    private final RestHostConfig config;
    private final RestClient rest;

    public BitbucketServerCodeHost(RestHostConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.rest = new RestClient(config, BitbucketServerCodeHost::hostMessage);
    }

    @Override
    public PullRequest ensurePullRequest(PullRequestSpec spec) {
        Objects.requireNonNull(spec, "spec");
        String repoPath = repoPath(spec.repository());
        JsonNode pr = findBySourceBranch(repoPath, spec.headBranch());
        if (pr == null) {
            pr = create(repoPath, spec);
        }
        PullRequest current = toModel(spec.repository(), pr);
        if (current.state() != PullRequestState.OPEN) {
            LOG.info("{}#{} from {} is {}: returned as is, not reopened", spec.repository(), current.number(),
                    spec.headBranch(), current.state());
            return current;
        }
        if (!spec.labels().isEmpty()) {
            LOG.info("{}#{}: Bitbucket Server pull requests have no labels; {} not applied", spec.repository(),
                    current.number(), spec.labels());
        }
        return converge(repoPath, spec, pr, current);
    }

    private JsonNode create(String repoPath, PullRequestSpec spec) {
        String[] pk = split(spec.repository());
        ObjectNode body = RestClient.JSON.createObjectNode()
                .put("title", spec.title())
                .put("description", spec.body());
        if (spec.draft()) {
            body.put("draft", true);
        }
        body.set("fromRef", ref(spec.headBranch(), pk));
        body.set("toRef", ref(spec.baseBranch(), pk));
        // Reviewers are added by converge: one unknown reviewer must not stop the pull request from opening.
        try {
            JsonNode created = rest.send("POST", repoPath + "/pull-requests", body).body();
            LOG.info("opened {}#{} from {}", spec.repository(), created.path("id").asLong(), spec.headBranch());
            return created;
        } catch (CodeHostException e) {
            if (e.httpStatus() != 409) {
                throw e;
            }
            JsonNode existing = findBySourceBranch(repoPath, spec.headBranch());
            if (existing == null) {
                throw new CodeHostException(CodeHostException.Kind.SERVER_ERROR, 409, e.getMessage()
                        + " (but it is not listed yet)", null, e);
            }
            return existing;
        }
    }

    private static ObjectNode ref(String branch, String[] projectAndSlug) {
        ObjectNode ref = RestClient.JSON.createObjectNode().put("id", "refs/heads/" + branch);
        ref.putObject("repository").put("slug", projectAndSlug[1]).putObject("project").put("key", projectAndSlug[0]);
        return ref;
    }

    /** An open pull request from {@code branch} wins, else the most recent; follows Bitbucket's paging. */
    private JsonNode findBySourceBranch(String repoPath, String branch) {
        JsonNode best = null;
        int start = 0;
        for (int pages = 0; pages < 100; pages++) {
            JsonNode page = rest.get(repoPath + "/pull-requests?at=" + encode("refs/heads/" + branch)
                    + "&direction=OUTGOING&state=ALL&limit=100&start=" + start).body();
            for (JsonNode pr : page.path("values")) {
                if (!("refs/heads/" + branch).equals(pr.path("fromRef").path("id").asText())) {
                    continue;
                }
                boolean open = isOpen(pr);
                if (best == null || open && !isOpen(best)
                        || open == isOpen(best) && pr.path("id").asLong() > best.path("id").asLong()) {
                    best = pr;
                }
            }
            if (page.path("isLastPage").asBoolean(true) || !page.has("nextPageStart")) {
                break;
            }
            start = page.path("nextPageStart").asInt();
        }
        return best;
    }

    private PullRequest converge(String repoPath, PullRequestSpec spec, JsonNode pr, PullRequest current) {
        List<String> missingReviewers = spec.reviewers().stream().filter(r -> !current.reviewers().contains(r)
                && !reviewedBy(pr, r)).filter(r -> userExists(spec.repository(), r)).toList();
        boolean titleDiffers = !current.title().equals(spec.title());
        boolean bodyDiffers = !current.body().equals(spec.body());
        if (!titleDiffers && !bodyDiffers && missingReviewers.isEmpty()) {
            return current;
        }
        ObjectNode update = RestClient.JSON.createObjectNode()
                .put("version", pr.path("version").asInt())
                .put("title", spec.title())
                .put("description", spec.body());
        ArrayNode reviewers = update.putArray("reviewers");
        pr.path("reviewers").forEach(r -> reviewers.addObject().putObject("user").put("name",
                r.path("user").path("name").asText()));
        missingReviewers.forEach(r -> reviewers.addObject().putObject("user").put("name", r));
        String path = repoPath + "/pull-requests/" + current.number();
        try {
            return toModel(spec.repository(), rest.send("PUT", path, update).body());
        } catch (CodeHostException e) {
            if ((e.httpStatus() == 400 || e.httpStatus() == 409) && !missingReviewers.isEmpty()
                    && e.getMessage().toLowerCase(Locale.ROOT).contains("reviewer")) {
                // Bitbucket refuses a reviewer it does not know (IllegalPullRequestReviewerException): keep the rest.
                LOG.warn("{}#{}: reviewers {} refused ({}); left out", spec.repository(), current.number(),
                        missingReviewers, e.getMessage());
                ArrayNode kept = update.putArray("reviewers");
                pr.path("reviewers").forEach(r -> kept.addObject().putObject("user").put("name",
                        r.path("user").path("name").asText()));
                return titleDiffers || bodyDiffers ? toModel(spec.repository(), rest.send("PUT", path, update).body())
                        : current;
            }
            throw e;
        }
    }

    /** Bitbucket refuses a whole update naming one unknown reviewer, so each is looked up first. */
    private boolean userExists(String repository, String name) {
        try {
            rest.get(API + "/users/" + encode(name));
            return true;
        } catch (CodeHostException e) {
            if (e.kind() == CodeHostException.Kind.NOT_FOUND) {
                LOG.warn("{}: reviewer {} is unknown to Bitbucket; left out", repository, name);
                return false;
            }
            throw e;
        }
    }

    private static boolean reviewedBy(JsonNode pr, String name) {
        for (JsonNode r : pr.path("reviewers")) {
            if (name.equals(r.path("user").path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public java.util.Optional<PullRequest> findPullRequest(String repository, String headBranch) {
        Objects.requireNonNull(repository, "repository");
        return java.util.Optional.ofNullable(findBySourceBranch(repoPath(repository), headBranch))
                .map(pr -> toModel(repository, pr));
    }

    @Override
    public PullRequest loadPullRequest(String repository, long number) {
        return toModel(repository, pullRequest(repository, number));
    }

    @Override
    public String cloneUrl(String repository) {
        String[] pk = split(repository);
        return config.gitUrl() + "/scm/" + pk[0] + "/" + pk[1] + ".git";
    }

    @Override
    public PullRequestStatus loadPullRequestStatus(String repository, long number) {
        JsonNode pr = pullRequest(repository, number);
        PullRequest model = toModel(repository, pr);
        List<ChangesetStatusRules.Review> reviews = new ArrayList<>();
        Instant updatedAt = millis(pr.path("updatedDate"));
        for (JsonNode r : pr.path("reviewers")) {
            String status = r.path("status").asText("UNAPPROVED");
            String state = switch (status) {
                case "APPROVED" -> "APPROVED";
                case "NEEDS_WORK" -> "CHANGES_REQUESTED";
                default -> null;
            };
            if (state != null) {
                // Bitbucket gives no time per review: the pull request's last update is the latest it can be.
                reviews.add(new ChangesetStatusRules.Review(r.path("user").path("name").asText(), state, updatedAt));
            }
        }
        List<ChangesetStatusRules.Check> checks = new ArrayList<>();
        if (model.headSha() != null) {
            Map<String, ChangesetStatusRules.Check> latest = new HashMap<>();
            JsonNode statuses = rest.get("/rest/build-status/1.0/commits/" + model.headSha() + "?limit=100").body();
            for (JsonNode s : statuses.path("values")) {
                String key = s.path("key").asText();
                Instant at = millis(s.path("updatedDate")) != null ? millis(s.path("updatedDate"))
                        : millis(s.path("createdDate"));
                String st = switch (s.path("state").asText()) {
                    case "SUCCESSFUL" -> "success";
                    case "FAILED" -> "failure";
                    default -> "pending"; // INPROGRESS
                };
                latest.merge(key, new ChangesetStatusRules.Check(key, st, null, at), ChangesetStatusRules::later);
            }
            checks.addAll(latest.values());
        }
        Instant createdAt = millis(pr.path("createdDate"));
        Instant reviewAt = reviews.stream().map(ChangesetStatusRules.Review::submittedAt).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(null);
        Instant checkAt = checks.stream().map(ChangesetStatusRules.Check::at).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(null);
        Instant changedAt = Stream.of(updatedAt, reviewAt, checkAt).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(createdAt);
        Instant closedAt = model.state() == PullRequestState.OPEN ? null
                : Objects.requireNonNullElse(millis(pr.path("closedDate")), updatedAt);
        return new PullRequestStatus(model, ChangesetStatusRules.reviewState(reviews),
                ChangesetStatusRules.checkState(checks), createdAt, changedAt, closedAt,
                model.state() == PullRequestState.MERGED ? closedAt : null, reviewAt, checkAt);
    }

    @Override
    public PullRequest closePullRequest(String repository, long number) {
        JsonNode pr = pullRequest(repository, number);
        if (!isOpen(pr)) {
            return toModel(repository, pr);
        }
        JsonNode declined = rest.send("POST", repoPath(repository) + "/pull-requests/" + number + "/decline?version="
                + pr.path("version").asInt(), RestClient.JSON.createObjectNode()).body();
        LOG.info("declined {}#{}", repository, number);
        return toModel(repository, declined);
    }

    // ---- Bulk operations (issue 16): comments, merge with a strategy, reviewers; Bitbucket Server has no labels.

    @Override
    public void commentOnPullRequest(String repository, long number, String body) {
        rest.send("POST", repoPath(repository) + "/pull-requests/" + number + "/comments",
                RestClient.JSON.createObjectNode().put("text", body));
    }

    /** Reads the pull request's activities (comments are COMMENTED activities), every page. */
    @Override
    public boolean hasComment(String repository, long number, String marker) {
        int start = 0;
        while (true) {
            JsonNode page = rest.get(repoPath(repository) + "/pull-requests/" + number + "/activities?limit=100&start="
                    + start).body();
            for (JsonNode a : page.path("values")) {
                if ("COMMENTED".equals(a.path("action").asText()) && a.path("comment").path("text").asText("")
                        .contains(marker)) {
                    return true;
                }
            }
            if (page.path("isLastPage").asBoolean(true)) {
                return false;
            }
            start = page.path("nextPageStart").asInt();
        }
    }

    /** {@code POST .../merge?version=} with strategy {@code no-ff}, {@code squash} or {@code rebase-no-ff}. */
    @Override
    public PullRequest mergePullRequest(String repository, long number, dev.campaigns.domain.MergeMethod method) {
        JsonNode pr = pullRequest(repository, number);
        if (state(pr) == PullRequestState.MERGED) {
            return toModel(repository, pr);
        }
        String strategy = switch (method) {
            case MERGE -> "no-ff";
            case SQUASH -> "squash";
            case REBASE -> "rebase-no-ff";
        };
        JsonNode merged = rest.send("POST", repoPath(repository) + "/pull-requests/" + number + "/merge?version="
                + pr.path("version").asInt(), RestClient.JSON.createObjectNode().put("strategyId", strategy)).body();
        LOG.info("merged {}#{} ({})", repository, number, strategy);
        return toModel(repository, merged);
    }

    @Override
    public void requestReviewers(String repository, long number, List<String> reviewers) {
        JsonNode pr = pullRequest(repository, number);
        List<String> have = new ArrayList<>();
        pr.path("reviewers").forEach(r -> have.add(r.path("user").path("name").asText()));
        List<String> missing = reviewers.stream().filter(r -> !have.contains(r)).toList();
        if (missing.isEmpty()) {
            return;
        }
        ObjectNode update = RestClient.JSON.createObjectNode().put("version", pr.path("version").asInt())
                .put("title", pr.path("title").asText(""))
                .put("description", pr.path("description").asText(""));
        ArrayNode list = update.putArray("reviewers");
        have.forEach(r -> list.addObject().putObject("user").put("name", r));
        missing.forEach(r -> list.addObject().putObject("user").put("name", r));
        rest.send("PUT", repoPath(repository) + "/pull-requests/" + number, update);
    }

    /** Bitbucket Server pull requests have no labels: always refused, so the changeset's result says so. */
    @Override
    public void addLabels(String repository, long number, List<String> labels) {
        throw new CodeHostException(CodeHostException.Kind.VALIDATION, 400, "Bitbucket Server pull requests have no "
                + "labels", null, null);
    }

    /** Bitbucket Server publishes no remaining count: what its latest answer said, else unlimited. */
    @Override
    public int remainingRequests() {
        return rest.lastRemaining();
    }

    private JsonNode pullRequest(String repository, long number) {
        return rest.get(repoPath(repository) + "/pull-requests/" + number).body();
    }

    static PullRequest toModel(String repository, JsonNode pr) {
        List<String> reviewers = new ArrayList<>();
        pr.path("reviewers").forEach(r -> {
            if ("UNAPPROVED".equals(r.path("status").asText("UNAPPROVED"))) {
                reviewers.add(r.path("user").path("name").asText());
            }
        });
        String url = pr.path("links").path("self").path(0).path("href").asText(null);
        return new PullRequest(repository, pr.path("id").asLong(), url, state(pr), pr.path("title").asText(""),
                pr.path("description").asText(""), pr.path("fromRef").path("displayId").asText(),
                pr.path("toRef").path("displayId").asText(), pr.path("fromRef").path("latestCommit").asText(null),
                pr.path("draft").asBoolean(false), List.of(), reviewers);
    }

    private static PullRequestState state(JsonNode pr) {
        return switch (pr.path("state").asText("")) {
            case "MERGED" -> PullRequestState.MERGED;
            case "DECLINED" -> PullRequestState.CLOSED;
            default -> PullRequestState.OPEN;
        };
    }

    private static boolean isOpen(JsonNode pr) {
        return state(pr) == PullRequestState.OPEN;
    }

    static String repoPath(String repository) {
        String[] pk = split(repository);
        return API + "/projects/" + encode(pk[0]) + "/repos/" + encode(pk[1]);
    }

    private static String[] split(String repository) {
        int slash = repository == null ? -1 : repository.indexOf('/');
        if (slash <= 0 || slash == repository.length() - 1 || repository.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("a Bitbucket Server repository is \"PROJECT/slug\", got \""
                    + repository + "\"");
        }
        return new String[] {repository.substring(0, slash), repository.substring(slash + 1)};
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Instant millis(JsonNode v) {
        return v != null && v.canConvertToLong() && v.asLong() > 0 ? Instant.ofEpochMilli(v.asLong()) : null;
    }

    /** Bitbucket's {@code errors[].message}, joined. */
    static String hostMessage(JsonNode body) {
        List<String> parts = new ArrayList<>();
        body.path("errors").forEach(e -> parts.add(e.path("message").asText()));
        return parts.isEmpty() ? body.path("message").asText(null) : String.join("; ", parts);
    }

    @Override
    public String toString() {
        return "BitbucketServerCodeHost[" + config.apiUrl() + "]";
    }
}
