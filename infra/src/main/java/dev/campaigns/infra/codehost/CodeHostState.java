package dev.campaigns.infra.codehost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.Merger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * What the local code host holds and the rules GitHub applies to it, with no HTTP and no JSON: repositories and their
 * branches, pull requests (one open per head and base, atomically), labels, review requests, reviews, check runs,
 * commit statuses and merges. Refusals are {@link GitHubError}s carrying GitHub's status and message; every change is
 * announced to {@link CodeHostEvents} in order. Thread-safe: each repository's changes are serialised on it.
 */
final class CodeHostState {

    private static final PersonIdent HOST_IDENT = new PersonIdent("Local Code Host", "host@localhost");

    private final Clock clock;
    private final String botLogin;
    private final Set<String> users;
    private final Path storage;
    private final Map<String, HostedRepository> repos = new ConcurrentHashMap<>();
    private volatile CodeHostEvents events;

    CodeHostState(Clock clock, String botLogin, Set<String> users, Path storage) {
        this.clock = clock;
        this.botLogin = botLogin;
        this.users = users;
        this.storage = storage;
    }

    /** Where changes are announced from now on (the host's webhooks). */
    void announceTo(CodeHostEvents listener) {
        this.events = listener;
    }

    Clock clock() {
        return clock;
    }

    String botLogin() {
        return botLogin;
    }

    boolean knowsUser(String login) {
        return users.contains(login);
    }

    /** The repository, or null. */
    HostedRepository find(String repository) {
        return repos.get(repository);
    }

    /** The repository; 404 when it does not exist. */
    HostedRepository repository(String owner, String name) {
        HostedRepository repo = repos.get(owner + "/" + name);
        if (repo == null) {
            throw GitHubError.notFound();
        }
        return repo;
    }

    /** The repository for a helper call; a plain {@link IllegalArgumentException} when it does not exist. */
    HostedRepository require(String repository) {
        HostedRepository repo = repos.get(repository);
        if (repo == null) {
            throw new IllegalArgumentException("no such repository on the local code host: " + repository);
        }
        return repo;
    }

    List<String> repositoryNames() {
        List<String> names = new ArrayList<>(repos.keySet());
        names.sort(null);
        return names;
    }

    int repositoryCount() {
        return repos.size();
    }

    void closeAll() {
        repos.values().forEach(r -> r.git.close());
    }

    // ---- git ---------------------------------------------------------------------------------------------------

    /** Creates {@code repository} with one commit on {@code main} holding {@code files}; returns that commit. */
    String createRepository(String repository, Map<String, ?> files) {
        HostedRepository hosted = register(repository, false);
        try {
            String sha = commit(hosted.git, null, files, "Initial commit");
            RefUpdate main = hosted.git.updateRef(Constants.R_HEADS + "main");
            main.setNewObjectId(ObjectId.fromString(sha));
            main.setExpectedOldObjectId(ObjectId.zeroId());
            check(main.update(), repository);
            return sha;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create repository " + repository, e);
        }
    }

    /**
     * Creates {@code owner/name} as GitHub's {@code POST /user/repos} and {@code POST /orgs/{org}/repos} do: empty
     * (a push creates its branches) or, with {@code autoInit}, with a README on {@code main}. 422 for a name GitHub
     * refuses or one that already exists.
     */
    HostedRepository createRepositoryByApi(String owner, String name, boolean autoInit) {
        if (name == null || name.isEmpty()) {
            throw GitHubError.invalid("Repository", "name", "missing_field");
        }
        if (!name.matches("[A-Za-z0-9._-]{1,100}") || name.equals(".") || name.equals("..")
                || name.toLowerCase(java.util.Locale.ROOT).endsWith(".git")) {
            throw GitHubError.custom("Repository", "name is invalid: use letters, digits, '.', '-' and '_' "
                    + "(at most 100, not ending in .git)");
        }
        String repository = owner + "/" + name;
        if (repos.containsKey(repository)) {
            throw GitHubError.custom("Repository", "name already exists on this account");
        }
        if (autoInit) {
            createRepository(repository, Map.of("README.md", "# " + name + "\n"));
            return repos.get(repository);
        }
        return register(repository, true);
    }

    /** Opens storage for {@code repository} with HEAD on {@code main} and registers it (once). */
    private HostedRepository register(String repository, boolean apiRefusal) {
        String[] parts = splitName(repository);
        synchronized (repos) {
            if (repos.containsKey(repository)) {
                if (apiRefusal) {
                    throw GitHubError.custom("Repository", "name already exists on this account");
                }
                throw new IllegalArgumentException("repository already exists: " + repository);
            }
            Repository git = newStorage(repository);
            try {
                if (git instanceof FileRepository) {
                    git.create(true);
                    StoredConfig config = git.getConfig();
                    config.setBoolean("http", null, "receivepack", true);
                    config.save();
                }
                RefUpdate head = git.updateRef(Constants.HEAD);
                head.link(Constants.R_HEADS + "main");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create repository " + repository, e);
            }
            HostedRepository hosted = new HostedRepository(parts[0], parts[1], git, clock.instant());
            repos.put(repository, hosted);
            return hosted;
        }
    }

    /** Every repository whose owner is {@code owner} (all when null), sorted by full name. */
    List<HostedRepository> repositoriesOf(String owner) {
        return repos.values().stream().filter(r -> owner == null || r.owner.equals(owner))
                .sorted(Comparator.comparing(HostedRepository::fullName)).toList();
    }

    /** Replaces the repository's topics, saved lowercase, with GitHub's rules (422 otherwise). */
    List<String> replaceTopics(HostedRepository repo, List<String> names) {
        List<String> topics = new ArrayList<>();
        for (String n : names) {
            String t = n.toLowerCase(java.util.Locale.ROOT);
            if (!t.matches("[a-z0-9][a-z0-9-]{0,49}")) {
                throw GitHubError.unprocessable("Topics must start with a lowercase letter or number, consist of 50 "
                        + "characters or less, and can include hyphens.");
            }
            if (!topics.contains(t)) {
                topics.add(t);
            }
        }
        if (topics.size() > 20) {
            throw GitHubError.unprocessable("A repository cannot have more than 20 topics.");
        }
        synchronized (repo) {
            repo.topics.clear();
            repo.topics.addAll(topics);
            return List.copyOf(repo.topics);
        }
    }

    List<String> topics(HostedRepository repo) {
        synchronized (repo) {
            return List.copyOf(repo.topics);
        }
    }

    /**
     * GitHub's repository search over what the host holds: {@code org:O}, {@code user:U}, {@code topic:T} and
     * {@code repo:O/N} qualifiers (all must hold) and plain words matched in the name; 422 without a query.
     */
    List<HostedRepository> search(String q) {
        if (q == null || q.isBlank()) {
            throw GitHubError.invalid("Search", "q", "missing");
        }
        List<java.util.function.Predicate<HostedRepository>> rules = new ArrayList<>();
        for (String term : q.trim().split("\\s+")) {
            int colon = term.indexOf(':');
            String key = colon < 0 ? "" : term.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            String value = colon < 0 ? term : term.substring(colon + 1);
            switch (key) {
                case "org", "user" -> rules.add(r -> r.owner.equalsIgnoreCase(value));
                case "repo" -> rules.add(r -> r.fullName().equalsIgnoreCase(value));
                case "topic" -> rules.add(r -> topics(r).contains(value.toLowerCase(java.util.Locale.ROOT)));
                case "in", "is", "fork", "archived", "sort" -> { } // every repository here matches these
                default -> {
                    String word = term.toLowerCase(java.util.Locale.ROOT);
                    rules.add(r -> r.name.toLowerCase(java.util.Locale.ROOT).contains(word));
                }
            }
        }
        return repositoriesOf(null).stream().filter(r -> rules.stream().allMatch(p -> p.test(r))).toList();
    }

    /** Commits {@code files} on {@code branch} (or on main's tip for a new branch) and moves the branch: a push. */
    String commitFiles(String repository, String branch, Map<String, ?> files, String message) {
        HostedRepository repo = require(repository);
        try {
            String parent = repo.branchTip(branch).or(() -> repo.branchTip("main")).orElseThrow();
            String sha = commit(repo.git, parent, files, message);
            moveBranch(repo, branch, sha);
            return sha;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit to " + repository + " " + branch, e);
        }
    }

    /** Creates or moves {@code branch} to {@code sha} (a force push). */
    void createBranch(String repository, String branch, String sha) {
        HostedRepository repo = require(repository);
        try {
            moveBranch(repo, branch, sha);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create branch " + branch + " in " + repository, e);
        }
    }

    private void moveBranch(HostedRepository repo, String branch, String sha) throws IOException {
        synchronized (repo) {
            String before = repo.branchTip(branch).orElse(null);
            RefUpdate update = repo.git.updateRef(Constants.R_HEADS + branch);
            update.setNewObjectId(ObjectId.fromString(sha));
            update.setForceUpdate(true);
            check(update.update(), repo.fullName());
            branchMoved(repo, branch, before, sha);
        }
    }

    /**
     * A push moved {@code branch} (over git or a helper): every open pull request from it follows the new head and
     * is announced as {@code synchronize}, as GitHub does.
     */
    void branchMoved(HostedRepository repo, String branch, String before, String after) {
        synchronized (repo) {
            for (HostedRepository.PullRequestState pr : repo.pulls) {
                if (pr.open && pr.headRef.equals(branch) && after != null && !after.equals(pr.headSha)) {
                    String previous = before != null ? before : pr.headSha;
                    pr.headSha = after;
                    pr.updatedAt = now();
                    events.synchronize(repo, pr, previous, after, botLogin);
                }
            }
        }
    }

    // ---- pull requests -----------------------------------------------------------------------------------------

    /** Pull requests newest first, filtered like GitHub's list ({@code state}: open, closed or all). */
    List<HostedRepository.PullRequestState> listPulls(HostedRepository repo, String state, String head, String base) {
        if (!List.of("open", "closed", "all").contains(state)) {
            throw GitHubError.invalid("PullRequest", "state", "invalid");
        }
        List<HostedRepository.PullRequestState> out = new ArrayList<>();
        synchronized (repo) {
            for (HostedRepository.PullRequestState pr : repo.pulls) {
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
                out.add(pr);
            }
        }
        out.sort((a, b) -> Integer.compare(b.number, a.number));
        return out;
    }

    /** Pull request {@code number}; 404 when there is none. */
    HostedRepository.PullRequestState pull(HostedRepository repo, int number) {
        synchronized (repo) {
            HostedRepository.PullRequestState pr = repo.pull(number);
            if (pr == null) {
                throw GitHubError.notFound();
            }
            return pr;
        }
    }

    /** Opens a pull request as {@code author}, with GitHub's validation (422s) and its atomic uniqueness. */
    HostedRepository.PullRequestState openPull(HostedRepository repo, String title, String head, String base,
                                               String body, boolean draft, String author) {
        String headRef = head.contains(":") ? head.substring(head.indexOf(':') + 1) : head;
        String headOwner = head.contains(":") ? head.substring(0, head.indexOf(':')) : repo.owner;
        if (title == null || title.isBlank()) {
            throw GitHubError.invalid("Issue", "title", "missing_field");
        }
        synchronized (repo) {
            Optional<String> headTip = headOwner.equals(repo.owner) ? repo.branchTip(headRef) : Optional.empty();
            Optional<String> baseTip = repo.branchTip(base);
            if (baseTip.isEmpty()) {
                throw GitHubError.invalid("PullRequest", "base", "invalid");
            }
            if (headTip.isEmpty()) {
                throw GitHubError.invalid("PullRequest", "head", "invalid");
            }
            for (HostedRepository.PullRequestState pr : repo.pulls) {
                if (pr.open && pr.headRef.equals(headRef) && pr.baseRef.equals(base)) {
                    throw GitHubError.custom("PullRequest", "A pull request already exists for " + repo.owner + ":"
                            + headRef + ".");
                }
            }
            if (isAncestor(repo, headTip.get(), baseTip.get())) {
                throw GitHubError.custom("PullRequest", "No commits between " + base + " and " + headRef);
            }
            HostedRepository.PullRequestState pr = new HostedRepository.PullRequestState(repo.pulls.size() + 1,
                    headRef, base, title, body == null ? "" : body, draft, headTip.get(), author, now());
            repo.pulls.add(pr);
            events.pullRequest(repo, pr, "opened", author);
            return pr;
        }
    }

    /** GitHub's PATCH of a pull request: each non-null field changes; reopening checks uniqueness again. */
    HostedRepository.PullRequestState updatePull(HostedRepository repo, int number, String title, String body,
                                                 String state, String base) {
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, number);
            if (state != null && !List.of("open", "closed").contains(state)) {
                throw GitHubError.invalid("PullRequest", "state", "invalid");
            }
            if (base != null && repo.branchTip(base).isEmpty()) {
                throw GitHubError.invalid("PullRequest", "base", "invalid");
            }
            if ("open".equals(state) && !pr.open && !pr.merged) {
                for (HostedRepository.PullRequestState other : repo.pulls) {
                    if (other != pr && other.open && other.headRef.equals(pr.headRef)
                            && other.baseRef.equals(base != null ? base : pr.baseRef)) {
                        throw GitHubError.custom("PullRequest", "A pull request already exists for " + repo.owner
                                + ":" + pr.headRef + ".");
                    }
                }
            }
            boolean wasOpen = pr.open;
            Map<String, String> from = new java.util.LinkedHashMap<>();
            if (base != null && !base.equals(pr.baseRef)) {
                from.put("base", pr.baseRef);
                from.put("base_sha", repo.branchTip(pr.baseRef).orElse(pr.headSha));
                pr.baseRef = base;
            }
            if (title != null && !title.equals(pr.title)) {
                from.put("title", pr.title);
                pr.title = title;
            }
            if (body != null && !body.equals(pr.body)) {
                from.put("body", pr.body);
                pr.body = body;
            }
            if ("closed".equals(state) && pr.open) {
                pr.open = false;
                pr.closedAt = now();
            } else if ("open".equals(state) && !pr.open && !pr.merged) {
                pr.open = true;
                pr.closedAt = null;
                repo.branchTip(pr.headRef).ifPresent(sha -> pr.headSha = sha);
            }
            pr.updatedAt = now();
            if (wasOpen != pr.open) {
                events.pullRequest(repo, pr, pr.open ? "reopened" : "closed", botLogin);
            }
            if (!from.isEmpty()) {
                events.edited(repo, pr, from, botLogin);
            }
            return pr;
        }
    }

    /** Closes without merging (as a person would); nothing happens to a closed one. */
    void close(HostedRepository repo, int number) {
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, number);
            if (!pr.open) {
                return;
            }
            repo.headSha(pr);
            Instant now = now();
            pr.open = false;
            pr.closedAt = now;
            pr.updatedAt = now;
            events.pullRequest(repo, pr, "closed", botLogin);
        }
    }

    /**
     * Merges an open pull request into its base with a merge commit (JGit's in-core recursive merge) and returns the
     * commit; 405 "Pull Request is not mergeable" when closed or conflicting, as GitHub answers.
     */
    String merge(HostedRepository repo, int number, String mergedBy) {
        return merge(repo, number, mergedBy, "merge", null);
    }

    /**
     * As {@link #merge(HostedRepository, int, String)} with GitHub's {@code merge_method}: {@code merge} makes a
     * merge commit; {@code squash} and {@code rebase} one commit on the base with the merged tree (a rebase of a
     * one-commit branch). {@code expectedHead}, when given, must be the head (409 otherwise, as GitHub answers).
     */
    String merge(HostedRepository repo, int number, String mergedBy, String method, String expectedHead) {
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, number);
            if (!pr.open) {
                throw GitHubError.of(405, "Pull Request is not mergeable");
            }
            String head = repo.headSha(pr);
            if (expectedHead != null && !expectedHead.equals(head)) {
                throw GitHubError.of(409, "Head branch was modified. Review and try the merge again.");
            }
            String base = repo.branchTip(pr.baseRef).orElseThrow(() -> GitHubError.of(405,
                    "Base branch was modified. Review and try the merge again."));
            String sha;
            try (ObjectInserter inserter = repo.git.newObjectInserter(); RevWalk walk = new RevWalk(repo.git)) {
                Merger merger = MergeStrategy.RECURSIVE.newMerger(repo.git, true);
                if (!merger.merge(ObjectId.fromString(base), ObjectId.fromString(head))) {
                    throw GitHubError.of(405, "Pull Request is not mergeable");
                }
                PersonIdent ident = new PersonIdent(HOST_IDENT, clock.instant(), ZoneOffset.UTC);
                CommitBuilder commit = new CommitBuilder();
                commit.setTreeId(merger.getResultTreeId());
                if ("merge".equals(method)) {
                    commit.setParentIds(ObjectId.fromString(base), ObjectId.fromString(head));
                } else {
                    commit.setParentId(ObjectId.fromString(base));
                }
                commit.setAuthor(ident);
                commit.setCommitter(ident);
                commit.setMessage("Merge pull request #" + pr.number + " from " + repo.owner + "/" + pr.headRef
                        + "\n\n" + pr.title + "\n");
                sha = inserter.insert(commit).name();
                inserter.flush();
                RefUpdate update = repo.git.updateRef(Constants.R_HEADS + pr.baseRef);
                update.setNewObjectId(ObjectId.fromString(sha));
                update.setExpectedOldObjectId(ObjectId.fromString(base));
                check(update.update(), repo.fullName());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot merge " + repo.fullName() + "#" + number, e);
            }
            markMerged(repo, pr, sha, mergedBy);
            pr.mergeMethod = method;
            return sha;
        }
    }

    /** Adds a comment by {@code login} to an open or closed pull request. */
    HostedRepository.Comment comment(HostedRepository repo, int number, String login, String body) {
        if (body == null || body.isBlank()) {
            throw GitHubError.invalid("IssueComment", "body", "missing_field");
        }
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, number);
            HostedRepository.Comment c = new HostedRepository.Comment(HostedRepository.nextId(), login, body, now());
            pr.comments.add(c);
            pr.updatedAt = c.createdAt();
            return c;
        }
    }

    /** Marks a pull request merged without touching git (a merge done elsewhere). */
    void markMerged(HostedRepository repo, int number) {
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, number);
            if (pr.open) {
                markMerged(repo, pr, repo.headSha(pr), botLogin);
            }
        }
    }

    private void markMerged(HostedRepository repo, HostedRepository.PullRequestState pr, String sha, String by) {
        Instant now = now();
        pr.open = false;
        pr.merged = true;
        pr.mergedAt = now;
        pr.closedAt = now;
        pr.updatedAt = now;
        pr.mergedBy = by;
        pr.mergeCommitSha = sha;
        events.pullRequest(repo, pr, "closed", by);
    }

    /** Adds labels (creating unknown ones, like GitHub); each new one is announced as {@code labeled}. */
    HostedRepository.PullRequestState addLabels(HostedRepository repo, int number, List<String> names,
                                                String sender) {
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, number);
            for (String label : names) {
                if (label != null && !label.isBlank()) {
                    repo.labels.add(label);
                    if (pr.labels.add(label)) {
                        pr.updatedAt = now();
                        events.labeled(repo, pr, label, sender);
                    }
                }
            }
            return pr;
        }
    }

    /** Requests reviews; 422 for the author or someone who is not a collaborator, as GitHub. */
    HostedRepository.PullRequestState requestReviewers(HostedRepository repo, int number, List<String> logins) {
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, number);
            for (String login : logins) {
                if (login.equals(pr.author)) {
                    throw GitHubError.of(422, "Review cannot be requested from pull request author.");
                }
                if (!knowsUser(login)) {
                    throw GitHubError.of(422, "Reviews may only be requested from collaborators. One or more of the "
                            + "users or teams you specified is not a collaborator of the " + repo.fullName()
                            + " repository.");
                }
            }
            pr.reviewers.addAll(logins);
            pr.updatedAt = now();
            return pr;
        }
    }

    /**
     * Submits a review by {@code login}: {@code event} APPROVE, REQUEST_CHANGES or COMMENT (the API's words), or the
     * resulting state APPROVED, CHANGES_REQUESTED, COMMENTED.
     */
    HostedRepository.Review review(HostedRepository repo, int number, String login, String event, String body) {
        String state = switch (event == null ? "" : event) {
            case "APPROVE", "APPROVED" -> "APPROVED";
            case "REQUEST_CHANGES", "CHANGES_REQUESTED" -> "CHANGES_REQUESTED";
            case "COMMENT", "COMMENTED" -> "COMMENTED";
            default -> null;
        };
        if (state == null) {
            throw GitHubError.unprocessable("Event is not one of APPROVE, REQUEST_CHANGES, COMMENT");
        }
        if ("REQUEST_CHANGES".equals(event) && (body == null || body.isBlank())) {
            throw GitHubError.unprocessable("Body is required when requesting changes");
        }
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, number);
            Instant now = now();
            HostedRepository.Review review = new HostedRepository.Review(HostedRepository.nextId(), login, state,
                    body == null ? "" : body, repo.headSha(pr), now);
            pr.reviews.add(review);
            pr.reviewers.remove(login);
            pr.updatedAt = now;
            events.reviewSubmitted(repo, pr, review);
            return review;
        }
    }

    /**
     * Creates or replaces check run {@code name} on commit {@code sha} (GitHub's {@code POST /check-runs}); 422 when
     * the commit does not exist here.
     */
    HostedRepository.CheckRun setCheck(HostedRepository repo, String sha, String name, String status,
                                       String conclusion) {
        if (name == null || name.isBlank()) {
            throw GitHubError.invalid("CheckRun", "name", "missing_field");
        }
        if (status == null) {
            status = conclusion != null ? "completed" : "queued";
        }
        if (!List.of("queued", "in_progress", "completed").contains(status)) {
            throw GitHubError.invalid("CheckRun", "status", "invalid");
        }
        if ("completed".equals(status) && conclusion == null) {
            throw GitHubError.invalid("CheckRun", "conclusion", "missing_field");
        }
        if (conclusion != null && !List.of("success", "failure", "neutral", "cancelled", "skipped", "timed_out",
                "action_required").contains(conclusion)) {
            throw GitHubError.invalid("CheckRun", "conclusion", "invalid");
        }
        synchronized (repo) {
            if (sha == null || repo.resolve(sha).filter(sha::equals).isEmpty()) {
                throw GitHubError.of(422, "No commit found for SHA: " + sha);
            }
            Instant now = now();
            List<HostedRepository.CheckRun> runs = repo.checkRuns.computeIfAbsent(sha, k -> new ArrayList<>());
            runs.removeIf(r -> r.name().equals(name));
            HostedRepository.CheckRun run = new HostedRepository.CheckRun(HostedRepository.nextId(), name, sha, status,
                    "completed".equals(status) ? conclusion : null, now, "completed".equals(status) ? now : null);
            runs.add(run);
            events.checkRun(repo, run, "completed".equals(status) ? "completed" : "created");
            return run;
        }
    }

    /** Check runs of the commit {@code ref} names (a SHA or a branch); 404 when it names none. */
    List<HostedRepository.CheckRun> checkRuns(HostedRepository repo, String ref) {
        synchronized (repo) {
            String sha = repo.resolve(ref).orElseThrow(GitHubError::notFound);
            return List.copyOf(repo.checkRuns.getOrDefault(sha, List.of()));
        }
    }

    /** Creates a commit status (GitHub's {@code POST /statuses/{sha}}); 422 for a bad state or an unknown commit. */
    HostedRepository.CommitStatus createStatus(HostedRepository repo, String sha, String state, String context,
                                               String description, String targetUrl, String creator) {
        if (!List.of("error", "failure", "pending", "success").contains(state == null ? "" : state)) {
            throw GitHubError.invalid("Status", "state", "invalid");
        }
        synchronized (repo) {
            if (repo.resolve(sha).filter(sha::equals).isEmpty()) {
                throw GitHubError.of(422, "No commit found for SHA: " + sha);
            }
            HostedRepository.CommitStatus status = new HostedRepository.CommitStatus(HostedRepository.nextId(), sha,
                    state, context == null || context.isBlank() ? "default" : context, description, targetUrl,
                    creator, now());
            repo.statuses.computeIfAbsent(sha, k -> new ArrayList<>()).add(status);
            events.status(repo, status);
            return status;
        }
    }

    /** The statuses of the commit {@code ref} names, newest first (empty for an unknown ref, as GitHub). */
    List<HostedRepository.CommitStatus> statuses(HostedRepository repo, String ref) {
        synchronized (repo) {
            Optional<String> sha = repo.resolve(ref);
            if (sha.isEmpty()) {
                return List.of();
            }
            List<HostedRepository.CommitStatus> out = new ArrayList<>(repo.statuses.getOrDefault(sha.get(),
                    List.of()));
            out.sort(Comparator.comparingLong(HostedRepository.CommitStatus::id).reversed());
            return out;
        }
    }

    /** The commit {@code ref} names; 404 when none (GitHub's combined status). */
    String resolveOrNotFound(HostedRepository repo, String ref) {
        return repo.resolve(ref).orElseThrow(GitHubError::notFound);
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private Repository newStorage(String repository) {
        if (storage == null) {
            return new InMemoryRepository(new DfsRepositoryDescription(repository));
        }
        try {
            return new FileRepository(storage.resolve(repository + ".git").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open storage for " + repository, e);
        }
    }

    private String commit(Repository git, String parent, Map<String, ?> files, String message) throws IOException {
        try (ObjectInserter inserter = git.newObjectInserter()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            Map<String, ObjectId> tree = new TreeMap<>();
            if (parent != null) {
                try (var walk = new org.eclipse.jgit.treewalk.TreeWalk(git)) {
                    walk.addTree(git.parseCommit(ObjectId.fromString(parent)).getTree());
                    walk.setRecursive(true);
                    while (walk.next()) {
                        tree.put(walk.getPathString(), walk.getObjectId(0));
                    }
                }
            }
            for (Map.Entry<String, ?> file : files.entrySet()) {
                byte[] content = file.getValue() instanceof byte[] bytes ? bytes
                        : String.valueOf(file.getValue()).getBytes(StandardCharsets.UTF_8);
                tree.put(file.getKey(), inserter.insert(Constants.OBJ_BLOB, content));
            }
            tree.forEach((path, id) -> {
                DirCacheEntry entry = new DirCacheEntry(path);
                entry.setFileMode(FileMode.REGULAR_FILE);
                entry.setObjectId(id);
                builder.add(entry);
            });
            builder.finish();
            ObjectId treeId = index.writeTree(inserter);
            PersonIdent ident = new PersonIdent(HOST_IDENT, clock.instant(), ZoneOffset.UTC);
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(treeId);
            if (parent != null) {
                commit.setParentId(ObjectId.fromString(parent));
            }
            commit.setAuthor(ident);
            commit.setCommitter(ident);
            commit.setMessage(message + "\n");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id.name();
        }
    }

    private static boolean isAncestor(HostedRepository repo, String maybeAncestor, String of) {
        try (RevWalk walk = new RevWalk(repo.git)) {
            RevCommit a = walk.parseCommit(ObjectId.fromString(maybeAncestor));
            RevCommit b = walk.parseCommit(ObjectId.fromString(of));
            return walk.isMergedInto(a, b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compare commits in " + repo.fullName(), e);
        }
    }

    private static String[] splitName(String repository) {
        String[] parts = repository.split("/");
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("repository must be \"owner/name\", got \"" + repository + "\"");
        }
        return parts;
    }

    private static void check(RefUpdate.Result result, String repository) throws IOException {
        switch (result) {
            case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> {
            }
            default -> throw new IOException("ref update in " + repository + " failed: " + result);
        }
    }
}
