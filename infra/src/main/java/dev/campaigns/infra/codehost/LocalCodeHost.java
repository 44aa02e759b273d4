package dev.campaigns.infra.codehost;

import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
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
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A GitHub-compatible code host on loopback, for tests, benchmarks and the local demo: git over smart HTTP plus the
 * slice of GitHub's REST API that the system calls, laid out like GitHub Enterprise (API under {@code /api/v3}, git
 * at {@code /<owner>/<name>.git}). Point {@code GitHubConfig.enterprise(host.baseUrl(), token)} at it and the
 * production client runs unchanged.
 *
 * <p>It checks tokens (401), enforces GitHub's primary and content-creation rate limits on an injectable clock,
 * makes pull request creation atomic per head and base like GitHub (the loser of a race gets the same 422), and
 * injects {@link Fault faults} on demand. Repositories live in memory by default (creation is a few object inserts,
 * so thousands are cheap) or as bare repositories under a directory.
 *
 * <p>Thread-safe; {@link #close()} stops the server.
 */
public final class LocalCodeHost implements AutoCloseable {

    /** What a token may do. */
    public enum Access { READ, WRITE }

    /** Start-up settings; every field has a default. */
    public static final class Options {
        private int port;
        private final Map<String, Access> tokens = new ConcurrentHashMap<>();
        private final Set<String> users = ConcurrentHashMap.newKeySet();
        private String botLogin = "campaigns-bot";
        private Clock clock = Clock.systemUTC();
        private double timeScale = 1.0;
        private int primaryPerHour = 5000;
        private int contentPerMinute = 80;
        private int contentPerHour = 500;
        private Path storage;

        /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
        public Options port(int p) {
            this.port = p;
            return this;
        }

        /** Accepts {@code token} with the given access; at least one token is required. */
        public Options token(String token, Access access) {
            tokens.put(Objects.requireNonNull(token, "token"), access);
            return this;
        }

        /** The user every accepted token authenticates as (author of pull requests). */
        public Options botLogin(String login) {
            this.botLogin = login;
            return this;
        }

        /** Users that exist (and may be asked for reviews). */
        public Options users(String... logins) {
            users.addAll(List.of(logins));
            return this;
        }

        /** The clock rate limits and timestamps run on, e.g. a {@link ManualClock}. */
        public Options clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** Runs the host's clock {@code factor} times faster than real time (Retry-After is given in real time). */
        public Options timeScale(double factor) {
            this.timeScale = factor;
            return this;
        }

        /** Primary REST limit per token and hour (GitHub: 5000); 0 disables. */
        public Options primaryLimitPerHour(int n) {
            this.primaryPerHour = n;
            return this;
        }

        /** Content-creation limits per token (GitHub: 80 per minute, 500 per hour); 0 disables either. */
        public Options contentLimits(int perMinute, int perHour) {
            this.contentPerMinute = perMinute;
            this.contentPerHour = perHour;
            return this;
        }

        /** Keep repositories as bare repositories under {@code dir} instead of in memory. */
        public Options storage(Path dir) {
            this.storage = dir;
            return this;
        }
    }

    private static final PersonIdent HOST_IDENT_BASE = new PersonIdent("Local Code Host", "host@localhost");

    private final Options options;
    private final Clock clock;
    private final double timeScale;
    private final Faults faults = new Faults();
    private final RateLimiter rateLimiter;
    private final Map<String, HostedRepository> repos = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final AtomicLong secondaryLimitResponses = new AtomicLong();
    private final AtomicLong primaryLimitResponses = new AtomicLong();
    private final Server server;
    private final String baseUrl;
    private final Webhooks webhooks = new Webhooks();
    private final ApiServlet api;

    private LocalCodeHost(Options options) throws Exception {
        if (options.tokens.isEmpty()) {
            throw new IllegalArgumentException("the local code host needs at least one accepted token");
        }
        this.options = options;
        this.timeScale = options.timeScale;
        this.clock = options.timeScale == 1.0 ? options.clock : new ScaledClock(options.clock, options.timeScale);
        this.rateLimiter = new RateLimiter(clock, options.primaryPerHour, options.contentPerMinute,
                options.contentPerHour);
        options.users.add(options.botLogin);

        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendDateHeader(false);
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(options.port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new FrontFilter(this)), "/*", EnumSet.of(DispatcherType.REQUEST));
        this.api = new ApiServlet(this);
        context.addServlet(new ServletHolder("api", api), "/api/v3/*");
        context.addServlet(new ServletHolder("git", gitServlet()), "/*");
        server.setHandler(context);
        server.start();
        baseUrl = "http://127.0.0.1:" + connector.getLocalPort();
    }

    /** Starts a host on a free loopback port. */
    public static LocalCodeHost start(Options options) {
        try {
            return new LocalCodeHost(options);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the local code host", e);
        }
    }

    /** Starts a host accepting {@code token} with write access and default limits. */
    public static LocalCodeHost start(String token) {
        return start(new Options().token(token, Access.WRITE));
    }

    /** {@code http://127.0.0.1:<port>}: the "GitHub Enterprise" base URL. */
    public String baseUrl() {
        return baseUrl;
    }

    /** {@code <base>/api/v3}. */
    public String apiUrl() {
        return baseUrl + "/api/v3";
    }

    /** The git root: clone URLs are {@code gitUrl()/<owner>/<name>.git}. */
    public String gitUrl() {
        return baseUrl;
    }

    /** The clone URL of {@code repository}. */
    public String gitUrl(String repository) {
        return baseUrl + "/" + repository + ".git";
    }

    public Faults faults() {
        return faults;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Creates {@code repository} ("owner/name") with one commit on {@code main} holding {@code files} (path to
     * {@code String} (UTF-8) or {@code byte[]}), and returns that commit's SHA. Fails if it exists.
     */
    public String createRepository(String repository, Map<String, ?> files) {
        String[] parts = splitName(repository);
        Repository git = newStorage(repository);
        String sha;
        try {
            if (git instanceof FileRepository) {
                git.create(true);
                StoredConfig config = git.getConfig();
                config.setBoolean("http", null, "receivepack", true);
                config.save();
            }
            sha = commit(git, null, files, "Initial commit");
            RefUpdate main = git.updateRef(Constants.R_HEADS + "main");
            main.setNewObjectId(ObjectId.fromString(sha));
            main.setExpectedOldObjectId(ObjectId.zeroId());
            check(main.update(), repository);
            RefUpdate head = git.updateRef(Constants.HEAD);
            head.link(Constants.R_HEADS + "main");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create repository " + repository, e);
        }
        HostedRepository hosted = new HostedRepository(parts[0], parts[1], git, clock.instant());
        if (repos.putIfAbsent(repository, hosted) != null) {
            throw new IllegalArgumentException("repository already exists: " + repository);
        }
        return sha;
    }

    /**
     * Commits {@code files} (added or replaced) on top of {@code branch}'s tip, or of {@code main} when the branch
     * does not exist yet, and moves {@code branch} there: a push, without git. Returns the new SHA.
     */
    public String commitFiles(String repository, String branch, Map<String, ?> files, String message) {
        HostedRepository repo = require(repository);
        try {
            String parent = repo.branchTip(branch).or(() -> repo.branchTip("main")).orElseThrow();
            String sha = commit(repo.git, parent, files, message);
            RefUpdate update = repo.git.updateRef(Constants.R_HEADS + branch);
            update.setNewObjectId(ObjectId.fromString(sha));
            update.setForceUpdate(true);
            check(update.update(), repository);
            return sha;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit to " + repository + " " + branch, e);
        }
    }

    /** Creates or moves {@code branch} to commit {@code sha}. */
    public void createBranch(String repository, String branch, String sha) {
        HostedRepository repo = require(repository);
        try {
            RefUpdate update = repo.git.updateRef(Constants.R_HEADS + branch);
            update.setNewObjectId(ObjectId.fromString(sha));
            update.setForceUpdate(true);
            check(update.update(), repository);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create branch " + branch + " in " + repository, e);
        }
    }

    /** The SHA at the tip of {@code branch}, if the repository and the branch exist. */
    public Optional<String> branchTip(String repository, String branch) {
        HostedRepository repo = repos.get(repository);
        return repo == null ? Optional.empty() : repo.branchTip(branch);
    }

    /** The pull requests of {@code repository}, by number. */
    public List<LocalPullRequest> pullRequests(String repository) {
        HostedRepository repo = require(repository);
        synchronized (repo) {
            return repo.pulls.stream().map(repo::snapshot).toList();
        }
    }

    /** Opens a pull request directly (as a person or another tool would), bypassing the API and its limits. */
    public LocalPullRequest openPullRequest(String repository, String head, String base, String title) {
        HostedRepository repo = require(repository);
        synchronized (repo) {
            String sha = repo.branchTip(head).orElseThrow(() -> new IllegalArgumentException("no branch " + head));
            HostedRepository.PullRequestState pr = new HostedRepository.PullRequestState(repo.pulls.size() + 1, head,
                    base, title, "", false, sha, options.botLogin, clock.instant());
            repo.pulls.add(pr);
            pullRequestEvent(repo, pr, "opened");
            return repo.snapshot(pr);
        }
    }

    /** The host's webhooks: where pull request changes are delivered, and switches to drop, repeat or reorder them. */
    public Webhooks webhooks() {
        return webhooks;
    }

    /**
     * Submits a review of pull request {@code number} by {@code login}, as that person would.
     *
     * @param state APPROVED, CHANGES_REQUESTED or COMMENTED
     */
    public void reviewPullRequest(String repository, int number, String login, String state) {
        HostedRepository repo = require(repository);
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, number);
            Instant now = clock.instant();
            HostedRepository.Review review = new HostedRepository.Review(HostedRepository.nextId(), login, state,
                    repo.headSha(pr), now);
            pr.reviews.add(review);
            pr.updatedAt = now;
            com.fasterxml.jackson.databind.node.ObjectNode payload = payload(repo, pr, "submitted");
            payload.set("review", api.review(repo, pr, review));
            webhooks.emit("pull_request_review", payload);
        }
    }

    /**
     * Creates or updates check run {@code name} on the head commit of pull request {@code number}, as a CI system
     * would.
     *
     * @param status     queued, in_progress or completed
     * @param conclusion with completed: success, failure, neutral, cancelled, skipped, timed_out; else null
     */
    public void setCheck(String repository, int number, String name, String status, String conclusion) {
        HostedRepository repo = require(repository);
        synchronized (repo) {
            setCheckOnCommit(repository, repo.headSha(pull(repo, number)), name, status, conclusion);
        }
    }

    /** Creates or updates check run {@code name} on commit {@code sha} (GitHub's {@code POST /check-runs}). */
    public void setCheckOnCommit(String repository, String sha, String name, String status, String conclusion) {
        HostedRepository repo = require(repository);
        synchronized (repo) {
            List<HostedRepository.CheckRun> runs = repo.checkRuns.computeIfAbsent(sha, k -> new ArrayList<>());
            runs.removeIf(r -> r.name().equals(name));
            HostedRepository.CheckRun run = new HostedRepository.CheckRun(HostedRepository.nextId(), name, sha, status,
                    conclusion, clock.instant());
            runs.add(run);
            com.fasterxml.jackson.databind.node.ObjectNode payload = ApiServlet.JSON.createObjectNode();
            payload.put("action", "completed".equals(status) ? "completed" : "created");
            payload.set("check_run", api.checkRun(repo, run));
            payload.set("repository", api.repositoryJson(repo));
            webhooks.emit("check_run", payload);
        }
    }

    /** Adds {@code label} to pull request {@code number}, as a person would. */
    public void labelPullRequest(String repository, int number, String label) {
        HostedRepository repo = require(repository);
        synchronized (repo) {
            HostedRepository.PullRequestState pr = pull(repo, number);
            repo.labels.add(label);
            pr.labels.add(label);
            pr.updatedAt = clock.instant();
            pullRequestEvent(repo, pr, "labeled");
        }
    }

    /** Emits a {@code pull_request} webhook for {@code pr} (caller holds the repository's monitor). */
    void pullRequestEvent(HostedRepository repo, HostedRepository.PullRequestState pr, String action) {
        webhooks.emit("pull_request", payload(repo, pr, action));
    }

    private com.fasterxml.jackson.databind.node.ObjectNode payload(HostedRepository repo,
                                                                   HostedRepository.PullRequestState pr,
                                                                   String action) {
        com.fasterxml.jackson.databind.node.ObjectNode payload = ApiServlet.JSON.createObjectNode();
        payload.put("action", action);
        payload.put("number", pr.number);
        payload.set("pull_request", api.pull(repo, pr, true));
        payload.set("repository", api.repositoryJson(repo));
        payload.set("sender", ApiServlet.JSON.createObjectNode().put("login", options.botLogin));
        return payload;
    }

    private static HostedRepository.PullRequestState pull(HostedRepository repo, int number) {
        return repo.pulls.stream().filter(p -> p.number == number).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pull request " + repo.fullName() + "#" + number));
    }

    /** Closes pull request {@code number} without merging, as a person would. */
    public void closePullRequest(String repository, int number) {
        changePull(repository, number, false);
    }

    /** Marks pull request {@code number} merged and closed (the git history is not changed). */
    public void mergePullRequest(String repository, int number) {
        changePull(repository, number, true);
    }

    /** How many requests reached {@code endpoint}, e.g. {@code "POST /repos/{owner}/{repo}/pulls"}. */
    public long requestCount(String endpoint) {
        AtomicLong n = counters.get(endpoint);
        return n == null ? 0 : n.get();
    }

    /** Every endpoint's request count, e.g. {@code "GIT POST /{owner}/{repo}.git/git-receive-pack"}. */
    public Map<String, Long> requestCounts() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Secondary-rate-limit responses (403 with Retry-After) sent so far, injected faults included. */
    public long secondaryLimitResponses() {
        return secondaryLimitResponses.get();
    }

    /** Primary-rate-limit responses (403, {@code x-ratelimit-remaining: 0}) sent so far. */
    public long primaryLimitResponses() {
        return primaryLimitResponses.get();
    }

    public void resetRequestCounts() {
        counters.clear();
    }

    public int repositoryCount() {
        return repos.size();
    }

    @Override
    public void close() {
        webhooks.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the local code host", e);
        }
        repos.values().forEach(r -> r.git.close());
    }

    // ---- package-private, for the filter and servlets ---------------------------------------------------------

    HostedRepository hosted(String repository) {
        return repos.get(repository);
    }

    String botLogin() {
        return options.botLogin;
    }

    boolean knowsUser(String login) {
        return options.users.contains(login);
    }

    Access access(String token) {
        return options.tokens.get(token);
    }

    RateLimiter rateLimiter() {
        return rateLimiter;
    }

    void countSecondaryLimitResponse() {
        secondaryLimitResponses.incrementAndGet();
    }

    void countPrimaryLimitResponse() {
        primaryLimitResponses.incrementAndGet();
    }

    void count(String endpoint) {
        counters.computeIfAbsent(endpoint, e -> new AtomicLong()).incrementAndGet();
    }

    /** A duration on the host clock as real time (differs when the clock is sped up). */
    Duration toWallClock(Duration hostDuration) {
        return timeScale == 1.0 ? hostDuration : Duration.ofNanos((long) (hostDuration.toNanos() / timeScale));
    }

    // ---- internals --------------------------------------------------------------------------------------------

    private GitServlet gitServlet() {
        GitServlet servlet = new GitServlet();
        servlet.setRepositoryResolver((req, name) -> {
            String full = name.endsWith(".git") ? name.substring(0, name.length() - 4) : name;
            HostedRepository repo = repos.get(full);
            if (repo == null) {
                throw new RepositoryNotFoundException(name);
            }
            repo.git.incrementOpen(); // GitServlet closes it after the request; the host keeps its own reference
            return repo.git;
        });
        servlet.setUploadPackFactory((req, db) -> {
            UploadPack up = new UploadPack(db);
            // GitHub serves filtered fetches (blob:none; the git engine fetches only what a patch reads) ...
            org.eclipse.jgit.lib.Config transfer = new org.eclipse.jgit.lib.Config(db.getConfig());
            transfer.setBoolean("uploadpack", null, "allowfilter", true);
            up.setTransferConfig(new org.eclipse.jgit.transport.TransferConfig(transfer));
            up.setRequestPolicy(UploadPack.RequestPolicy.ANY); // ... and any object by SHA
            return up;
        });
        // Authorisation is done by FrontFilter, so pushes need no http.receivepack setting here.
        servlet.setReceivePackFactory((req, db) -> new ReceivePack(db));
        return servlet;
    }

    private Repository newStorage(String repository) {
        if (options.storage == null) {
            return new InMemoryRepository(new DfsRepositoryDescription(repository));
        }
        try {
            return new FileRepository(options.storage.resolve(repository + ".git").toFile());
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
            tree.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.naturalOrder())).forEach(e -> {
                DirCacheEntry entry = new DirCacheEntry(e.getKey());
                entry.setFileMode(FileMode.REGULAR_FILE);
                entry.setObjectId(e.getValue());
                builder.add(entry);
            });
            builder.finish();
            ObjectId treeId = index.writeTree(inserter);
            PersonIdent ident = new PersonIdent(HOST_IDENT_BASE, clock.instant(), ZoneOffset.UTC);
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

    private void changePull(String repository, int number, boolean merge) {
        HostedRepository repo = require(repository);
        synchronized (repo) {
            HostedRepository.PullRequestState pr = repo.pulls.stream().filter(p -> p.number == number).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no pull request " + repository + "#" + number));
            repo.headSha(pr);
            Instant now = clock.instant();
            pr.open = false;
            pr.closedAt = now;
            pr.updatedAt = now;
            if (merge) {
                pr.merged = true;
                pr.mergedAt = now;
            }
            pullRequestEvent(repo, pr, "closed");
        }
    }

    private HostedRepository require(String repository) {
        HostedRepository repo = repos.get(repository);
        if (repo == null) {
            throw new IllegalArgumentException("no such repository on the local code host: " + repository);
        }
        return repo;
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

    @Override
    public String toString() {
        return "LocalCodeHost[" + baseUrl + ", " + repos.size() + " repositories]";
    }

    /** Lists the repositories, sorted (for the demo CLI). */
    public List<String> repositories() {
        List<String> names = new ArrayList<>(repos.keySet());
        names.sort(null);
        return names;
    }
}
