package dev.campaigns.git;

import static org.eclipse.jgit.lib.Constants.OBJ_COMMIT;

import dev.campaigns.blob.BlobStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.CommitConfig;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PackParser;
import org.eclipse.jgit.transport.PushConnection;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;

/**
 * Turns a campaign job's diff into a deterministic bot commit, and pushes it idempotently.
 *
 * <h2>Commit</h2>
 * The base revision is fetched shallowly (depth 1) into a per-process cache ({@link BaseCache}; nothing is
 * fetched when a warm container already has it), and partially when the server allows filters: its trees
 * (for a dry run only those on the patch's paths) and the blobs the patch reads, so the cost follows the
 * change rather than the repository. The patch is checked (size, form, path safety), then applied
 * to the base tree in memory with {@code git apply --cached} semantics; only the trees on the touched paths
 * are read and rewritten. The commit has the base as parent, the bot as author and committer, and the job's
 * timestamp (UTC) as both dates, so the same request always gives the same SHA: a retried step re-creates the
 * very same commit, never a second one. Its new objects are stored as a small git bundle in the
 * {@link BlobStore} under {@code commit/<sha>} (see {@link CommitBundle}), because the push step runs in
 * another invocation, maybe another container.
 *
 * <h2>Push rule</h2>
 * {@link #push} pushes exactly the stored commit to {@code refs/heads/<branch>}, as a create-only update
 * (expected old value: absent):
 * <ul>
 *   <li>branch already at the commit: success, nothing sent, {@code pushed=false};</li>
 *   <li>branch absent: created; if someone creates it concurrently, exactly one creator wins and the other
 *       sees one of the two cases here;</li>
 *   <li>branch at any other commit: {@link BranchConflictException}; the branch is never overwritten.</li>
 * </ul>
 * The push sends the stored bundle's pack verbatim over git's receive-pack protocol ({@link PackPush}), so
 * the push step needs neither the base nor its trees; only when the remote no longer advertises the base
 * does it complete the base in its cache and push with JGit.
 *
 * <h2>Errors</h2>
 * Everything {@link #preview}, {@link #commit} and {@link #push} throw is a {@link GitEngineException}: failures
 * are translated at this boundary by one table ({@link RemoteErrors}: exception types first, then the texts JGit
 * gives no type for), and whatever it does not recognise becomes an {@link UnexpectedGitException}.
 * {@link GitEngineException#kind()} tells the workflow whether retrying can help (transient), cannot (permanent),
 * or the failure was not foreseen (unexpected). Tokens never appear in messages. ({@link #diffStat} is lenient and
 * throws only {@link MalformedPatchException}.)
 *
 * <p>Thread-safe: one engine serves concurrent invocations of one JVM; each call works on its own objects,
 * and the shared base cache serialises its fetches per repository.
 */
public final class GitEngine implements AutoCloseable {
    /** Folder levels fetched one request each before asking for all the base's trees at once. */
    private static final int MAX_FETCHED_LEVELS = 12;
    private final GitEngineConfig config;
    private final BlobStore bundles;
    private final BaseCache cache;
    /** The helper threads of large commits (pre-apply, bundle deflate), sized by {@link GitEngineConfig#parallelism()}. */
    private final ParallelWork parallel;
    /** For smart HTTP pushes; created on first use. */
    private volatile java.net.http.HttpClient httpClient;

    public GitEngine(GitEngineConfig config, BlobStore bundles) {
        this.config = config;
        this.bundles = bundles;
        this.cache = new BaseCache(config.cacheDir(), (int) Math.max(1, config.timeout().toSeconds()));
        this.parallel = ParallelWork.pool(config.parallelism());
    }

    /** Dry run: resolves the base, checks and applies the patch in memory, computes the commit; stores nothing. */
    public CommitResult preview(CommitRequest r) {
        return translated("cannot make a commit on", r.remoteUrl(), r.credentials(), () -> make(r, false));
    }

    /** As {@link #preview}, and stores the commit's bundle under {@code commit/<sha>} (idempotent). */
    public CommitResult commit(CommitRequest r) {
        return translated("cannot make a commit on", r.remoteUrl(), r.credentials(), () -> make(r, true));
    }

    /** {@code body}'s result; anything it throws that is not a {@link GitEngineException} translated by the table. */
    private static <T> T translated(String action, String url, RemoteCredentials credentials, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (GitEngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw RemoteErrors.translate(e, action, url, credentials);
        }
    }

    /** Line counts of a patch, without git: for display at plan time. Lenient about malformed input. */
    public static DiffStat diffStat(byte[] patch) {
        return ParsedPatch.diffStat(ParsedPatch.parseWithJGit(patch));
    }

    private CommitResult make(CommitRequest r, boolean store) {
        checkUrl(r.remoteUrl());
        String message = cleanMessage(r.message());
        ParsedPatch patch = ParsedPatch.parse(r.patch(), config);
        if (patch.files.isEmpty()) {
            throw new NothingToCommitException("the diff is empty (no \"diff --git\" file in it): nothing to commit");
        }
        Repository repo = cache.repo(r.remoteUrl());
        long reads = FetchPlan.estimatedReads(patch);
        // Many base files to read: the whole snapshot in one request. Otherwise (dry run or commit to push alike)
        // only the trees on the patch's paths and the blobs read (not those the patch spells out whole): the push
        // sends the bundle's pack, it walks no base.
        BaseCache.Scope scope = reads > config.snapshotReads() ? BaseCache.Scope.SNAPSHOT : BaseCache.Scope.ROOT;
        ObjectId base = cache.ensureCommit(r.remoteUrl(), r.credentials(), r.baseRevision(), scope);
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
            RevCommit baseCommit = rw.parseCommit(base);
            NewObjects out = new NewObjects();
            BaseTreeView baseTree = new BaseTreeView(reader, baseCommit.getTree(), config.maxBlobBytes());
            FetchPlan plan = new FetchPlan(baseTree, config.maxBlobBytes());
            // the trees on the patch's paths, one folder level per request, then the blobs it reads
            for (int level = 0; level < MAX_FETCHED_LEVELS; level++) {
                java.util.Set<ObjectId> missing = plan.missingTrees(patch);
                if (missing.isEmpty()) {
                    break;
                }
                if (level == MAX_FETCHED_LEVELS - 1) {
                    cache.ensureAllTrees(r.remoteUrl(), r.credentials(), base);
                } else {
                    cache.ensureTrees(r.remoteUrl(), r.credentials(), base, missing);
                }
            }
            cache.ensureBlobs(r.remoteUrl(), r.credentials(), base, plan.blobsToRead(patch));
            ObjectId tree = new TreePatcher(baseTree, plan.preimages(), out, config.maxBlobBytes(), parallel).apply(patch);
            if (tree.equals(baseCommit.getTree())) {
                throw new NothingToCommitException("the patch leaves the tree of " + base.name() + " unchanged: nothing to commit");
            }
            PersonIdent bot = new PersonIdent(r.author().name(), r.author().email(), r.when(), ZoneOffset.UTC);
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(tree);
            cb.setParentId(base);
            cb.setAuthor(bot);
            cb.setCommitter(bot);
            cb.setMessage(message);
            ObjectId commit = out.add(OBJ_COMMIT, cb.build());
            if (store) {
                bundles.put(CommitBundle.key(commit), CommitBundle.write(base, commit, out.all(), config.compression(), parallel));
            }
            return new CommitResult(commit.name(), tree.name(), base.name(), ParsedPatch.diffStat(patch.jgitPatch));
        } catch (IOException e) {
            throw new RemoteUnavailableException("cannot read the base " + base.name() + " from the cache: " + e.getMessage(), e);
        }
    }

    /** git commit's "whitespace" clean-up (what {@code git commit -m} does), ending in one newline. */
    static String cleanMessage(String message) {
        String cleaned = CommitConfig.cleanText(message, CommitConfig.CleanupMode.WHITESPACE, '#');
        if (cleaned.isBlank()) {
            throw new InvalidRequestException("the commit message is empty");
        }
        return cleaned.endsWith("\n") ? cleaned : cleaned + "\n";
    }

    /** See the class comment for the rule. */
    public PushResult push(PushRequest r) {
        return translated("cannot push to", r.remoteUrl(), r.credentials(), () -> pushChecked(r));
    }

    private PushResult pushChecked(PushRequest r) {
        checkUrl(r.remoteUrl());
        String ref = Constants.R_HEADS + r.branch();
        if (!Repository.isValidRefName(ref)) {
            throw new InvalidRequestException("invalid branch name: " + r.branch());
        }
        if (!ObjectId.isId(r.commitSha())) {
            throw new InvalidRequestException("not a full commit SHA: " + r.commitSha());
        }
        ObjectId commit = ObjectId.fromString(r.commitSha());
        byte[] data = bundles.get(CommitBundle.key(commit)).orElseThrow(() -> new BundleNotFoundException(
                "no stored commit " + commit.name() + ": run the commit step first"));
        CommitBundle bundle = CommitBundle.read(data);
        if (!bundle.commit.equals(commit)) {
            throw new IllegalStateException("bundle under " + CommitBundle.key(commit) + " holds " + bundle.commit.name());
        }
        PushResult sent = pushPack(r, ref, commit, bundle);
        if (sent != null) {
            return sent;
        }
        // the remote no longer advertises the base: a JGit push from the completed base (it sends the base's
        // objects the pack only names, as any git push to such a remote would)
        Repository repo = cache.repo(r.remoteUrl());
        cache.ensureCommit(r.remoteUrl(), r.credentials(), bundle.base.name());
        try {
            importBundle(repo, bundle);
            return pushFrom(repo, r, ref, commit, bundle.base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the push of " + commit.name(), e);
        }
    }

    /**
     * The push of the bundle's pack as it is ({@link PackPush}): reads the remote's advertisement, applies the
     * create-only rule, and when the branch is absent and the base advertised, sends the create command and the
     * pack. Returns null, sending nothing, when the remote does not advertise the base.
     */
    private PushResult pushPack(PushRequest r, String ref, ObjectId commit, CommitBundle bundle) {
        try {
            URIish uri = new URIish(r.remoteUrl());
            boolean http = uri.getScheme() != null && !uri.getScheme().equals("file");
            return http ? pushPackHttp(r, ref, commit, bundle) : pushPackFile(r, ref, commit, bundle);
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("invalid remote URL: " + Redaction.scrub(r.remoteUrl(), r.credentials()));
        } catch (IOException | RuntimeException e) {
            return pushFailed(e, r, ref, commit);
        }
    }

    /** The rule on the advertised branch: null to go on and send, a result when there is nothing to send. */
    private static PushResult decide(PushRequest r, String ref, ObjectId commit, PackPush.Advertisement adv) {
        ObjectId advertised = adv.refs().get(ref);
        if (advertised == null) {
            return null;
        }
        if (commit.equals(advertised)) {
            return new PushResult(r.branch(), commit.name(), false);
        }
        throw new BranchConflictException(r.branch(), advertised.name(), commit.name());
    }

    private PushResult pushPackFile(PushRequest r, String ref, ObjectId commit, CommitBundle bundle)
            throws IOException, URISyntaxException {
        LocalPipeTransport.Pipes pipes = LocalPipeTransport.openReceivePack(r.remoteUrl());
        try {
            PackPush.Advertisement adv = PackPush.readAdvertisement(pipes.fromServer, false);
            PushResult done = decide(r, ref, commit, adv);
            if (done != null || !adv.has(bundle.base)) {
                new org.eclipse.jgit.transport.PacketLineOut(pipes.toServer).end(); // no command: the server stops
                return done;
            }
            List<String> caps = PackPush.capabilities(adv);
            PackPush.writeRequest(pipes.toServer, caps, commit, ref, bundle.pack);
            return reported(r, ref, commit, PackPush.readReport(pipes.fromServer, caps.contains("side-band-64k"), ref));
        } finally {
            try {
                pipes.toServer.close();
            } catch (IOException ignored) {
                // the server has gone already
            }
            pipes.join();
            pipes.fromServer.close();
        }
    }

    private PushResult pushPackHttp(PushRequest r, String ref, ObjectId commit, CommitBundle bundle) throws IOException {
        String url = r.remoteUrl().replaceAll("/+$", "");
        java.net.http.HttpResponse<InputStream> info = http(r, java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url + "/info/refs?service=git-receive-pack")).GET());
        PackPush.Advertisement adv;
        try (InputStream in = info.body()) {
            adv = PackPush.readAdvertisement(in, true);
        }
        PushResult done = decide(r, ref, commit, adv);
        if (done != null || !adv.has(bundle.base)) {
            return done;
        }
        List<String> caps = PackPush.capabilities(adv);
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        PackPush.writeRequest(command, caps, commit, ref, new byte[0]);
        java.net.http.HttpResponse<InputStream> res = http(r, java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/git-receive-pack"))
                .header("Content-Type", "application/x-git-receive-pack-request")
                .header("Accept", "application/x-git-receive-pack-result")
                .POST(java.net.http.HttpRequest.BodyPublishers.concat(
                        java.net.http.HttpRequest.BodyPublishers.ofByteArray(command.toByteArray()),
                        java.net.http.HttpRequest.BodyPublishers.ofByteArray(bundle.pack))));
        try (InputStream in = res.body()) {
            return reported(r, ref, commit, PackPush.readReport(in, caps.contains("side-band-64k"), ref));
        }
    }

    /** One HTTP exchange with the token (if any) as Basic auth; a status other than 200 is a typed error. */
    private java.net.http.HttpResponse<InputStream> http(PushRequest r, java.net.http.HttpRequest.Builder b) throws IOException {
        b.timeout(config.timeout()).header("User-Agent", "git/2.0 (campaigns)");
        if (r.credentials().present()) {
            String basic = java.util.Base64.getEncoder().encodeToString(
                    ("x-access-token:" + r.credentials().token()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            b.header("Authorization", "Basic " + basic);
        }
        java.net.http.HttpRequest req = b.build();
        java.net.http.HttpResponse<InputStream> res;
        try {
            res = httpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        int status = res.statusCode();
        if (status == 200) {
            return res;
        }
        res.body().close();
        String what = "cannot push to " + Redaction.scrub(r.remoteUrl(), r.credentials()) + ": HTTP " + status
                + " on " + req.method() + " " + req.uri().getPath();
        if (status == 401 || status == 403) {
            throw new AuthenticationFailedException(what);
        }
        if (status == 404) {
            throw new RepositoryNotFoundException(what);
        }
        throw new RemoteUnavailableException(what);
    }

    private java.net.http.HttpClient httpClient() {
        java.net.http.HttpClient c = httpClient;
        if (c == null) {
            synchronized (this) {
                if (httpClient == null) {
                    httpClient = java.net.http.HttpClient.newBuilder().connectTimeout(config.timeout())
                            .followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build();
                }
                c = httpClient;
            }
        }
        return c;
    }

    /** The outcome of a report-status: ok, or a rejection looked into as {@link #pushFrom} does. */
    private PushResult reported(PushRequest r, String ref, ObjectId commit, PackPush.Report report) {
        if (report.unpackOk() && report.ok()) {
            return new PushResult(r.branch(), commit.name(), true);
        }
        String why = !report.unpackOk() ? "unpack " + report.unpack() : report.reason();
        if (!report.serverErrors().isEmpty()) {
            why += "; " + report.serverErrors();
        }
        return rejected(r, ref, commit, why);
    }

    /**
     * A refused update (e.g. lost a race to create the branch): look again at what the branch holds now, a
     * moment later if the winner has not finished writing it yet.
     */
    private PushResult rejected(PushRequest r, String ref, ObjectId commit, String why) {
        ObjectId now = remoteBranch(r, ref);
        for (int attempt = 1; now == null && attempt <= 3; attempt++) {
            try {
                Thread.sleep(100L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = remoteBranch(r, ref);
        }
        if (commit.equals(now)) {
            return new PushResult(r.branch(), commit.name(), false);
        }
        if (now != null) {
            throw new BranchConflictException(r.branch(), now.name(), commit.name());
        }
        String msg = Redaction.scrub(why, r.credentials());
        throw new RemoteUnavailableException("push of " + r.branch() + " to "
                + Redaction.scrub(r.remoteUrl(), r.credentials()) + " failed" + (msg == null ? "" : " (" + msg + ")"));
    }

    /**
     * Puts the bundle's objects into the base cache (a pack of just those objects, unless a retry already
     * did), next to the shallow base they build on: the push then sends exactly them.
     */
    private static void importBundle(Repository repo, CommitBundle bundle) throws IOException {
        if (BaseCache.hasCommit(repo, bundle.commit)) {
            return;
        }
        try (ObjectInserter ins = repo.newObjectInserter()) {
            PackParser parser = ins.newPackParser(bundle.packStream());
            parser.setAllowThin(false);
            parser.parse(NullProgressMonitor.INSTANCE);
            ins.flush();
        }
        if (!BaseCache.hasCommit(repo, bundle.commit)) {
            throw new IOException("the bundle of " + bundle.commit.name() + " lacks the commit or its tree");
        }
    }

    private PushResult pushFrom(Repository work, PushRequest r, String ref, ObjectId commit, ObjectId base) throws IOException {
        RemoteRefUpdate update;
        try {
            // the remote no longer advertises the base: the push will send the base tree's objects too
            cache.ensureComplete(r.remoteUrl(), r.credentials(), base);
            update = pushOnce(work, r, ref, commit, base, true);
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("invalid remote URL: " + Redaction.scrub(r.remoteUrl(), r.credentials()));
        } catch (org.eclipse.jgit.errors.TransportException | RuntimeException e) {
            return pushFailed(e, r, ref, commit);
        }
        switch (update.getStatus()) {
            case OK:
                return new PushResult(r.branch(), commit.name(), true);
            case UP_TO_DATE:
                return new PushResult(r.branch(), commit.name(), false);
            default:
                return rejected(r, ref, commit, update.getStatus() + (update.getMessage() == null ? "" : ": " + update.getMessage()));
        }
    }

    /**
     * One push connection: reads the advertised refs, applies the create-only rule, and sends the commit. The
     * pack holds the objects reachable from the commit and not from the advertised refs the cache has: with the
     * base advertised, exactly the commit's new objects (the base's trees are read, its blobs only named).
     * Returns null, sending nothing, when the base is not advertised and {@code complete} is false: the
     * base's blobs may then be missing from the cache, and the caller must fetch them first.
     */
    private RemoteRefUpdate pushOnce(Repository work, PushRequest r, String ref, ObjectId commit, ObjectId base, boolean complete)
            throws URISyntaxException, IOException {
        try (Transport t = LocalPipeTransport.connect(work, r.remoteUrl())) {
            t.setTimeout((int) Math.max(1, config.timeout().toSeconds()));
            t.setCredentialsProvider(BaseCache.credentialsProvider(r.credentials()));
            // The bundle's objects are already deflated in the push repository's pack: send them as they are
            // (no delta search, no re-compression); the pack holds only the commit's new objects anyway.
            org.eclipse.jgit.storage.pack.PackConfig pack = new org.eclipse.jgit.storage.pack.PackConfig(work);
            pack.setDeltaCompress(false);
            pack.setReuseObjects(true);
            t.setPackConfig(pack);
            t.setPushThin(false);
            try (PushConnection conn = t.openPush()) {
                Ref advertised = conn.getRef(ref);
                RemoteRefUpdate update = new RemoteRefUpdate(work, (String) null, commit, ref, false, null, ObjectId.zeroId());
                if (advertised != null) {
                    if (commit.equals(advertised.getObjectId())) {
                        return new RemoteRefUpdate(work, (String) null, commit, ref, false, null, commit) {
                            @Override
                            public Status getStatus() {
                                return Status.UP_TO_DATE;
                            }
                        };
                    }
                    throw new BranchConflictException(r.branch(), advertised.getObjectId().name(), commit.name());
                }
                if (!complete && conn.getRefs().stream().noneMatch(x -> base.equals(x.getObjectId()))) {
                    return null;
                }
                conn.push(NullProgressMonitor.INSTANCE, java.util.Map.of(ref, update));
                return update;
            }
        }
    }

    /**
     * A push that failed: a conflict stays one; a failure that is not permanent (transient or unexpected: the
     * connection may have dropped after the update) after which the branch holds our commit is a concurrent retry
     * of this job that got there first, or our own update whose report was lost (success, {@code pushed=false});
     * anything else is typed.
     */
    private PushResult pushFailed(Exception e, PushRequest r, String ref, ObjectId commit) {
        if (e instanceof BranchConflictException b) {
            throw b;
        }
        GitEngineException g = RemoteErrors.translate(e, "cannot push to", r.remoteUrl(), r.credentials());
        if (g.kind() != GitEngineException.Kind.PERMANENT && commit.equals(remoteBranchOrNull(r, ref))) {
            return new PushResult(r.branch(), commit.name(), false);
        }
        throw g;
    }

    private ObjectId remoteBranchOrNull(PushRequest r, String ref) {
        try {
            return remoteBranch(r, ref);
        } catch (GitEngineException e) {
            return null;
        }
    }

    private ObjectId remoteBranch(PushRequest r, String ref) {
        try {
            for (Ref x : Git.lsRemoteRepository().setRemote(r.remoteUrl()).setHeads(true)
                    .setCredentialsProvider(BaseCache.credentialsProvider(r.credentials()))
                    .setTimeout((int) Math.max(1, config.timeout().toSeconds())).call()) {
                if (x.getName().equals(ref)) {
                    return x.getObjectId();
                }
            }
            return null;
        } catch (GitAPIException | RuntimeException e) {
            throw RemoteErrors.translate(e, "cannot list the branches of", r.remoteUrl(), r.credentials());
        }
    }

    private static void checkUrl(String url) {
        URIish u;
        try {
            u = new URIish(url);
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("invalid remote URL");
        }
        String scheme = u.getScheme() == null ? "file" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!List.of("file", "http", "https").contains(scheme)) {
            throw new InvalidRequestException("unsupported remote URL scheme " + scheme + ": use https or file");
        }
        if (u.getPass() != null || (u.getUser() != null && !scheme.equals("file"))) {
            throw new InvalidRequestException("the remote URL must not carry credentials: pass a RemoteCredentials token");
        }
    }

    /** Closes the cached repositories (the directory stays, for the next engine) and ends the helper threads. */
    @Override
    public void close() {
        cache.close();
        parallel.close();
    }
}
