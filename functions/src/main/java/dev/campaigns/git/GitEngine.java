package dev.campaigns.git;

import static org.eclipse.jgit.lib.Constants.OBJ_COMMIT;

import dev.campaigns.blob.BlobStore;
import java.io.IOException;
import java.net.URISyntaxException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.CommitConfig;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
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
 * The push sends the stored bundle's pack verbatim over git's receive-pack protocol ({@link PackPushTransport}),
 * so the push step needs neither the base nor its trees; only when the remote no longer advertises the base
 * does it complete the base in its cache and push with JGit ({@link JGitPushTransport}). The rule and what a
 * failed push means live in {@link BranchPush}.
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
public final class GitEngine implements GitOperations, AutoCloseable {
    /** Folder levels fetched one request each before asking for all the base's trees at once. */
    private static final int MAX_FETCHED_LEVELS = 12;
    private final GitEngineConfig config;
    private final BlobStore bundles;
    private final BaseCache cache;
    /** The helper threads of large commits (pre-apply, bundle deflate), sized by {@link GitEngineConfig#parallelism()}. */
    private final ParallelWork parallel;
    /** The push rule over the configured transports. */
    private final BranchPush pusher;

    public GitEngine(GitEngineConfig config, BlobStore bundles) {
        this.config = config;
        this.bundles = bundles;
        int timeoutSeconds = (int) Math.max(1, config.timeout().toSeconds());
        this.cache = new BaseCache(config.cacheDir(), timeoutSeconds, config.cacheMaxBytes());
        this.parallel = ParallelWork.pool(config.parallelism());
        PushTransport jgit = new JGitPushTransport(cache, timeoutSeconds);
        List<PushTransport> transports = switch (config.pushMode()) {
            case PACK -> List.of(new PackPushTransport(config.timeout()), jgit);
            case JGIT -> List.of(jgit);
        };
        this.pusher = new BranchPush(transports, BranchPush.lsRemote(timeoutSeconds), Thread::sleep);
    }

    /** Dry run: resolves the base, checks and applies the patch in memory, computes the commit; stores nothing. */
    @Override
    public CommitResult preview(CommitRequest r) {
        return translated("cannot make a commit on", r.remoteUrl(), r.credentials(), () -> make(r, false));
    }

    /** As {@link #preview}, and stores the commit's bundle under {@code commit/<sha>} (idempotent). */
    @Override
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
        // the base cache's repository of this remote is ours until the commit is made (never evicted under us)
        try (CacheFolder.Lease lease = cache.lease(r.remoteUrl())) {
            Repository repo = lease.repo();
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
    @Override
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
        return pusher.push(r, ref, bundle);
    }

    /**
     * The commit the branch {@code refs/heads/<branch>} points at in the remote, or empty when the remote has no
     * such branch: one {@code git ls-remote --heads}, nothing fetched.
     */
    @Override
    public java.util.Optional<String> branchTip(String remoteUrl, RemoteCredentials token, String branch) {
        RemoteCredentials credentials = token == null ? RemoteCredentials.none() : token;
        return translated("cannot list the branches of", remoteUrl, credentials, () -> {
            checkUrl(remoteUrl);
            String ref = Constants.R_HEADS + branch;
            if (!Repository.isValidRefName(ref)) {
                throw new InvalidRequestException("invalid branch name: " + branch);
            }
            int timeoutSeconds = (int) Math.max(1, config.timeout().toSeconds());
            ObjectId tip = BranchPush.branchAt(remoteUrl, credentials, ref, timeoutSeconds);
            return java.util.Optional.ofNullable(tip).map(ObjectId::name);
        });
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
