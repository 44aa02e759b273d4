package dev.campaigns.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The branch-name rule ({@link Validation#branch}) against the real {@code git check-ref-format --branch}: for every
 * name of the table, the rule accepts exactly what git accepts; the campaign's branch also refuses names starting
 * with {@code refs/}.
 */
class BranchNameRuleTest {
    @TempDir
    static Path dir;

    static Stream<String> names() {
        return Stream.of("main", "feature/x", "campaigns/bump-ci", "x-", "a@b", "héllo", "v1.2", "HEAD/x", "x/HEAD",
                "head", "refs/heads/x", "refs/x", "a_b", "1",
                // refused by git
                "HEAD", "-x", "--force", "a@{b", "@{-1}", "a.lock", "a/b.lock/c", "a/.b", ".a", "a.", "a//b", "a/",
                "/a", "a b", "a~b", "a~1", "a^b", "a:b", "a?b", "a*b", "a[b", "a\\b", "x..y", "a\tb", "a\u007fb",
                "a\u0001b", "@", "a/@");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void acceptsExactlyWhatGitCheckRefFormatBranchAccepts(String name) throws Exception {
        assumeTrue(gitAvailable(), "git is not installed");
        boolean git = gitAccepts(name);
        boolean ours = Validation.branchRule(name) == null;
        assertEquals(git, ours, () -> "git check-ref-format --branch " + (git ? "accepts " : "refuses ") + '"' + name
                + "\" but the rule " + (ours ? "accepts" : "refuses (" + Validation.branchRule(name) + ")") + " it");
        if (!ours) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Validation.branch("branch", name));
            assertTrue(e.getMessage().startsWith("branch is not a valid git branch name"), e.getMessage());
        }
    }

    @Test
    void aCampaignBranchIsAShortNameNotARefName() {
        assertEquals("campaigns/x", Validation.campaignBranch("branch", "campaigns/x"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Validation.campaignBranch("branch", "refs/heads/main"));
        assertTrue(e.getMessage().contains("refs/"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> Validation.campaignBranch("branch", "HEAD"));
    }

    @Test
    void aNameOver200CharactersIsRefused() {
        assertEquals("longer than 200 characters", Validation.branchRule("b".repeat(201)));
        assertEquals(null, Validation.branchRule("b".repeat(200)));
    }

    private static boolean gitAvailable() {
        try {
            Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static boolean gitAccepts(String name) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "git", ".out");
        ProcessBuilder pb = new ProcessBuilder("git", "check-ref-format", "--branch", name).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        pb.environment().put("GIT_CEILING_DIRECTORIES", dir.getParent().toString());
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("git check-ref-format did not end in 30 s");
        }
        return p.exitValue() == 0;
    }
}
