package dev.campaigns.infra.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The code host's state and GitHub's rules alone, without HTTP or JSON: refusals carry GitHub's status, and every
 * change is announced as the webhook GitHub would send.
 */
class CodeHostStateTest {

    final ManualClock clock = new ManualClock(Instant.parse("2026-02-01T09:00:00Z"));
    final List<String> events = new ArrayList<>();
    final CodeHostState state = new CodeHostState(clock, "bot", users("bot", "alice"), null);

    CodeHostStateTest() {
        state.announceTo(new CodeHostEvents() {
            public void pullRequest(HostedRepository r, HostedRepository.PullRequestState pr, String action,
                                    String sender) {
                events.add(action + " #" + pr.number);
            }

            public void edited(HostedRepository r, HostedRepository.PullRequestState pr, Map<String, String> from,
                               String sender) {
                events.add("edited #" + pr.number + " " + from.keySet());
            }

            public void labeled(HostedRepository r, HostedRepository.PullRequestState pr, String label, String s) {
                events.add("labeled #" + pr.number + " " + label);
            }

            public void synchronize(HostedRepository r, HostedRepository.PullRequestState pr, String before,
                                    String after, String s) {
                events.add("synchronize #" + pr.number + " " + before.substring(0, 7) + ".." + after.substring(0, 7));
            }

            public void reviewSubmitted(HostedRepository r, HostedRepository.PullRequestState pr,
                                        HostedRepository.Review review) {
                events.add("review #" + pr.number + " " + review.state());
            }

            public void checkRun(HostedRepository r, HostedRepository.CheckRun run, String action) {
                events.add("check_run " + action + " " + run.name());
            }

            public void status(HostedRepository r, HostedRepository.CommitStatus status) {
                events.add("status " + status.context() + " " + status.state());
            }
        });
    }

    static Set<String> users(String... logins) {
        Set<String> out = ConcurrentHashMap.newKeySet();
        out.addAll(List.of(logins));
        return out;
    }

    @Test
    void onePullRequestPerHeadAndBase_withGitHubsRefusals() {
        state.createRepository("acme/app", Map.of("a", "1"));
        String head = state.commitFiles("acme/app", "topic", Map.of("a", "2"), "change");
        HostedRepository repo = state.repository("acme", "app");
        HostedRepository.PullRequestState pr = state.openPull(repo, "T", "topic", "main", null, false, "bot");
        assertEquals(1, pr.number);
        assertEquals(head, pr.headSha);
        assertEquals(422, assertThrows(GitHubError.class, () -> state.openPull(repo, "T", "acme:topic", "main", "",
                false, "bot")).status());
        assertEquals("A pull request already exists for acme:topic.", assertThrows(GitHubError.class,
                () -> state.openPull(repo, "T", "topic", "main", "", false, "bot")).details().get(0).message());
        assertEquals("base", assertThrows(GitHubError.class, () -> state.openPull(repo, "T", "topic", "nope", "",
                false, "bot")).details().get(0).field());
        assertEquals("title", assertThrows(GitHubError.class, () -> state.openPull(repo, " ", "topic", "main", "",
                false, "bot")).details().get(0).field());
        state.createBranch("acme/app", "same", state.repository("acme", "app").branchTip("main").orElseThrow());
        assertTrue(assertThrows(GitHubError.class, () -> state.openPull(repo, "T", "same", "main", "", false, "bot"))
                .details().get(0).message().startsWith("No commits between"));
        assertEquals(404, assertThrows(GitHubError.class, () -> state.repository("acme", "nope")).status());
        assertEquals(404, assertThrows(GitHubError.class, () -> state.pull(repo, 9)).status());
        assertEquals(List.of("opened #1"), events);
    }

    @Test
    void aPushToTheHeadIsSynchronize_labelsAnnounceOnlyWhatIsNew_editsSayWhatChanged() {
        state.createRepository("acme/app", Map.of("a", "1"));
        String first = state.commitFiles("acme/app", "topic", Map.of("a", "2"), "one");
        HostedRepository repo = state.repository("acme", "app");
        state.openPull(repo, "T", "topic", "main", "", false, "bot");
        clock.advance(Duration.ofMinutes(1));
        String second = state.commitFiles("acme/app", "topic", Map.of("a", "3"), "two");
        assertEquals(second, state.pull(repo, 1).headSha);
        state.addLabels(repo, 1, List.of("deps", "deps", "ci"), "bot");
        state.addLabels(repo, 1, List.of("deps"), "bot");
        state.updatePull(repo, 1, "T", "new body", null, null);
        state.updatePull(repo, 1, null, null, "closed", null);
        state.commitFiles("acme/app", "topic", Map.of("a", "4"), "three"); // a closed one does not follow
        assertEquals(second, state.pull(repo, 1).headSha);
        state.updatePull(repo, 1, null, null, "open", null);
        assertEquals(List.of("opened #1", "synchronize #1 " + first.substring(0, 7) + ".." + second.substring(0, 7),
                "labeled #1 deps", "labeled #1 ci", "edited #1 [body]", "closed #1", "reopened #1"), events);
        assertNotEquals(second, state.pull(repo, 1).headSha, "a reopened one follows its branch again");
    }

    @Test
    void aMergeIsARealMergeCommitOnTheBase_andOnlyOnce() {
        state.createRepository("acme/app", Map.of("a", "1"));
        String head = state.commitFiles("acme/app", "topic", Map.of("b", "2"), "add b");
        String mainBefore = state.commitFiles("acme/app", "main", Map.of("c", "3"), "add c");
        HostedRepository repo = state.repository("acme", "app");
        state.openPull(repo, "T", "topic", "main", "", false, "bot");
        String sha = state.merge(repo, 1, "alice");
        assertEquals(sha, repo.branchTip("main").orElseThrow());
        assertEquals(List.of(mainBefore, head), repo.commitInfo(sha).parents());
        HostedRepository.PullRequestState pr = state.pull(repo, 1);
        assertTrue(pr.merged);
        assertEquals(sha, pr.mergeCommitSha);
        assertEquals("alice", pr.mergedBy);
        assertEquals(405, assertThrows(GitHubError.class, () -> state.merge(repo, 1, "bot")).status());
    }

    @Test
    void checksAndStatusesByShaOrBranch_latestFirst() {
        state.createRepository("acme/app", Map.of("a", "1"));
        String sha = state.commitFiles("acme/app", "feature/x", Map.of("a", "2"), "c");
        HostedRepository repo = state.repository("acme", "app");
        state.setCheck(repo, sha, "build", "in_progress", null);
        state.setCheck(repo, sha, "build", null, "success");
        assertEquals(1, state.checkRuns(repo, "feature/x").size(), "the same name replaces");
        assertEquals("success", state.checkRuns(repo, sha).get(0).conclusion());
        assertEquals(404, assertThrows(GitHubError.class, () -> state.checkRuns(repo, "nope")).status());
        assertEquals(422, assertThrows(GitHubError.class, () -> state.setCheck(repo, sha, "x", "completed", null))
                .status());
        assertEquals(422, assertThrows(GitHubError.class, () -> state.setCheck(repo, "0".repeat(40), "x", null,
                null)).status());
        state.createStatus(repo, sha, "pending", "ci", null, null, "bot");
        state.createStatus(repo, sha, "success", "ci", "ok", null, "bot");
        assertEquals(List.of("success", "pending"), state.statuses(repo, "feature/x").stream()
                .map(HostedRepository.CommitStatus::state).toList());
        assertEquals(List.of(), state.statuses(repo, "nope"));
        assertEquals(422, assertThrows(GitHubError.class, () -> state.createStatus(repo, sha, "great", "ci", null,
                null, "bot")).status());
        assertEquals(List.of("check_run created build", "check_run completed build", "status ci pending",
                "status ci success"), events);
    }
}
