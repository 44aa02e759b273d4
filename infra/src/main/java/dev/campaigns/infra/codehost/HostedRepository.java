package dev.campaigns.infra.codehost;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * One repository on the local code host: its git storage and its pull requests. Pull request changes are
 * serialised on the instance (GitHub makes "one open pull request per head and base" atomic; so does this).
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
    /** Check runs by head SHA, in creation order. */
    final java.util.Map<String, List<CheckRun>> checkRuns = new java.util.HashMap<>();

    /** A check run on a commit: status queued/in_progress/completed and, when completed, a conclusion. */
    record CheckRun(long id, String name, String headSha, String status, String conclusion, Instant at) {
    }

    /** A submitted review. */
    record Review(long id, String login, String state, String commitId, Instant submittedAt) {
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
        final LinkedHashSet<String> labels = new LinkedHashSet<>();
        final LinkedHashSet<String> reviewers = new LinkedHashSet<>();
        final List<Review> reviews = new ArrayList<>();

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
