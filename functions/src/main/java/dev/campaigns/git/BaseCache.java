package dev.campaigns.git;

import dev.campaigns.util.Digests;
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
import org.eclipse.jgit.lib.StoredConfig;
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
 * <p><b>Eviction.</b> The cache is disposable (a Lambda's {@code /tmp} dies with its container), but a warm
 * container's {@code /tmp} is small (512 MB under SnapStart) and would otherwise fill with the bases of every
 * repository it served. Every use of a repository is a {@link Lease} ({@link #lease}); when a lease ends and after
 * each fetch, the least recently used repositories that no lease holds are removed until the cache is within
 * {@code maxBytes} ({@link CacheBudget}). A repository in use is never removed under a running commit or push;
 * one removed is fetched again when next needed. A removed folder is first renamed (atomic, under the cache's
 * lock, so no new lease can see it half deleted), then deleted. Folders left by an earlier engine or process
 * are measured once and count as older than anything this engine used. The guarantee is for the users of one
 * engine (one JVM); processes sharing one cache folder may remove each other's repositories.
 */
final class BaseCache implements AutoCloseable {
    static final String BASE_REFS = "refs/campaigns/base/";

    /** Folders being deleted after eviction (renamed first) start with this. */
    private static final String EVICTED = ".evicted-";

    private final Path dir;
    private final int timeoutSeconds;
    private final long maxBytes;
    /** Guards {@link #slots}, {@link #tick} and {@link #scanned}. */
    private final Object state = new Object();
    /** The cache's repositories by folder name, including those found on disk and not yet used. */
    private final Map<String, Slot> slots = new java.util.HashMap<>();
    private long tick;
    private boolean scanned;
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
        this.maxBytes = maxBytes;
    }

    static CredentialsProvider credentialsProvider(RemoteCredentials c) {
        return c.present() ? new UsernamePasswordCredentialsProvider("x-access-token", c.token()) : null;
    }

    Path directoryFor(String url) {
        return dir.resolve(hash(url) + ".git");
    }

    /** One cached repository: its folder, the remote it holds (null for a folder found on disk), its users. */
    private static final class Slot {
        final String name;
        final Path gitDir;
        String url;
        Repository repo;
        int users;
        long lastUse;
        long bytes;

        Slot(String name, Path gitDir) {
            this.name = name;
            this.gitDir = gitDir;
        }
    }

    /**
     * A use of one remote's cache repository (a commit, a JGit push): while any lease on it is open, it is not
     * evicted. Every method that reads or fetches into the repository of a URL needs one. Closing it (once) may
     * evict other repositories.
     */
    final class Lease implements AutoCloseable {
        private final Slot slot;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        private Lease(Slot slot) {
            this.slot = slot;
        }

        /** The cache repository (bare, shallow bases). */
        Repository repo() {
            return slot.repo;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                synchronized (state) {
                    slot.users--;
                    slot.lastUse = ++tick;
                }
                evict(slot);
            }
        }
    }

    /** A lease on the cache repository of {@code url}, created (an empty bare repository) on first use. */
    Lease lease(String url) {
        synchronized (state) {
            Slot slot = slots.computeIfAbsent(directoryFor(url).getFileName().toString(), n -> new Slot(n, dir.resolve(n)));
            if (slot.repo == null) {
                slot.repo = open(slot.gitDir);
            }
            slot.url = url;
            slot.users++;
            slot.lastUse = ++tick;
            return new Lease(slot);
        }
    }

    private static Repository open(Path gitDir) {
        try {
            Files.createDirectories(gitDir.getParent());
            if (!Files.exists(gitDir.resolve("config"))) {
                Git.init().setBare(true).setGitDir(gitDir.toFile()).setDirectory(gitDir.toFile()).call().close();
            }
            Repository r = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setBare().build();
            StoredConfig cfg = r.getConfig();
            cfg.setInt("gc", null, "auto", 0);
            cfg.setBoolean("core", null, "logAllRefUpdates", false);
            cfg.save();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the base cache " + gitDir, e);
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot create the base cache " + gitDir, e);
        }
    }

    /** The repository of {@code url}, which the caller holds a lease on. */
    private Repository repo(String url) {
        synchronized (state) {
            Slot slot = slots.get(directoryFor(url).getFileName().toString());
            if (slot == null || slot.users == 0 || slot.repo == null) {
                throw new IllegalStateException("the cache repository of a remote is used without a lease");
            }
            return slot.repo;
        }
    }

    /**
     * Measures {@code changed} (null: nothing changed), then removes the least recently used repositories no
     * lease holds until the cache is within its budget. Sizes are read outside the lock; the removal (closing the
     * repository, renaming its folder) under it; the deletion of the renamed folders outside it again.
     */
    private void evict(Slot changed) {
        if (maxBytes == Long.MAX_VALUE) {
            return;
        }
        long size = changed == null ? 0 : sizeOf(changed.gitDir);
        List<Path> renamed = new java.util.ArrayList<>();
        synchronized (state) {
            if (changed != null && slots.get(changed.name) == changed) {
                changed.bytes = size;
            }
            scanOnce();
            List<CacheBudget.Entry> entries = new java.util.ArrayList<>();
            for (Slot s : slots.values()) {
                entries.add(new CacheBudget.Entry(s.name, s.bytes, s.lastUse, s.users > 0));
            }
            for (CacheBudget.Entry victim : CacheBudget.victims(entries, maxBytes)) {
                Slot s = slots.remove(victim.name());
                if (s.repo != null) {
                    s.repo.close();
                }
                Path to = dir.resolve(EVICTED + s.name + "-" + (++tick));
                try {
                    Files.move(s.gitDir, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    renamed.add(to);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // deleted by someone else already
                } catch (IOException e) {
                    deleteTree(s.gitDir); // cannot rename: delete in place, while no lease can be taken
                }
            }
        }
        renamed.forEach(BaseCache::deleteTree);
    }

    /** The slot of {@code url}'s repository, if any. */
    private Slot slotOf(String url) {
        synchronized (state) {
            return slots.get(directoryFor(url).getFileName().toString());
        }
    }

    /**
     * Once per cache: the repositories an earlier engine or process left in the folder, measured, older than
     * anything used here (in the order of their folders' times); leftovers of an interrupted eviction deleted.
     */
    private void scanOnce() {
        if (scanned) {
            return;
        }
        scanned = true;
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> found = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> list = Files.list(dir)) {
            list.forEach(p -> {
                String name = p.getFileName().toString();
                if (name.startsWith(EVICTED)) {
                    deleteTree(p);
                } else if (name.endsWith(".git") && Files.isDirectory(p) && !slots.containsKey(name)) {
                    found.add(p);
                }
            });
        } catch (IOException e) {
            return; // nothing to learn: only what this engine uses is evicted
        }
        found.sort(java.util.Comparator.comparing(BaseCache::modified));
        for (int i = 0; i < found.size(); i++) {
            Path p = found.get(i);
            Slot slot = new Slot(p.getFileName().toString(), p);
            slot.bytes = sizeOf(p);
            slot.lastUse = i - found.size(); // negative: older than every use here
            slots.put(slot.name, slot);
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** The bytes of the files under {@code p} (0 if it is gone). */
    static long sizeOf(Path p) {
        long[] total = {0};
        try {
            Files.walkFileTree(p, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                    total[0] += attrs.size();
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE; // deleted meanwhile
                }
            });
        } catch (IOException e) {
            // gone, or unreadable: counts as what was seen
        }
        return total[0];
    }

    private static void deleteTree(Path p) {
        try (java.util.stream.Stream<Path> walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException ignored) {
                    // best effort: a later scan deletes what is left
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
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
        try (FileChannel ch = FileChannel.open(dir.resolve(hash(url) + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
            return body.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
            evict(slotOf(url));
        }
    }

    private static String hash(String url) {
        return Digests.sha256Hex(url, 12);
    }

    /** Closes the repositories (their folders stay, for the next engine). */
    @Override
    public void close() {
        synchronized (state) {
            for (Slot s : slots.values()) {
                if (s.repo != null) {
                    s.repo.close();
                    s.repo = null;
                }
            }
        }
    }
}
