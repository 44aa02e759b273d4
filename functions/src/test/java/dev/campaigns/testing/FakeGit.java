package dev.campaigns.testing;

import dev.campaigns.git.CommitRequest;
import dev.campaigns.git.CommitResult;
import dev.campaigns.git.GitOperations;
import dev.campaigns.git.PushRequest;
import dev.campaigns.git.PushResult;
import dev.campaigns.git.RemoteCredentials;
import dev.campaigns.git.DiffStat;
import dev.campaigns.util.Digests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A git engine for the services' tests: a commit's SHA is a digest of what makes it (base, patch, message, bot,
 * time), as the real engine's commits are deterministic; a push records the branch, create-only. Each operation can be
 * made to fail once ({@link #failNext}); every call is recorded.
 */
public final class FakeGit implements GitOperations {
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** remote URL to its branches (name to SHA). */
    public final Map<String, Map<String, String>> branches = new ConcurrentHashMap<>();
    public final Set<String> stored = Collections.synchronizedSet(new HashSet<>());
    private final Map<String, Supplier<RuntimeException>> failures = new ConcurrentHashMap<>();

    /** The next call of {@code operation} (preview, commit, push, branchTip) throws what {@code failure} makes. */
    public void failNext(String operation, Supplier<RuntimeException> failure) {
        failures.put(operation, failure);
    }

    private void maybeFail(String operation) {
        Supplier<RuntimeException> f = failures.remove(operation);
        if (f != null) {
            throw f.get();
        }
    }

    private static CommitResult result(CommitRequest r) {
        String sha = Digests.sha256Hex((r.remoteUrl() + r.baseRevision() + new String(r.patch(), StandardCharsets.UTF_8)
                + r.message() + r.author() + r.when()).getBytes(StandardCharsets.UTF_8)).substring(0, 40);
        return new CommitResult(sha, sha, r.baseRevision(), new DiffStat(1, 0, 0));
    }

    @Override
    public CommitResult preview(CommitRequest r) {
        calls.add("preview " + r.remoteUrl());
        maybeFail("preview");
        return result(r);
    }

    @Override
    public CommitResult commit(CommitRequest r) {
        calls.add("commit " + r.remoteUrl());
        maybeFail("commit");
        CommitResult result = result(r);
        stored.add(result.commitSha());
        return result;
    }

    @Override
    public PushResult push(PushRequest r) {
        calls.add("push " + r.remoteUrl() + " " + r.branch());
        maybeFail("push");
        if (!stored.contains(r.commitSha())) {
            throw new IllegalStateException("no stored commit " + r.commitSha());
        }
        Map<String, String> heads = branches.computeIfAbsent(r.remoteUrl(), k -> new ConcurrentHashMap<>());
        synchronized (heads) {
            String there = heads.get(r.branch());
            if (r.commitSha().equals(there)) {
                return new PushResult(r.branch(), r.commitSha(), false);
            }
            // the engine's rule (BranchPush): create-only, or with a lease move only from the expected commit
            if (!java.util.Objects.equals(there, r.expectedOldSha())) {
                throw r.expectedOldSha() == null || there == null
                        ? new dev.campaigns.git.BranchConflictException(r.branch(), there == null ? "(absent)" : there,
                                r.commitSha())
                        : new dev.campaigns.git.BranchConflictException(r.branch(), there, r.commitSha(), "branch "
                                + r.branch() + " is at " + there + ", not at the campaign's last commit "
                                + r.expectedOldSha() + ": refusing to overwrite it with " + r.commitSha());
            }
            heads.put(r.branch(), r.commitSha());
            return new PushResult(r.branch(), r.commitSha(), true);
        }
    }

    @Override
    public Optional<String> branchTip(String remoteUrl, RemoteCredentials credentials, String branch) {
        calls.add("branchTip " + remoteUrl + " " + branch);
        maybeFail("branchTip");
        return Optional.ofNullable(branches.getOrDefault(remoteUrl, Map.of()).get(branch));
    }

    public long count(String prefix) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.startsWith(prefix)).count();
        }
    }
}
