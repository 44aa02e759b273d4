package dev.campaigns.infra.codehost;

import dev.campaigns.codehost.CodeHostKind;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.ReceiveCommand;
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
 * <p>This class wires the parts and offers the helpers tests use: {@link Routes} (the one route table),
 * {@link ApiServlet} (the REST handlers), {@link CodeHostState} (state and GitHub's rules, no HTTP),
 * {@link GitHubJson} (every JSON body and payload), {@link WebhookEvents} and {@link Webhooks} (deliveries). Every
 * answer validates against GitHub's published OpenAPI description (GitHubContractTest, docs/code-hosts.md).
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
        private CodeHostKind kind = CodeHostKind.GITHUB;
        private String appId;
        private String installationId;
        private java.security.PublicKey appKey;
        private final Map<String, String> ownerInstallations = new ConcurrentHashMap<>();

        /**
         * Registers a GitHub App with {@code appId} and the public half of its key, installed (on every repository)
         * as {@code installationId}: a JWT the app signs gets installation tokens from
         * {@code POST /app/installations/{installation_id}/access_tokens}, valid for an hour on the host clock.
         */
        public Options githubApp(String id, String installation, java.security.PublicKey publicKey) {
            this.appId = Objects.requireNonNull(id, "appId");
            this.installationId = Objects.requireNonNull(installation, "installationId");
            this.appKey = Objects.requireNonNull(publicKey, "publicKey");
            return this;
        }

        /**
         * Installs the registered GitHub App ({@link #githubApp}) on {@code owner}'s account as another installation,
         * {@code installationId}: its repositories' {@code GET /repos/{owner}/{repo}/installation} names it, and only
         * its tokens reach them (another installation's token gets 404, as on GitHub). Owners not installed this way
         * are covered by the app's first installation.
         */
        public Options githubAppInstallation(String owner, String installationId) {
            this.ownerInstallations.put(owner.toLowerCase(java.util.Locale.ROOT),
                    Objects.requireNonNull(installationId, "installationId"));
            return this;
        }

        /**
         * Which host's API to speak: GitHub (REST v3 under {@code /api/v3}, the default), GitLab (REST v4 under
         * {@code /api/v4}) or Bitbucket Server (REST 1.0 under {@code /rest}, git under {@code /scm}). The
         * repositories, pull requests, faults, limits and helpers are the same whichever it is.
         */
        public Options kind(CodeHostKind k) {
            this.kind = Objects.requireNonNull(k, "kind");
            return this;
        }

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

    private final Options options;
    private final Clock clock;
    private final double timeScale;
    private final Faults faults = new Faults();
    private final RateLimiter rateLimiter;
    private final CodeHostState state;
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final AtomicLong secondaryLimitResponses = new AtomicLong();
    private final AtomicLong primaryLimitResponses = new AtomicLong();
    private final Server server;
    private final String baseUrl;
    private final Webhooks webhooks = new Webhooks();
    private final ApiServlet api;
    private final Routes<?> apiRoutes;
    private final CodeHostKind kind;
    private final Map<String, java.time.Instant> installationTokens = new ConcurrentHashMap<>();
    private final Map<String, String> tokenInstallations = new ConcurrentHashMap<>();
    private final List<Consumer<Exchange>> exchangeListeners = new CopyOnWriteArrayList<>();

    /**
     * One API request and its answer, as seen on the wire (for contract checks).
     *
     * @param route the route template that served it ({@code /repos/{owner}/{repo}}), null for an unknown path
     */
    public record Exchange(String method, String path, String route, String query, int status, String contentType,
                           String body) {
    }

    private LocalCodeHost(Options options) throws Exception {
        if (options.tokens.isEmpty()) {
            throw new IllegalArgumentException("the local code host needs at least one accepted token");
        }
        this.options = options;
        this.kind = options.kind;
        this.timeScale = options.timeScale;
        this.clock = options.timeScale == 1.0 ? options.clock : new ScaledClock(options.clock, options.timeScale);
        this.rateLimiter = new RateLimiter(clock, options.primaryPerHour, options.contentPerMinute,
                options.contentPerHour);
        options.users.add(options.botLogin);
        this.state = new CodeHostState(clock, options.botLogin, options.users, options.storage);

        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendDateHeader(false);
        http.setSendServerVersion(false);
        // GitHub takes a branch with a slash as one %2F-encoded path segment (.../commits/feature%2Fx/check-runs).
        http.setUriCompliance(UriCompliance.DEFAULT.with("github", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(options.port);
        server.addConnector(connector);
        connector.open(); // binds the port now: the renderer needs the base URL
        baseUrl = "http://127.0.0.1:" + connector.getLocalPort();
        GitHubJson json = new GitHubJson(baseUrl);
        webhooks.speak(kind);
        state.announceTo(kind == CodeHostKind.GITHUB ? new WebhookEvents(json, webhooks)
                : new OtherHostWebhookEvents(kind, webhooks, baseUrl));

        ServletContextHandler context = new ServletContextHandler("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        this.api = new ApiServlet(state, json, this);
        jakarta.servlet.http.HttpServlet served = switch (kind) {
            case GITHUB -> api;
            case GITLAB -> new GitLabApiServlet(state, baseUrl);
            case BITBUCKET_SERVER -> new BitbucketApiServlet(state, baseUrl);
        };
        this.apiRoutes = switch (kind) {
            case GITHUB -> api.routes();
            case GITLAB -> ((GitLabApiServlet) served).routes();
            case BITBUCKET_SERVER -> ((BitbucketApiServlet) served).routes();
        };
        context.addFilter(new FilterHolder(new ExchangeFilter(exchangeListeners, apiRoutes, apiPrefix())),
                apiPrefix() + "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new FrontFilter(this, apiRoutes)), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder("api", served), apiPrefix() + "/*");
        context.addServlet(new ServletHolder("git", gitServlet()), kind == CodeHostKind.BITBUCKET_SERVER
                ? "/scm/*" : "/*");
        context.setErrorHandler(new JsonErrorHandler());
        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(context);
        server.start();
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

    /**
     * The API root a client is configured with: GitHub {@code <base>/api/v3}, GitLab {@code <base>/api/v4},
     * Bitbucket Server {@code <base>} (its clients append {@code /rest/api/1.0/...}).
     */
    public String apiUrl() {
        return kind == CodeHostKind.BITBUCKET_SERVER ? baseUrl : baseUrl + apiPrefix();
    }

    /** Which host's API this one speaks. */
    public CodeHostKind kind() {
        return kind;
    }

    /** Where the API is served: {@code /api/v3}, {@code /api/v4} or {@code /rest}. */
    public String apiPrefix() {
        return switch (kind) {
            case GITHUB -> "/api/v3";
            case GITLAB -> GitLabApiServlet.PREFIX;
            case BITBUCKET_SERVER -> BitbucketApiServlet.PREFIX;
        };
    }

    /**
     * A regular expression for the raw request path that opens a pull request in {@code repository} on this kind
     * of host (to inject a fault there): {@code /api/v3/repos/o/r/pulls}, {@code /api/v4/projects/o%2Fr/merge_requests}
     * or {@code /rest/api/1.0/projects/P/repos/s/pull-requests}.
     */
    public String pullRequestCreationPath(String repository) {
        String[] on = repository.split("/", 2);
        return switch (kind) {
            case GITHUB -> "/api/v3/repos/" + java.util.regex.Pattern.quote(repository) + "/pulls";
            case GITLAB -> "/api/v4/projects/" + java.util.regex.Pattern.quote(on[0] + "%2F" + on[1])
                    + "/merge_requests";
            case BITBUCKET_SERVER -> "/rest/api/1.0/projects/" + java.util.regex.Pattern.quote(on[0]) + "/repos/"
                    + java.util.regex.Pattern.quote(on[1]) + "/pull-requests";
        };
    }

    /** The git root: clone URLs are {@code gitUrl()/<owner>/<name>.git} ({@code /scm/...} on Bitbucket Server). */
    public String gitUrl() {
        return baseUrl;
    }

    /** The clone URL of {@code repository}. */
    public String gitUrl(String repository) {
        return baseUrl + (kind == CodeHostKind.BITBUCKET_SERVER ? "/scm/" : "/") + repository + ".git";
    }

    public Faults faults() {
        return faults;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Calls {@code listener} with every API request and its answer from now on (method, path, status, body), e.g.
     * to validate each against GitHub's published description.
     */
    public void onExchange(Consumer<Exchange> listener) {
        exchangeListeners.add(listener);
    }

    /**
     * Every API route the host serves, as {@code "GET /repos/{owner}/{repo}"} (the host's own path templates, under
     * {@link #apiPrefix()}).
     */
    public List<String> apiRoutes() {
        return apiRoutes.routes().stream().map(Object::toString).toList();
    }

    /**
     * Creates {@code repository} ("owner/name") with one commit on {@code main} holding {@code files} (path to
     * {@code String} (UTF-8) or {@code byte[]}), and returns that commit's SHA. Fails if it exists.
     */
    public String createRepository(String repository, Map<String, ?> files) {
        return state.createRepository(repository, files);
    }

    /**
     * Commits {@code files} (added or replaced) on top of {@code branch}'s tip, or of {@code main} when the branch
     * does not exist yet, and moves {@code branch} there: a push, without git (open pull requests from the branch
     * follow it and announce {@code synchronize}). Returns the new SHA.
     */
    /** Replaces the topics of {@code repository} (as {@code PUT /repos/{owner}/{repo}/topics}). */
    public void setTopics(String repository, String... topics) {
        state.replaceTopics(state.require(repository), List.of(topics));
    }

    public String commitFiles(String repository, String branch, Map<String, ?> files, String message) {
        return state.commitFiles(repository, branch, files, message);
    }

    /** Creates or moves {@code branch} to commit {@code sha}. */
    public void createBranch(String repository, String branch, String sha) {
        state.createBranch(repository, branch, sha);
    }

    /** The SHA at the tip of {@code branch}, if the repository and the branch exist. */
    public Optional<String> branchTip(String repository, String branch) {
        HostedRepository repo = state.find(repository);
        return repo == null ? Optional.empty() : repo.branchTip(branch);
    }

    /** The pull requests of {@code repository}, by number. */
    public List<LocalPullRequest> pullRequests(String repository) {
        HostedRepository repo = state.require(repository);
        synchronized (repo) {
            return repo.pulls.stream().map(repo::snapshot).toList();
        }
    }

    /**
     * Opens a pull request directly (as a person or another tool would), bypassing the API and its limits but not
     * GitHub's rules (one open per head and base, commits between them); refusals are IllegalArgumentExceptions.
     */
    public LocalPullRequest openPullRequest(String repository, String head, String base, String title) {
        HostedRepository repo = state.require(repository);
        synchronized (repo) {
            if (repo.branchTip(head).isEmpty()) {
                throw new IllegalArgumentException("no branch " + head);
            }
            try {
                return repo.snapshot(state.openPull(repo, title, head, base, "", false, options.botLogin));
            } catch (GitHubError e) {
                throw new IllegalArgumentException("cannot open a pull request from " + head + " to " + base + " in "
                        + repository + ": " + e.getMessage() + " " + e.details(), e);
            }
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
        this.state.review(this.state.require(repository), number, login, state, "");
    }

    /**
     * Creates or updates check run {@code name} on the head commit of pull request {@code number}, as a CI system
     * would.
     *
     * @param status     queued, in_progress or completed
     * @param conclusion with completed: success, failure, neutral, cancelled, skipped, timed_out; else null
     */
    public void setCheck(String repository, int number, String name, String status, String conclusion) {
        HostedRepository repo = state.require(repository);
        synchronized (repo) {
            state.setCheck(repo, repo.headSha(state.pull(repo, number)), name, status, conclusion);
        }
    }

    /** Creates or updates check run {@code name} on commit {@code sha} (GitHub's {@code POST /check-runs}). */
    public void setCheckOnCommit(String repository, String sha, String name, String status, String conclusion) {
        state.setCheck(state.require(repository), sha, name, status, conclusion);
    }

    /**
     * Sets commit status {@code context} on the head commit of pull request {@code number}, as a CI system using
     * GitHub's {@code POST /statuses/{sha}} would.
     *
     * @param statusState error, failure, pending or success
     */
    public void setStatus(String repository, int number, String context, String statusState) {
        HostedRepository repo = state.require(repository);
        synchronized (repo) {
            state.createStatus(repo, repo.headSha(state.pull(repo, number)), statusState, context, null, null,
                    options.botLogin);
        }
    }

    /** Adds {@code label} to pull request {@code number}, as a person would. */
    public void labelPullRequest(String repository, int number, String label) {
        state.addLabels(state.require(repository), number, List.of(label), options.botLogin);
    }

    /** Closes pull request {@code number} without merging, as a person would. */
    public void closePullRequest(String repository, int number) {
        state.close(state.require(repository), number);
    }

    /** Marks pull request {@code number} merged and closed (the git history is not changed). */
    public void mergePullRequest(String repository, int number) {
        state.markMerged(state.require(repository), number);
    }

    /** The bodies of the comments on pull request {@code number}, oldest first (whichever API added them). */
    public List<String> comments(String repository, int number) {
        HostedRepository repo = state.require(repository);
        synchronized (repo) {
            return repo.pulls.stream().filter(p -> p.number == number).findFirst().orElseThrow()
                    .comments.stream().map(HostedRepository.Comment::body).toList();
        }
    }

    /** How pull request {@code number} was merged through an API (merge, squash, rebase), or null. */
    public String mergeMethod(String repository, int number) {
        HostedRepository repo = state.require(repository);
        synchronized (repo) {
            return repo.pulls.stream().filter(p -> p.number == number).findFirst().orElseThrow().mergeMethod;
        }
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
        return state.repositoryCount();
    }

    @Override
    public void close() {
        webhooks.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the local code host", e);
        }
        state.closeAll();
    }

    // ---- package-private, for the filter and servlets ---------------------------------------------------------

    Access access(String token) {
        Access a = options.tokens.get(token);
        if (a != null) {
            return a;
        }
        java.time.Instant expires = installationTokens.get(token);
        return expires != null && clock.instant().isBefore(expires) ? Access.WRITE : null;
    }

    /** Whether {@code token} may reach {@code owner}'s repositories: an installation token only its installation's. */
    boolean tokenCovers(String token, String owner) {
        String installation = tokenInstallations.get(token);
        return installation == null || owner == null || installation.equals(installationOf(owner));
    }

    /** The App installation covering {@code owner}'s repositories. */
    String installationOf(String owner) {
        return options.ownerInstallations.getOrDefault(owner.toLowerCase(java.util.Locale.ROOT),
                options.installationId);
    }

    /** Whether {@code installationId} is one of the registered App's installations. */
    boolean isInstallation(String installationId) {
        return options.appId != null && (options.installationId.equals(installationId)
                || options.ownerInstallations.containsValue(installationId));
    }

    /** Whether {@code jwt} is a valid RS256 JWT of the registered GitHub App, as GitHub checks it. */
    boolean validAppJwt(String jwt) {
        if (options.appKey == null || jwt == null) {
            return false;
        }
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            java.util.Base64.Decoder b64 = java.util.Base64.getUrlDecoder();
            com.fasterxml.jackson.databind.JsonNode header = GitHubJson.JSON.readTree(b64.decode(parts[0]));
            com.fasterxml.jackson.databind.JsonNode claims = GitHubJson.JSON.readTree(b64.decode(parts[1]));
            java.security.Signature rs256 = java.security.Signature.getInstance("SHA256withRSA");
            rs256.initVerify(options.appKey);
            rs256.update((parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            long now = clock.instant().getEpochSecond();
            long iat = claims.path("iat").asLong(Long.MAX_VALUE);
            long exp = claims.path("exp").asLong(0);
            return "RS256".equals(header.path("alg").asText()) && rs256.verify(b64.decode(parts[2]))
                    && options.appId.equals(claims.path("iss").asText()) && iat <= now + 60 && exp > now
                    && exp - iat <= 600;
        } catch (Exception e) {
            return false;
        }
    }

    /** The registered App's ID and installation ID; null when none is registered. */
    String[] githubApp() {
        return options.appId == null ? null : new String[] {options.appId, options.installationId};
    }

    /** Issues an installation token valid for an hour on the host clock; returns it and its expiry. */
    Map.Entry<String, java.time.Instant> issueInstallationToken(String installationId) {
        String token = "ghs_" + java.util.UUID.randomUUID().toString().replace("-", "");
        java.time.Instant expires = clock.instant().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        installationTokens.put(token, expires);
        tokenInstallations.put(token, installationId);
        return Map.entry(token, expires);
    }

    /** How many installation tokens the host has issued. */
    public int installationTokensIssued() {
        return installationTokens.size();
    }

    /** How many tokens the host has issued for App installation {@code installationId}. */
    public int installationTokensIssued(String installationId) {
        return (int) tokenInstallations.values().stream().filter(installationId::equals).count();
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
            HostedRepository repo = state.find(full);
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
        servlet.setReceivePackFactory((req, db) -> {
            ReceivePack rp = new ReceivePack(db);
            HostedRepository repo = state.find(repositoryOf(req.getRequestURI()));
            if (repo != null) {
                // A push that moves a pull request's head is announced as `synchronize`, as GitHub does.
                rp.setPostReceiveHook((pack, commands) -> commands.stream()
                        .filter(c -> c.getResult() == ReceiveCommand.Result.OK)
                        .filter(c -> c.getRefName().startsWith(Constants.R_HEADS))
                        .forEach(c -> state.branchMoved(repo, c.getRefName().substring(Constants.R_HEADS.length()),
                                c.getOldId().equals(ObjectId.zeroId()) ? null : c.getOldId().name(),
                                c.getNewId().equals(ObjectId.zeroId()) ? null : c.getNewId().name())));
            }
            return rp;
        });
        return servlet;
    }

    @Override
    public String toString() {
        return "LocalCodeHost[" + baseUrl + ", " + state.repositoryCount() + " repositories]";
    }

    /** Lists the repositories, sorted (for the demo CLI). */
    public List<String> repositories() {
        return state.repositoryNames();
    }

    /** "owner/name" of a git request path {@code /owner/name.git/...} (or {@code /scm/owner/name.git/...}). */
    private String repositoryOf(String path) {
        int git = path.indexOf(".git/");
        int from = kind == CodeHostKind.BITBUCKET_SERVER && path.startsWith("/scm/") ? 5 : 1;
        return git < 0 ? "" : path.substring(from, git);
    }
}
