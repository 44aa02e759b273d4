package dev.campaigns.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.internal.JGitText;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FilterSpec;
import org.eclipse.jgit.transport.PackLock;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * The per-process cache of fetched bases: one bare repository on disk per remote URL, holding shallow
 * (depth 1) copies of the base commits asked for so far. Warm invocations, and the push step running in the
 * same container after the commit step, find their base here and fetch nothing.
 *
 * <p>Bases are partial when the server allows it (GitHub does): the commit with all its trees
 * ({@link Scope#TREES}, what a push needs) or with its root tree only ({@link Scope#ROOT}, then
 * {@link #ensureTrees} for the trees on a patch's paths), then {@link #ensureBlobs} fetches by id only the
 * blobs a patch reads, so a one-file change costs about the same in a repository of 1,000 files or 200,000.
 * A server that refuses the filter, or objects by id, gets the whole snapshot instead (the earlier behaviour).
 *
 * <p>On disk rather than in memory because JGit cannot push from a shallow in-memory repository. Fetches into
 * one repository are serialised (a JVM lock plus a file lock, for several processes sharing the directory);
 * reads are concurrent. Every fetched base keeps a ref ({@code refs/campaigns/base/<sha>}) so later fetches
 * of newer bases of the same repository negotiate against it and receive only what changed.
 *
 * <p>JGit's push ({@link JGitPushTransport}, the fallback) imports a commit's bundle here too and pushes from
 * here, so the shallow base and the new objects meet without copying.
 *
 * <p>The repositories live in a {@link CacheFolder}: every use of one is a lease, and after each use and each
 * fetch the least recently used ones no lease holds are evicted to keep the folder within its budget.
 */
final class BaseCache implements AutoCloseable {
    static final String BASE_REFS = "refs/campaigns/base/";

    private final Path dir;
    private final int timeoutSeconds;
    /** The repositories on disk: leases and eviction. */
    private final CacheFolder folder;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Remotes that refused a filtered fetch: asked for whole snapshots from then on. */
    private final java.util.Set<String> unfiltered = ConcurrentHashMap.newKeySet();
    private static final FilterSpec BLOBS_NONE = filter("blob:none");
    private static final FilterSpec ROOT_TREE_ONLY = filter("tree:1");
    /**
     * Above this many blobs, a base's whole snapshot is fetched instead of the blobs by id: a server packs a
     * snapshot (paths known, deltas reused) more cheaply than a long list of unrelated blobs.
     */
    static final int BY_ID_LIMIT = 100;

    private static FilterSpec filter(String line) {
        try {
            return FilterSpec.fromFilterLine(line);
        } catch (org.eclipse.jgit.errors.PackProtocolException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A cache without an eviction budget (as good as unbounded). */
    BaseCache(Path dir, int timeoutSeconds) {
        this(dir, timeoutSeconds, Long.MAX_VALUE);
    }

    /** A cache under {@code dir}, kept to at most {@code maxBytes} on disk outside the repositories in use. */
    BaseCache(Path dir, int timeoutSeconds, long maxBytes) {
        this.dir = dir;
        this.timeoutSeconds = timeoutSeconds;
        this.folder = new CacheFolder(dir, maxBytes);
    }

    static CredentialsProvider credentialsProvider(RemoteCredentials c) {
        return c.present() ? new UsernamePasswordCredentialsProvider("x-access-token", c.token()) : null;
    }

    Path directoryFor(String url) {
        return folder.directoryFor(url);
    }

    /** A lease on the cache repository of {@code url} (see {@link CacheFolder}): needed by every method below. */
    CacheFolder.Lease lease(String url) {
        return folder.lease(url);
    }

    private Repository repo(String url) {
        return folder.repo(url);
    }

    /**
     * The commit {@code revision} names in the remote (a full SHA, a branch, a tag or HEAD), fetched with depth
     * 1 unless the cache has it already.
     */
    ObjectId ensureCommit(String url, RemoteCredentials credentials, String revision) {
        return ensureCommit(url, credentials, revision, Scope.TREES);
    }

    /** How much of a base a fetch brings (when the server allows filters; else always the snapshot). */
    enum Scope {
        /** The commit and its whole snapshot: for patches that read many files. */
        SNAPSHOT(null),
        /**
         * The commit and all its trees ({@code blob:none}): what a JGit push needs, now only the fallback push
         * to a remote that no longer advertises the base (the usual push sends the bundle's pack, see
         * {@link PackPush}).
         */
        TREES(BLOBS_NONE),
        /** The commit and its root tree ({@code tree:1}): the commit step then fetches the trees on its paths. */
        ROOT(ROOT_TREE_ONLY);

        final FilterSpec filter;

        Scope(FilterSpec filter) {
            this.filter = filter;
        }
    }

    /**
     * As {@link #ensureCommit(String, RemoteCredentials, String)}, fetching {@code scope} of a base not yet
     * cached (a cached base is returned as it is: see {@link #ensureTrees} and {@link #ensureAllTrees}).
     */
    ObjectId ensureCommit(String url, RemoteCredentials credentials, String revision, Scope scope) {
        Repository repo = repo(url);
        boolean isSha = ObjectId.isId(revision.toLowerCase(java.util.Locale.ROOT));
        if (isSha) {
            ObjectId id = ObjectId.fromString(revision.toLowerCase(java.util.Locale.ROOT));
            if (hasCommit(repo, id)) {
                return id;
            }
            return underLock(url, () -> {
                if (!hasCommit(repo, id)) {
                    if (fetch(repo, url, credentials, new RefSpec("+" + id.name() + ":" + BASE_REFS + id.name()), revision, scope)) {
                        markAllTrees(repo, id);
                    }
                }
                if (!hasCommit(repo, id)) {
                    throw new RevisionNotFoundException("revision " + id.name() + " is not a commit of " + Redaction.scrub(url, credentials));
                }
                return id;
            });
        }
        Ref ref = resolveRemoteRef(url, credentials, revision);
        ObjectId advertised = ref.getPeeledObjectId() != null ? ref.getPeeledObjectId() : ref.getObjectId();
        if (hasCommit(repo, advertised)) {
            return advertised;
        }
        return underLock(url, () -> {
            String local = BASE_REFS + "by-name/" + ref.getName().replaceFirst("^refs/", "");
            boolean allTrees = fetch(repo, url, credentials, new RefSpec("+" + ref.getName() + ":" + local), revision, scope);
            try (RevWalk rw = new RevWalk(repo)) {
                Ref fetched = repo.exactRef(local);
                if (fetched == null) {
                    throw new RevisionNotFoundException("revision " + revision + " was not fetched from " + Redaction.scrub(url, credentials));
                }
                RevCommit c = rw.parseCommit(fetched.getObjectId());
                if (allTrees) {
                    markAllTrees(repo, c);
                }
                try {
                    var u = repo.updateRef(BASE_REFS + c.name());
                    u.setNewObjectId(c);
                    u.forceUpdate();
                } catch (IOException ignored) {
                    // only an optimisation for later negotiations
                }
                return c.copy();
            } catch (IOException e) {
                throw new RevisionNotFoundException("revision " + revision + " does not name a commit of " + Redaction.scrub(url, credentials));
            }
        });
    }

    private Ref resolveRemoteRef(String url, RemoteCredentials credentials, String revision) {
        Collection<Ref> refs;
        try {
            refs = Git.lsRemoteRepository().setRemote(url).setCredentialsProvider(credentialsProvider(credentials))
                    .setTimeout(timeoutSeconds).setHeads(false).setTags(false).call();
        } catch (GitAPIException | RuntimeException e) {
            throw RemoteErrors.translate(e, "cannot list the refs of", url, credentials);
        }
        for (String candidate : List.of(revision, Constants.R_REFS + revision, Constants.R_TAGS + revision,
                Constants.R_HEADS + revision, Constants.R_REMOTES + revision)) {
            for (Ref r : refs) {
                if (r.getName().equals(candidate)) {
                    return r;
                }
            }
        }
        throw new RevisionNotFoundException("revision " + revision + " not found in " + Redaction.scrub(url, credentials)
                + (revision.matches("[0-9a-fA-F]{4,39}") ? " (abbreviated SHAs are not supported: give all 40 digits)" : ""));
    }

    /**
     * Fetches {@code spec} with depth 1: {@code scope} of it when the server allows filters, else the whole
     * snapshot. A server that refuses the filter is remembered (per URL, for the life of the process) and asked
     * without it. Returns whether all the commit's trees were fetched.
     */
    private boolean fetch(Repository repo, String url, RemoteCredentials credentials, RefSpec spec, String revision,
                          Scope scope) {
        FilterSpec filter = unfiltered.contains(url) ? null : scope.filter;
        try {
            fetchOnce(repo, url, credentials, spec, filter);
            return filter == null || scope != Scope.ROOT;
        } catch (org.eclipse.jgit.errors.TransportException | RuntimeException e) {
            if (filter != null && refusedFilter(e)) {
                unfiltered.add(url);
                try {
                    fetchOnce(repo, url, credentials, spec, null);
                    return true;
                } catch (org.eclipse.jgit.errors.TransportException | RuntimeException again) {
                    throw translateFetch(again, url, credentials, revision);
                }
            }
            throw translateFetch(e, url, credentials, revision);
        }
    }

    private void fetchOnce(Repository repo, String url, RemoteCredentials credentials, RefSpec spec, FilterSpec filter)
            throws org.eclipse.jgit.errors.TransportException {
        try (Transport t = LocalPipeTransport.connect(repo, url)) {
            configure(t, credentials);
            t.setDepth(1);
            t.setTagOpt(TagOpt.NO_TAGS);
            if (filter != null) {
                t.setFilterSpec(filter);
            }
            t.fetch(NullProgressMonitor.INSTANCE, List.of(spec));
        } catch (java.net.URISyntaxException e) {
            throw new InvalidRequestException("invalid remote URL: " + Redaction.scrub(url, credentials));
        } catch (org.eclipse.jgit.errors.NotSupportedException e) {
            throw new InvalidRequestException("unsupported remote URL: " + Redaction.scrub(url, credentials), Redaction.copy(e, credentials));
        }
    }

    private void configure(Transport t, RemoteCredentials credentials) {
        t.setCredentialsProvider(credentialsProvider(credentials));
        t.setTimeout(timeoutSeconds);
    }

    private static boolean refusedFilter(Throwable e) {
        String refused = JGitText.get().filterRequiresCapability;
        for (Throwable x = e; x != null && x != x.getCause(); x = x.getCause()) {
            if (x.getMessage() != null && x.getMessage().contains(refused)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a fetch by id failed because the server refuses objects by id (then: the snapshot instead). */
    private static boolean refusedObjects(GitEngineException g) {
        return g instanceof RevisionNotFoundException || g instanceof InvalidRequestException;
    }

    private GitEngineException translateFetch(Throwable e, String url, RemoteCredentials credentials, String revision) {
        GitEngineException g = RemoteErrors.translate(e, "cannot fetch " + revision + " from", url, credentials);
        if (g.kind() != GitEngineException.Kind.PERMANENT && ObjectId.isId(revision) && localRemoteLacks(url, ObjectId.fromString(revision))) {
            // a file:// remote reports an unknown id only as a closed pipe: look for ourselves
            return new RevisionNotFoundException("revision " + revision + " not found in " + url);
        }
        return g;
    }

    /**
     * Makes the blobs {@code ids} of the base {@code base} present in the cache: those missing (a base
     * fetched without blobs) are fetched by id, all in one request that names them and nothing else (no
     * "have" lines: the cache's bases are partial, the server must not assume we hold their blobs). A server
     * that will not serve objects by id, or more than {@link #BY_ID_LIMIT} blobs, get the base's whole
     * snapshot instead.
     */
    void ensureBlobs(String url, RemoteCredentials credentials, ObjectId base, Collection<? extends ObjectId> ids) {
        Repository repo = repo(url);
        if (missing(repo, ids).isEmpty()) {
            return;
        }
        underLock(url, () -> {
            List<ObjectId> want = missing(repo, ids);
            if (want.isEmpty()) {
                return null;
            }
            try {
                if (want.size() <= BY_ID_LIMIT) {
                    // tree:1 keeps every wanted object (each is at depth 0) and tells a JGit server not to
                    // load the pack's reachability bitmaps for a handful of blobs
                    fetchObjects(repo, url, credentials, want, false, unfiltered.contains(url) ? null : ROOT_TREE_ONLY);
                }
            } catch (org.eclipse.jgit.errors.TransportException | RuntimeException e) {
                GitEngineException g = RemoteErrors.translate(e, "cannot fetch " + want.size() + " file(s) of " + base.name() + " from", url, credentials);
                if (!refusedObjects(g)) {
                    throw g;
                }
                // e.g. "want ... not valid": the server serves advertised refs only
            }
            if (!missing(repo, want).isEmpty()) {
                try {
                    fetchObjects(repo, url, credentials, List.of(base), true, null);
                } catch (org.eclipse.jgit.errors.TransportException | RuntimeException e) {
                    throw translateFetch(e, url, credentials, base.name());
                }
                markAllTrees(repo, base);
                if (!missing(repo, want).isEmpty()) {
                    throw new RevisionNotFoundException("the files of " + base.name() + " could not be fetched from "
                            + Redaction.scrub(url, credentials));
                }
            }
            return null;
        });
    }

    /**
     * Makes the whole snapshot of {@code base} present (every blob of its tree): needed only to push when the
     * remote no longer advertises the base, because then the push sends the base tree's objects too.
     */
    void ensureComplete(String url, RemoteCredentials credentials, ObjectId base) {
        ensureAllTrees(url, credentials, base);
        Repository repo = repo(url);
        List<ObjectId> blobs = new java.util.ArrayList<>();
        try (RevWalk rw = new RevWalk(repo); org.eclipse.jgit.treewalk.TreeWalk tw = new org.eclipse.jgit.treewalk.TreeWalk(repo)) {
            tw.addTree(rw.parseCommit(base).getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                if (tw.getFileMode(0).getObjectType() == Constants.OBJ_BLOB) {
                    blobs.add(tw.getObjectId(0));
                }
            }
        } catch (IOException e) {
            throw new RemoteUnavailableException("cannot read the base " + base.name() + " from the cache: " + e.getMessage(), e);
        }
        ensureBlobs(url, credentials, base, blobs);
    }

    /**
     * Makes the trees {@code ids} of the base {@code base} present: fetched by id with the {@code tree:1}
     * filter (each tree alone, without its subtrees or blobs); if the server does not deliver them, all the
     * base's trees.
     */
    void ensureTrees(String url, RemoteCredentials credentials, ObjectId base, Collection<? extends ObjectId> ids) {
        Repository repo = repo(url);
        if (missing(repo, ids).isEmpty()) {
            return;
        }
        underLock(url, () -> {
            List<ObjectId> want = missing(repo, ids);
            if (!want.isEmpty() && !unfiltered.contains(url)) {
                try {
                    fetchObjects(repo, url, credentials, want, false, ROOT_TREE_ONLY);
                } catch (org.eclipse.jgit.errors.TransportException | RuntimeException e) {
                    GitEngineException g = RemoteErrors.translate(e, "cannot fetch " + want.size() + " folder(s) of " + base.name() + " from", url, credentials);
                    if (!refusedObjects(g)) {
                        throw g;
                    }
                }
            }
            if (!missing(repo, want).isEmpty()) {
                allTreesLocked(repo, url, credentials, base);
            }
            return null;
        });
    }

    /** Makes all the trees of {@code base} present (a push walks them): nothing to do once they are. */
    void ensureAllTrees(String url, RemoteCredentials credentials, ObjectId base) {
        Repository repo = repo(url);
        if (Files.exists(allTreesMarker(repo, base))) {
            return;
        }
        underLock(url, () -> {
            if (!Files.exists(allTreesMarker(repo, base))) {
                allTreesLocked(repo, url, credentials, base);
            }
            return null;
        });
    }

    private void allTreesLocked(Repository repo, String url, RemoteCredentials credentials, ObjectId base) {
        FilterSpec filter = unfiltered.contains(url) ? null : BLOBS_NONE;
        try {
            try {
                fetchObjects(repo, url, credentials, List.of(base), true, filter);
            } catch (org.eclipse.jgit.errors.TransportException | RuntimeException e) {
                if (filter == null || !refusedFilter(e)) {
                    throw e;
                }
                unfiltered.add(url);
                fetchObjects(repo, url, credentials, List.of(base), true, null);
            }
        } catch (org.eclipse.jgit.errors.TransportException | RuntimeException e) {
            throw translateFetch(e, url, credentials, base.name());
        }
        markAllTrees(repo, base);
    }

    private static Path allTreesMarker(Repository repo, ObjectId base) {
        return repo.getDirectory().toPath().resolve("campaigns-all-trees").resolve(base.name());
    }

    /** Records that every tree of {@code base} is in the cache (after a fetch that brought them all). */
    private static void markAllTrees(Repository repo, ObjectId base) {
        Path marker = allTreesMarker(repo, base);
        try {
            Files.createDirectories(marker.getParent());
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
        } catch (IOException e) {
            // only an optimisation: without the marker, a push fetches the trees again
        }
    }

    private static List<ObjectId> missing(Repository repo, Collection<? extends ObjectId> ids) {
        List<ObjectId> out = new java.util.ArrayList<>();
        try {
            for (ObjectId id : new java.util.LinkedHashSet<>(ids)) {
                if (!repo.getObjectDatabase().has(id)) {
                    out.add(id);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Fetches exactly {@code ids} (or, with {@code snapshot}, the commit {@code ids[0]} with depth 1 and its
     * whole tree) through a ref-less view of the cache repository: same object directory, no refs, so the
     * request carries no "have" lines.
     */
    private void fetchObjects(Repository repo, String url, RemoteCredentials credentials, List<ObjectId> ids, boolean snapshot,
                              FilterSpec filter) throws org.eclipse.jgit.errors.TransportException {
        java.io.File viewDir = new java.io.File(repo.getDirectory(), "campaigns-object-view");
        try (Repository view = new FileRepositoryBuilder().setGitDir(viewDir).setObjectDirectory(new java.io.File(repo.getDirectory(), "objects"))
                .setBare().build();
             Transport t = LocalPipeTransport.connect(view, url)) {
            java.nio.file.Files.createDirectories(viewDir.toPath());
            configure(t, credentials);
            t.setTagOpt(TagOpt.NO_TAGS);
            if (snapshot) {
                t.setDepth(1);
            }
            if (filter != null) {
                t.setFilterSpec(filter);
            }
            List<Ref> want = new java.util.ArrayList<>(ids.size());
            for (ObjectId id : ids) {
                want.add(new ObjectIdRef.Unpeeled(Ref.Storage.NETWORK, id.name(), id));
            }
            try (FetchConnection c = t.openFetch()) {
                try {
                    c.fetch(NullProgressMonitor.INSTANCE, want, java.util.Set.of());
                } finally {
                    for (PackLock lock : c.getPackLocks()) {
                        lock.unlock();
                    }
                }
            }
        } catch (java.net.URISyntaxException e) {
            throw new InvalidRequestException("invalid remote URL: " + Redaction.scrub(url, credentials));
        } catch (org.eclipse.jgit.errors.TransportException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean localRemoteLacks(String url, ObjectId id) {
        try {
            org.eclipse.jgit.transport.URIish u = new org.eclipse.jgit.transport.URIish(url);
            if (u.getScheme() != null && !u.getScheme().equals("file")) {
                return false;
            }
            java.io.File gitDir = org.eclipse.jgit.lib.RepositoryCache.FileKey.resolve(new java.io.File(u.getPath()),
                    org.eclipse.jgit.util.FS.DETECTED);
            if (gitDir == null) {
                return false;
            }
            try (Repository remote = new FileRepositoryBuilder().setGitDir(gitDir).setMustExist(true).build()) {
                return !remote.getObjectDatabase().has(id);
            }
        } catch (java.net.URISyntaxException | IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean hasCommit(Repository repo, ObjectId id) {
        try (RevWalk rw = new RevWalk(repo)) {
            RevCommit c = rw.parseCommit(id);
            return repo.getObjectDatabase().has(c.getTree());
        } catch (MissingObjectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private interface Locked<T> {
        T run();
    }

    /** Runs a fetch into {@code url}'s repository under its locks; then keeps the cache within its budget. */
    private <T> T underLock(String url, Locked<T> body) {
        ReentrantLock lock = locks.computeIfAbsent(url, u -> new ReentrantLock());
        lock.lock();
        try (FileChannel ch = FileChannel.open(dir.resolve(CacheFolder.key(url) + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
            return body.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
            folder.evictAfterChange(url);
        }
    }


    /** Closes the repositories (their folders stay, for the next engine). */
    @Override
    public void close() {
        folder.close();
    }
}
