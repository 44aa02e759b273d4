package dev.campaigns.testing;

import dev.campaigns.codehost.CodeHost;
import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestSpec;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.ChangesetReviewState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A code host for the services' tests: pull requests in memory, find-or-create by head branch as the real hosts'
 * {@code ensurePullRequest} is, times from the test's clock, a request budget, and failures made on demand
 * ({@link #failNext}). Every call is recorded.
 */
public final class FakeCodeHost implements CodeHost {
    private final Clock clock;
    private final Map<String, PullRequest> pulls = new ConcurrentHashMap<>();
    private final Map<String, Instant> created = new ConcurrentHashMap<>();
    private final Map<String, Supplier<RuntimeException>> failures = new ConcurrentHashMap<>();
    private final Map<String, Runnable> holds = new ConcurrentHashMap<>();
    private final AtomicInteger numbers = new AtomicInteger();
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    public volatile int remaining = 5000;

    public FakeCodeHost(Clock clock) {
        this.clock = clock;
    }

    public static CodeHostException error(CodeHostException.Kind kind) {
        return new CodeHostException(kind, kind + " from the code host", null);
    }

    /** The next call of {@code operation} (ensure, find, load, status, close, remaining) throws what it makes. */
    public void failNext(String operation, Supplier<RuntimeException> failure) {
        failures.put(operation, failure);
    }

    /** The next call of {@code operation} first runs {@code hold} (e.g. waits for a test's latch), then proceeds. */
    public void holdNext(String operation, Runnable hold) {
        holds.put(operation, hold);
    }

    private void call(String operation, String what) {
        calls.add(operation + " " + what);
        Runnable hold = holds.remove(operation);
        if (hold != null) {
            hold.run();
        }
        Supplier<RuntimeException> f = failures.remove(operation);
        if (f != null) {
            throw f.get();
        }
    }

    /** Adds a pull request opened by someone else; returns its number. */
    public long open(String repository, String head) {
        long n = numbers.incrementAndGet();
        put(new PullRequest(repository, n, "https://host/" + repository + "/pull/" + n, PullRequestState.OPEN,
                "someone's " + n, "", head, "main", "0".repeat(40), false, List.of(), List.of()));
        return n;
    }

    public void setState(String repository, long number, PullRequestState state) {
        PullRequest p = pull(repository, number);
        put(new PullRequest(p.repository(), p.number(), p.url(), state, p.title(), p.body(), p.headRef(), p.baseRef(),
                p.headSha(), p.draft(), p.labels(), p.reviewers()));
    }

    public void delete(String repository, long number) {
        pulls.remove(repository + "#" + number);
    }

    public int count() {
        return pulls.size();
    }

    /** Every pull request the host has (not a recorded call). */
    public List<PullRequest> pullRequests() {
        return List.copyOf(pulls.values());
    }

    private void put(PullRequest p) {
        pulls.put(p.repository() + "#" + p.number(), p);
        created.putIfAbsent(p.repository() + "#" + p.number(), clock.instant());
    }

    public PullRequest pull(String repository, long number) {
        PullRequest p = pulls.get(repository + "#" + number);
        if (p == null) {
            throw error(CodeHostException.Kind.NOT_FOUND);
        }
        return p;
    }

    @Override
    public synchronized PullRequest ensurePullRequest(PullRequestSpec spec) {
        call("ensure", spec.repository() + " " + spec.headBranch());
        PullRequest finished = null;
        for (PullRequest p : pulls.values()) {
            if (p.repository().equals(spec.repository()) && p.headRef().equals(spec.headBranch())) {
                if (p.state() == PullRequestState.OPEN) {
                    if (!p.title().equals(spec.title()) || !java.util.Objects.equals(p.body(), spec.body())) {
                        // the contract: an open one is brought to the spec's title and body
                        call("update", spec.repository() + " #" + p.number());
                        p = new PullRequest(p.repository(), p.number(), p.url(), p.state(), spec.title(), spec.body(),
                                p.headRef(), p.baseRef(), p.headSha(), p.draft(), p.labels(), p.reviewers());
                        put(p);
                    }
                    return p;
                }
                finished = p;
            }
        }
        if (finished != null) {
            return finished; // the contract: a merged or closed one is returned as is, never reopened or duplicated
        }
        long n = numbers.incrementAndGet();
        PullRequest p = new PullRequest(spec.repository(), n, "https://host/" + spec.repository() + "/pull/" + n,
                PullRequestState.OPEN, spec.title(), spec.body(), spec.headBranch(), spec.baseBranch(), "1".repeat(40),
                spec.draft(), spec.labels(), spec.reviewers());
        put(p);
        return p;
    }

    /** As the real hosts: the open pull request from the head branch, else the latest closed or merged one. */
    @Override
    public synchronized java.util.Optional<PullRequest> findPullRequest(String repository, String headBranch) {
        call("find", repository + " " + headBranch);
        PullRequest best = null;
        for (PullRequest p : pulls.values()) {
            if (!p.repository().equals(repository) || !p.headRef().equals(headBranch)) {
                continue;
            }
            boolean open = p.state() == PullRequestState.OPEN;
            boolean bestOpen = best != null && best.state() == PullRequestState.OPEN;
            if (best == null || open && !bestOpen || open == bestOpen && p.number() > best.number()) {
                best = p;
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    @Override
    public PullRequest loadPullRequest(String repository, long number) {
        call("load", repository + "#" + number);
        return pull(repository, number);
    }

    @Override
    public String cloneUrl(String repository) {
        return "https://git.host/" + repository + ".git";
    }

    @Override
    public PullRequestStatus loadPullRequestStatus(String repository, long number) {
        call("status", repository + "#" + number);
        remaining -= 5;
        PullRequest p = pull(repository, number);
        Instant at = clock.instant();
        return new PullRequestStatus(p, ChangesetReviewState.PENDING, null, created.get(repository + "#" + number), at,
                p.state() == PullRequestState.OPEN ? null : at, p.state() == PullRequestState.MERGED ? at : null, null,
                null);
    }

    @Override
    public PullRequest closePullRequest(String repository, long number) {
        call("close", repository + "#" + number);
        setState(repository, number, PullRequestState.CLOSED);
        return pull(repository, number);
    }

    /** Comments per pull request ({@code repository#number}), in order. */
    public final Map<String, List<String>> comments = new ConcurrentHashMap<>();

    @Override
    public void commentOnPullRequest(String repository, long number, String body) {
        call("comment", repository + "#" + number);
        pull(repository, number);
        comments.computeIfAbsent(repository + "#" + number, k -> Collections.synchronizedList(new ArrayList<>()))
                .add(body);
    }

    @Override
    public boolean hasComment(String repository, long number, String marker) {
        call("comments", repository + "#" + number);
        return comments.getOrDefault(repository + "#" + number, List.of()).stream().anyMatch(c -> c.contains(marker));
    }

    @Override
    public PullRequest mergePullRequest(String repository, long number, dev.campaigns.domain.MergeMethod method) {
        call("merge", repository + "#" + number + " " + method);
        PullRequest p = pull(repository, number);
        if (p.state() == PullRequestState.CLOSED) {
            throw error(CodeHostException.Kind.VALIDATION);
        }
        setState(repository, number, PullRequestState.MERGED);
        return pull(repository, number);
    }

    @Override
    public void requestReviewers(String repository, long number, List<String> reviewers) {
        call("reviewers", repository + "#" + number);
        PullRequest p = pull(repository, number);
        put(new PullRequest(p.repository(), p.number(), p.url(), p.state(), p.title(), p.body(), p.headRef(),
                p.baseRef(), p.headSha(), p.draft(), p.labels(), union(p.reviewers(), reviewers)));
    }

    @Override
    public void addLabels(String repository, long number, List<String> labels) {
        call("labels", repository + "#" + number);
        PullRequest p = pull(repository, number);
        put(new PullRequest(p.repository(), p.number(), p.url(), p.state(), p.title(), p.body(), p.headRef(),
                p.baseRef(), p.headSha(), p.draft(), union(p.labels(), labels), p.reviewers()));
    }

    /** {@code had} followed by those of {@code added} it lacks: adding one already there changes nothing. */
    private static List<String> union(List<String> had, List<String> added) {
        List<String> all = new ArrayList<>(had);
        added.stream().filter(a -> !all.contains(a)).forEach(all::add);
        return List.copyOf(all);
    }

    @Override
    public int remainingRequests() {
        call("remaining", "");
        return remaining;
    }
}
