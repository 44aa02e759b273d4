package dev.campaigns.infra.codehost;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * One repository on the local code host: its git storage, pull requests, check runs and commit statuses. State only
 * (no HTTP, no JSON); {@link CodeHostState} changes it. Changes are serialised on the instance (GitHub makes "one
 * open pull request per head and base" atomic; so does this).
 */
final class HostedRepository {

    private static final AtomicLong IDS = new AtomicLong(1000);

    final long id = IDS.incrementAndGet();
    final String owner;
    final String name;
    final Repository git;
    final Instant createdAt;
    final List<PullRequestState> pulls = new ArrayList<>();
    final LinkedHashSet<String> labels = new LinkedHashSet<>();
    /** The repository's topics (GitHub's rules: lowercase letters, digits and hyphens; at most 20). */
    final List<String> topics = new ArrayList<>();
    /** Check runs by head SHA, in creation order. */
    final Map<String, List<CheckRun>> checkRuns = new HashMap<>();
    /** Commit statuses by SHA, oldest first (GitHub lists them newest first). */
    final Map<String, List<CommitStatus>> statuses = new HashMap<>();

    /** A check run on a commit: status queued/in_progress/completed and, when completed, a conclusion. */
    record CheckRun(long id, String name, String headSha, String status, String conclusion, Instant startedAt,
                    Instant completedAt) {
    }

    /** A submitted review. */
    /** A comment on a pull request (GitHub's issue comment, GitLab's note, Bitbucket's comment). */
    record Comment(long id, String login, String body, Instant createdAt) {
    }

    record Review(long id, String login, String state, String body, String commitId, Instant submittedAt) {
    }

    /** A commit status: state error/failure/pending/success, set by {@code creator} under {@code context}. */
    record CommitStatus(long id, String sha, String state, String context, String description, String targetUrl,
                        String creator, Instant createdAt) {
    }

    HostedRepository(String owner, String name, Repository git, Instant createdAt) {
        this.owner = owner;
        this.name = name;
        this.git = git;
        this.createdAt = createdAt;
    }

    String fullName() {
        return owner + "/" + name;
    }

    /** The commit {@code ref} names: a full SHA of a commit here, else a branch, else a tag. */
    Optional<String> resolve(String ref) {
        try {
            if (ref.matches("[0-9a-f]{40}")) {
                return git.getObjectDatabase().has(ObjectId.fromString(ref)) ? Optional.of(ref) : Optional.empty();
            }
            Ref r = git.exactRef(Constants.R_HEADS + ref);
            if (r == null) {
                r = git.exactRef(Constants.R_TAGS + ref);
            }
            return Optional.ofNullable(r).map(Ref::getObjectId).map(ObjectId::name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot resolve " + ref + " in " + fullName(), e);
        }
    }

    /** What a {@code status} delivery tells of a commit. */
    record CommitInfo(String authorName, String authorEmail, Instant when, String message, String tree,
                      List<String> parents) {
    }

    CommitInfo commitInfo(String sha) {
        try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(git)) {
            org.eclipse.jgit.revwalk.RevCommit c = walk.parseCommit(ObjectId.fromString(sha));
            List<String> parents = new ArrayList<>();
            for (org.eclipse.jgit.revwalk.RevCommit p : c.getParents()) {
                parents.add(p.name());
            }
            return new CommitInfo(c.getAuthorIdent().getName(), c.getAuthorIdent().getEmailAddress(),
                    c.getAuthorIdent().getWhenAsInstant(), c.getFullMessage(), c.getTree().name(), parents);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read commit " + sha + " in " + fullName(), e);
        }
    }

    /** The branches whose tip is {@code sha}. */
    List<String> branchesAt(String sha) {
        try {
            List<String> out = new ArrayList<>();
            for (Ref ref : git.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                if (ref.getObjectId() != null && ref.getObjectId().name().equals(sha)) {
                    out.add(ref.getName().substring(Constants.R_HEADS.length()));
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list branches of " + fullName(), e);
        }
    }

    PullRequestState pull(int number) {
        return pulls.stream().filter(p -> p.number == number).findFirst().orElse(null);
    }

    Optional<String> branchTip(String branch) {
        try {
            Ref ref = git.exactRef(Constants.R_HEADS + branch);
            return Optional.ofNullable(ref).map(Ref::getObjectId).map(ObjectId::name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + fullName() + " branch " + branch, e);
        }
    }

    static long nextId() {
        return IDS.incrementAndGet();
    }

    /** Mutable state of one pull request; guarded by the owning repository's monitor. */
    static final class PullRequestState {
        final int number;
        final long id;
        final String headRef;
        String baseRef;
        String title;
        String body;
        boolean open = true;
        boolean merged;
        final boolean draft;
        String headSha;
        final String author;
        final Instant createdAt;
        Instant updatedAt;
        Instant closedAt;
        Instant mergedAt;
        String mergedBy;
        String mergeCommitSha;
        final LinkedHashSet<String> labels = new LinkedHashSet<>();
        final LinkedHashSet<String> reviewers = new LinkedHashSet<>();
        final List<Review> reviews = new ArrayList<>();
        final List<Comment> comments = new ArrayList<>();
        /** How it was merged: merge, squash or rebase (null while not merged by the API). */
        String mergeMethod;

        PullRequestState(int number, String headRef, String baseRef, String title, String body, boolean draft,
                         String headSha, String author, Instant createdAt) {
            this.number = number;
            this.id = IDS.incrementAndGet();
            this.headRef = headRef;
            this.baseRef = baseRef;
            this.title = title;
            this.body = body;
            this.draft = draft;
            this.headSha = headSha;
            this.author = author;
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
        }
    }

    /** Current head SHA: the branch tip while open (GitHub follows pushes), the last seen one once closed. */
    String headSha(PullRequestState pr) {
        if (pr.open) {
            branchTip(pr.headRef).ifPresent(sha -> pr.headSha = sha);
        }
        return pr.headSha;
    }

    LocalPullRequest snapshot(PullRequestState pr) {
        return new LocalPullRequest(fullName(), pr.number, pr.open ? "open" : "closed", pr.merged, pr.title, pr.body,
                pr.headRef, pr.baseRef, headSha(pr), pr.draft, List.copyOf(pr.labels), List.copyOf(pr.reviewers),
                pr.author, pr.createdAt);
    }
}
