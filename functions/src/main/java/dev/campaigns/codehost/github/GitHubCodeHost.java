package dev.campaigns.codehost.github;

import dev.campaigns.codehost.CodeHost;
import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.codehost.PullRequestState;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.ChangesetStatusRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.kohsuke.github.GHCheckRun;
import org.kohsuke.github.GHCommitStatus;
import org.kohsuke.github.GHIssueState;
import org.kohsuke.github.GHLabel;
import org.kohsuke.github.GHPullRequest;
import org.kohsuke.github.GHPullRequestReview;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GHUser;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CodeHost} for GitHub and GitHub Enterprise Server through {@code org.kohsuke:github-api}.
 *
 * <p>REST calls made (the local code host emulates exactly these; see docs/code-hosts.md):
 * <ul>
 *   <li>{@code GET /repos/{o}/{r}}: github-api needs the repository object first.</li>
 *   <li>{@code GET /repos/{o}/{r}/pulls?head={o}:{branch}&state=all}: find an existing pull request.</li>
 *   <li>{@code POST /repos/{o}/{r}/pulls}: open one (422 "already exists" means another worker won the race).</li>
 *   <li>{@code PATCH /repos/{o}/{r}/pulls/{n}}: title or body changed.</li>
 *   <li>{@code POST /repos/{o}/{r}/issues/{n}/labels}: add missing labels.</li>
 *   <li>{@code GET /users/{login}} and {@code POST /repos/{o}/{r}/pulls/{n}/requested_reviewers}: request reviews.</li>
 *   <li>{@code GET /repos/{o}/{r}/pulls/{n}}: the final state, and {@link #loadPullRequest}.</li>
 *   <li>{@link #loadPullRequestStatus}: also {@code GET /repos/{o}/{r}/pulls/{n}/reviews},
 *       {@code GET /repos/{o}/{r}/commits/{sha}/check-runs} and {@code GET /repos/{o}/{r}/statuses/{sha}}.</li>
 *   <li>{@link #closePullRequest}: {@code PATCH /repos/{o}/{r}/pulls/{n}} with {@code state: closed}.</li>
 *   <li>{@link #remainingRequests}: {@code GET /rate_limit}.</li>
 * </ul>
 *
 * <p>Review requests are best effort: a reviewer the host rejects (unknown user, not a collaborator) is logged and
 * left out of {@link PullRequest#reviewers()} instead of failing a pull request that already exists. Draft status
 * applies on creation only (GitHub's REST API cannot change it).
 *
 * <p>Thread-safe: one instance (one github-api client) serves concurrent calls.
 */
public final class GitHubCodeHost implements CodeHost {

    private static final Logger LOG = LoggerFactory.getLogger(GitHubCodeHost.class);

    private final GitHubConfig config;
    private final GitHub github;
    private final RateLimitPolicy rateLimits;

    public GitHubCodeHost(GitHubConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.rateLimits = new RateLimitPolicy(config.maxRateLimitWait(), config.clock(), config.sleeper());
        try {
            // A plain AuthorizationProvider (not a user one) means no GET /user at build time, and
            // github-api retries a 401 once when the supplier then returns a different (refreshed) token.
            this.github = new GitHubBuilder()
                    .withEndpoint(config.apiUrl().toString())
                    .withAuthorizationProvider(() -> "Bearer " + config.token().get())
                    .withConnector(new TimeoutHttpClientConnector(config.connectTimeout(), config.requestTimeout()))
                    .withRateLimitHandler(rateLimits.primaryHandler())
                    .withAbuseLimitHandler(rateLimits.secondaryHandler())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot configure the GitHub client for " + config.apiUrl(), e);
        }
    }

    @Override
    public PullRequest ensurePullRequest(PullRequestSpec spec) {
        Objects.requireNonNull(spec, "spec");
        String repoName = spec.repository();
        GHRepository repo = call("GET repository " + repoName, () -> github.getRepository(repoName));
        String headLabel = repo.getOwnerName() + ":" + spec.headBranch();

        GHPullRequest found = call("list pull requests of " + headLabel, () -> findByHead(repo, spec.headBranch(),
                headLabel));
        GHPullRequest pr;
        if (found != null) {
            pr = call("GET pull request " + repoName + "#" + found.getNumber(),
                    () -> repo.getPullRequest(found.getNumber()));
        } else {
            pr = create(repo, spec, headLabel);
        }
        PullRequest current = toModel(repoName, pr);
        if (current.state() != PullRequestState.OPEN) {
            LOG.info("{}#{} from {} is {}: returned as is, not reopened", repoName, current.number(), headLabel,
                    current.state());
            return current;
        }
        boolean changed = converge(repoName, pr, current, spec);
        if (!changed) {
            return current;
        }
        int number = pr.getNumber();
        return toModel(repoName, call("GET pull request " + repoName + "#" + number,
                () -> repo.getPullRequest(number)));
    }

    @Override
    public java.util.Optional<PullRequest> findPullRequest(String repository, String headBranch) {
        Objects.requireNonNull(repository, "repository");
        GHRepository repo = call("GET repository " + repository, () -> github.getRepository(repository));
        String headLabel = repo.getOwnerName() + ":" + headBranch;
        GHPullRequest found = call("list pull requests of " + headLabel, () -> findByHead(repo, headBranch,
                headLabel));
        if (found == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(toModel(repository, call("GET pull request " + repository + "#"
                + found.getNumber(), () -> repo.getPullRequest(found.getNumber()))));
    }

    @Override
    public PullRequest loadPullRequest(String repository, long number) {
        Objects.requireNonNull(repository, "repository");
        return toModel(repository, pullRequest(repository, number));
    }

    @Override
    public PullRequestStatus loadPullRequestStatus(String repository, long number) {
        Objects.requireNonNull(repository, "repository");
        String where = repository + "#" + number;
        GHPullRequest pr = pullRequest(repository, number);
        GHRepository repo = pr.getRepository();
        PullRequest model = toModel(repository, pr);
        List<ChangesetStatusRules.Review> reviews = call("GET reviews of " + where, () -> {
            List<ChangesetStatusRules.Review> out = new ArrayList<>();
            for (GHPullRequestReview r : pr.listReviews().withPageSize(100)) {
                out.add(new ChangesetStatusRules.Review(r.getUser() == null ? "" : r.getUser().getLogin(),
                        r.getState() == null ? null : r.getState().name(), instant(r.getSubmittedAt())));
            }
            return out;
        });
        String sha = model.headSha();
        List<ChangesetStatusRules.Check> checks = new ArrayList<>();
        call("GET check runs of " + where + " at " + sha, () -> {
            Map<String, ChangesetStatusRules.Check> latest = new HashMap<>();
            for (GHCheckRun run : repo.getCheckRuns(sha).withPageSize(100)) {
                Instant at = run.getCompletedAt() != null ? instant(run.getCompletedAt()) : instant(run.getStartedAt());
                ChangesetStatusRules.Check check = new ChangesetStatusRules.Check(run.getName(),
                        run.getStatus() == null ? null : run.getStatus().name(),
                        run.getConclusion() == null ? null : run.getConclusion().name(), at);
                latest.merge(run.getName(), check, ChangesetStatusRules::later);
            }
            checks.addAll(latest.values());
            return null;
        });
        call("GET statuses of " + where + " at " + sha, () -> {
            Map<String, ChangesetStatusRules.Check> latest = new HashMap<>();
            for (GHCommitStatus status : repo.listCommitStatuses(sha).withPageSize(100)) {
                ChangesetStatusRules.Check check = new ChangesetStatusRules.Check(status.getContext(),
                        status.getState() == null ? null : status.getState().name(), null,
                        instant(status.getUpdatedAt()));
                latest.merge(status.getContext(), check, ChangesetStatusRules::later);
            }
            checks.addAll(latest.values());
            return null;
        });
        Instant createdAt = call("read " + where, () -> instant(pr.getCreatedAt()));
        Instant updatedAt = call("read " + where, () -> instant(pr.getUpdatedAt()));
        Instant reviewAt = reviews.stream().map(ChangesetStatusRules.Review::submittedAt).filter(Objects::nonNull)
                .max(Instant::compareTo).orElse(null);
        Instant checkAt = checks.stream().map(ChangesetStatusRules.Check::at).filter(Objects::nonNull)
                .max(Instant::compareTo).orElse(null);
        Instant changedAt = java.util.stream.Stream.of(updatedAt, reviewAt, checkAt).filter(Objects::nonNull)
                .max(Instant::compareTo).orElse(createdAt);
        return new PullRequestStatus(model, ChangesetStatusRules.reviewState(reviews),
                ChangesetStatusRules.checkState(checks), createdAt, changedAt, instant(pr.getClosedAt()),
                instant(pr.getMergedAt()), reviewAt, checkAt);
    }

    @Override
    public PullRequest closePullRequest(String repository, long number) {
        Objects.requireNonNull(repository, "repository");
        String where = repository + "#" + number;
        GHPullRequest pr = pullRequest(repository, number);
        if (pr.getState() != GHIssueState.OPEN) {
            return toModel(repository, pr);
        }
        run("PATCH state of " + where, pr::close);
        LOG.info("closed {}", where);
        return toModel(repository, call("GET pull request " + where,
                () -> pr.getRepository().getPullRequest(Math.toIntExact(number))));
    }

    // ---- Bulk operations (issue 16): POST/GET .../issues/{n}/comments, PUT .../pulls/{n}/merge,
    // POST .../pulls/{n}/requested_reviewers, POST .../issues/{n}/labels.

    @Override
    public void commentOnPullRequest(String repository, long number, String body) {
        GHPullRequest pr = pullRequest(repository, number);
        run("POST comment on " + repository + "#" + number, () -> pr.comment(body));
    }

    @Override
    public boolean hasComment(String repository, long number, String marker) {
        GHPullRequest pr = pullRequest(repository, number);
        return call("GET comments of " + repository + "#" + number, () -> {
            for (org.kohsuke.github.GHIssueComment c : pr.listComments().withPageSize(100)) {
                if (c.getBody() != null && c.getBody().contains(marker)) {
                    return true;
                }
            }
            return false;
        });
    }

    @Override
    public PullRequest mergePullRequest(String repository, long number, dev.campaigns.domain.MergeMethod method) {
        String where = repository + "#" + number;
        GHPullRequest pr = pullRequest(repository, number);
        PullRequest current = toModel(repository, pr);
        if (current.state() != PullRequestState.OPEN) {
            if (current.state() == PullRequestState.MERGED) {
                return current;
            }
            throw new CodeHostException(CodeHostException.Kind.VALIDATION, 405, "merge " + where
                    + ": the pull request is closed", null, null);
        }
        GHPullRequest.MergeMethod ghMethod = switch (method) {
            case MERGE -> GHPullRequest.MergeMethod.MERGE;
            case SQUASH -> GHPullRequest.MergeMethod.SQUASH;
            case REBASE -> GHPullRequest.MergeMethod.REBASE;
        };
        // The head SHA we read: GitHub refuses (409) if the branch moved since, so what merges is what was checked.
        run("PUT merge of " + where, () -> pr.merge(null, current.headSha(), ghMethod));
        LOG.info("merged {} ({})", where, method);
        return toModel(repository, call("GET pull request " + where,
                () -> pr.getRepository().getPullRequest(Math.toIntExact(number))));
    }

    @Override
    public void requestReviewers(String repository, long number, List<String> reviewers) {
        String where = repository + "#" + number;
        GHPullRequest pr = pullRequest(repository, number);
        List<GHUser> users = new ArrayList<>();
        for (String login : reviewers) {
            users.add(call("GET user " + login, () -> github.getUser(login)));
        }
        run("POST requested reviewers of " + where, () -> pr.requestReviewers(users));
    }

    @Override
    public void addLabels(String repository, long number, List<String> labels) {
        GHPullRequest pr = pullRequest(repository, number);
        run("POST labels of " + repository + "#" + number, () -> pr.addLabels(labels.toArray(String[]::new)));
    }

    @Override
    public int remainingRequests() {
        return call("GET rate limit", () -> github.getRateLimit().getCore().getRemaining());
    }

    private static Instant instant(java.util.Date date) {
        return date == null ? null : date.toInstant();
    }

    @Override
    public String cloneUrl(String repository) {
        return config.gitUrl() + "/" + repository + ".git";
    }

    @Override
    public String toString() {
        return "GitHubCodeHost[" + config + "]";
    }

    private GHPullRequest create(GHRepository repo, PullRequestSpec spec, String headLabel) {
        String operation = "POST pull request " + spec.repository() + " " + headLabel + " -> " + spec.baseBranch();
        try {
            GHPullRequest pr = repo.createPullRequest(spec.title(), spec.headBranch(), spec.baseBranch(),
                    spec.body(), false, spec.draft());
            LOG.info("opened {}#{} from {}", spec.repository(), pr.getNumber(), headLabel);
            return pr;
        } catch (IOException e) {
            if (!GitHubErrors.isPullRequestAlreadyExists(e)) {
                throw GitHubErrors.classify(operation, e, rateLimits);
            }
        } finally {
            rateLimits.clearThread();
        }
        // Another worker opened it between our query and our POST: use theirs.
        GHPullRequest raced = call("list pull requests of " + headLabel,
                () -> findByHead(repo, spec.headBranch(), headLabel));
        if (raced == null) {
            throw new CodeHostException(CodeHostException.Kind.SERVER_ERROR, 422, operation
                    + ": host says a pull request already exists but does not list it yet", null, null);
        }
        LOG.info("{}#{} from {} was opened concurrently: using it", spec.repository(), raced.getNumber(),
                headLabel);
        return call("GET pull request " + spec.repository() + "#" + raced.getNumber(),
                () -> repo.getPullRequest(raced.getNumber()));
    }

    /** The open pull request from {@code branch}, else the most recent closed or merged one, else null. */
    private static GHPullRequest findByHead(GHRepository repo, String branch, String headLabel) {
        GHPullRequest open = null;
        GHPullRequest latestClosed = null;
        for (GHPullRequest candidate : repo.queryPullRequests().head(headLabel).state(GHIssueState.ALL).list()
                .withPageSize(100)) {
            if (candidate.getHead() == null || !branch.equals(candidate.getHead().getRef())) {
                continue;
            }
            if (candidate.getState() == GHIssueState.OPEN) {
                if (open == null || candidate.getNumber() > open.getNumber()) {
                    open = candidate;
                }
            } else if (latestClosed == null || candidate.getNumber() > latestClosed.getNumber()) {
                latestClosed = candidate;
            }
        }
        return open != null ? open : latestClosed;
    }

    /** Brings an open pull request in line with the spec; true when something was changed on the host. */
    private boolean converge(String repoName, GHPullRequest pr, PullRequest current, PullRequestSpec spec) {
        String where = repoName + "#" + current.number();
        boolean changed = false;
        if (!spec.title().equals(current.title())) {
            run("PATCH title of " + where, () -> pr.setTitle(spec.title()));
            changed = true;
        }
        if (!spec.body().equals(current.body())) {
            run("PATCH body of " + where, () -> pr.setBody(spec.body()));
            changed = true;
        }
        Set<String> missingLabels = new LinkedHashSet<>(spec.labels());
        missingLabels.removeAll(current.labels());
        if (!missingLabels.isEmpty()) {
            run("POST labels of " + where, () -> pr.addLabels(missingLabels.toArray(String[]::new)));
            changed = true;
        }
        Set<String> missingReviewers = new LinkedHashSet<>(spec.reviewers());
        missingReviewers.removeAll(current.reviewers());
        if (!missingReviewers.isEmpty()) {
            changed |= requestReviews(where, pr, missingReviewers);
        }
        return changed;
    }

    private boolean requestReviews(String where, GHPullRequest pr, Collection<String> logins) {
        List<GHUser> users = new ArrayList<>();
        for (String login : logins) {
            try {
                users.add(github.getUser(login));
            } catch (FileNotFoundException e) {
                LOG.warn("{}: reviewer {} does not exist on the host; not requested", where, login);
            } catch (IOException e) {
                throw GitHubErrors.classify("GET user " + login, e, rateLimits);
            } finally {
                rateLimits.clearThread();
            }
        }
        if (users.isEmpty()) {
            return false;
        }
        try {
            pr.requestReviewers(users);
            return true;
        } catch (HttpException e) {
            if (e.getResponseCode() == 422) {
                LOG.warn("{}: host refused review requests for {}: {}", where, logins,
                        GitHubErrors.hostMessage(e.getMessage()));
                return false;
            }
            throw GitHubErrors.classify("POST requested reviewers of " + where, e, rateLimits);
        } catch (IOException e) {
            throw GitHubErrors.classify("POST requested reviewers of " + where, e, rateLimits);
        } finally {
            rateLimits.clearThread();
        }
    }

    /** Pull request {@code number} of {@code repository}: two GETs (the repository, then the pull request). */
    private GHPullRequest pullRequest(String repository, long number) {
        GHRepository repo = call("GET repository " + repository, () -> github.getRepository(repository));
        return call("GET pull request " + repository + "#" + number,
                () -> repo.getPullRequest(Math.toIntExact(number)));
    }

    static PullRequest toModel(String repository, GHPullRequest pr) {
        try {
            PullRequestState state;
            if (pr.getState() == GHIssueState.OPEN) {
                state = PullRequestState.OPEN;
            } else {
                state = pr.getMergedAt() != null ? PullRequestState.MERGED : PullRequestState.CLOSED;
            }
            List<String> labels = pr.getLabels().stream().map(GHLabel::getName).toList();
            List<String> reviewers = pr.getRequestedReviewers().stream().map(GHUser::getLogin).toList();
            return new PullRequest(repository, pr.getNumber(), String.valueOf(pr.getHtmlUrl()), state,
                    pr.getTitle(), pr.getBody(), pr.getHead().getRef(), pr.getBase().getRef(), pr.getHead().getSha(),
                    pr.isDraft(), labels, reviewers);
        } catch (IOException e) {
            throw new CodeHostException(CodeHostException.Kind.NETWORK,
                    "reading pull request " + repository + "#" + pr.getNumber() + " failed", e);
        }
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws IOException;
    }

    @FunctionalInterface
    private interface IoRun {
        void run() throws IOException;
    }

    private <T> T call(String operation, IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw GitHubErrors.classify(operation, e, rateLimits);
        } catch (org.kohsuke.github.GHException e) {
            // Paged iteration wraps I/O errors in an unchecked GHException.
            if (e.getCause() instanceof IOException io) {
                throw GitHubErrors.classify(operation, io, rateLimits);
            }
            throw new CodeHostException(CodeHostException.Kind.UNKNOWN, operation + ": " + e.getMessage(), e);
        } finally {
            rateLimits.clearThread();
        }
    }

    private void run(String operation, IoRun run) {
        call(operation, () -> {
            run.run();
            return null;
        });
    }
}
