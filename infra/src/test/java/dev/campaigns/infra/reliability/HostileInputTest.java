package dev.campaigns.infra.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.local.LocalCampaigns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Hostile input, at plan creation (GraphQL {@code createCampaignPlanFromPatches}, {@code createCampaign},
 * {@code retryCampaign}) and in the background steps (the plan's dry run and the campaign's commit step): each case is
 * refused with its own specific error; a refused request writes nothing anywhere (no DynamoDB item, no blob, no
 * execution, no branch); a refused job leaves the other jobs of its plan unaffected. Prints "hostile: R refused / T
 * tried".
 */
class HostileInputTest {
    private static final String BRANCH = "campaigns/hostile";
    private static final String BASE_IS_BRANCH = "hostile/base-is-branch";
    private static final AtomicInteger TRIED = new AtomicInteger();
    private static final AtomicInteger REFUSED = new AtomicInteger();
    private static LocalCampaigns stack;
    private static CampaignsApi api;
    private static Patch good;
    private static String finishedPlan;
    /** Per hostile job (by repository): its plan job as the API shows it. */
    private static final Map<String, Map<String, Object>> JOBS = new LinkedHashMap<>();
    private static final Map<String, String> REPO_OF_CASE = new LinkedHashMap<>();
    private static String campaignId;
    private static List<Patch> goodOnes;

    // ---- cases refused at plan creation: a specific error, nothing written ------------------------------------

    static Stream<Arguments> refusedRequests() {
        String big = "x".repeat(10 * 1024 * 1024 + 1);
        List<Arguments> cases = new ArrayList<>();
        cases.add(plan("repository with ..", patch("../etc", null, null, null), "InvalidInputException", "patches[0].repository"));
        cases.add(plan("repository traversal inside", patch("acme/../../x", null, null, null), "InvalidInputException", "patches[0].repository"));
        cases.add(plan("absolute repository", patch("/etc/passwd", null, null, null), "InvalidInputException", "patches[0].repository"));
        cases.add(plan("three-part repository", patch("a/b/c", null, null, null), "InvalidInputException", "patches[0].repository"));
        cases.add(plan("repository ending .git", patch("acme/x.git", null, null, null), "InvalidInputException", "patches[0].repository"));
        cases.add(plan("blank repository", patch(" ", null, null, null), "InvalidInputException", "patches[0].repository is required"));
        cases.add(plan("control character in repository", patch("acme/x\u0000y", null, null, null), "InvalidInputException", "patches[0].repository"));
        cases.add(plan("over-long repository", patch("acme/" + "n".repeat(101), null, null, null), "InvalidInputException", "patches[0].repository"));
        cases.add(plan("option injection as revision", patch(null, "--upload-pack=touch /tmp/pwned", null, null), "InvalidInputException", "patches[0].baseRevision"));
        cases.add(plan("revision range", patch(null, "main..evil", null, null), "InvalidInputException", "patches[0].baseRevision"));
        cases.add(plan("revision with a space", patch(null, "main evil", null, null), "InvalidInputException", "patches[0].baseRevision"));
        cases.add(plan("traversal as base ref", patch(null, null, "../../etc", null), "InvalidInputException", "patches[0].baseRef"));
        cases.add(plan("option as base ref", patch(null, null, "-f", null), "InvalidInputException", "patches[0].baseRef"));
        cases.add(plan("base ref ending .lock", patch(null, null, "main.lock", null), "InvalidInputException", "patches[0].baseRef"));
        cases.add(plan("base ref with @{", patch(null, null, "main@{1}", null), "InvalidInputException", "patches[0].baseRef"));
        cases.add(plan("blank patch", patch(null, null, null, "  \n"), "InvalidInputException", "patches[0].patch is required"));
        // A patch over 10 MiB cannot even reach the resolver: AppSync refuses an event over 5 MB with its own error.
        cases.add(plan("oversized patch", patch(null, null, null, big), "MappingTemplate", "Transformation too large"));
        cases.add(plan("patch over one request's 2 MiB", patch(null, null, null, "y".repeat(2 * 1024 * 1024 + 1)),
                "InvalidInputException", "hold at most 2097152 bytes"));
        cases.add(Arguments.of("a repository twice in one plan", "plan", Map.of("patches", List.of(patch(null, null, null, null),
                patch(null, null, null, null))), "InvalidInputException", "appears twice in the plan"));
        cases.add(Arguments.of("a repository twice, differing in case", "plan", Map.of("patches", List.of(
                patch("Hostile/Service-001", null, null, null), patch(null, null, null, null))), "InvalidInputException",
                "appears twice in the plan"));
        cases.add(Arguments.of("no patches", "plan", Map.of("patches", List.of()), "InvalidInputException",
                "at least one patch"));
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i <= 10_000; i++) {
            tooMany.add(patch("many/r" + i, null, null, "p"));
        }
        cases.add(Arguments.of("oversized plan (10,001 patches)", "plan", Map.of("patches", tooMany),
                "InvalidInputException", "takes at most 1000 patches, got 10001"));
        cases.add(Arguments.of("GraphQL: a null patch", "plan", listWithNull(), "ValidationError", "patches"));
        Map<String, Object> missing = new LinkedHashMap<>(patch(null, null, null, null));
        missing.remove("baseRef");
        cases.add(Arguments.of("GraphQL: a patch without baseRef", "plan", Map.of("patches", List.of(missing)),
                "ValidationError", "baseRef"));
        Map<String, Object> wrongType = new LinkedHashMap<>(patch(null, null, null, null));
        wrongType.put("patch", 42);
        cases.add(Arguments.of("GraphQL: a patch that is a number", "plan", Map.of("patches", List.of(wrongType)),
                "ValidationError", "patch"));
        Map<String, Object> unknown = new LinkedHashMap<>(patch(null, null, null, null));
        unknown.put("branch", "main");
        cases.add(Arguments.of("GraphQL: an unknown field", "plan", Map.of("patches", List.of(unknown)),
                "ValidationError", "branch"));
        // createCampaign and retryCampaign
        cases.add(campaign("unknown plan", Map.of("name", "x", "branch", "b", "plan", "00000000-0000-0000-0000-000000000000"),
                "NotFoundException", "campaign plan 00000000-0000-0000-0000-000000000000 not found"));
        cases.add(campaign("branch with ..", Map.of("name", "x", "branch", "a..b", "plan", "PLAN"), "InvalidInputException", "branch"));
        cases.add(campaign("branch as option", Map.of("name", "x", "branch", "-delete", "plan", "PLAN"), "InvalidInputException", "branch"));
        cases.add(campaign("branch HEAD-relative", Map.of("name", "x", "branch", "main~1", "plan", "PLAN"), "InvalidInputException", "branch"));
        cases.add(campaign("branch HEAD", Map.of("name", "x", "branch", "HEAD", "plan", "PLAN"), "InvalidInputException", "HEAD is not a branch"));
        cases.add(campaign("branch as a ref name", Map.of("name", "x", "branch", "refs/heads/x", "plan", "PLAN"), "InvalidInputException", "not a ref name starting with \"refs/\""));
        cases.add(campaign("branch with a .lock component", Map.of("name", "x", "branch", "a.lock/b", "plan", "PLAN"), "InvalidInputException", "ends with \".lock\""));
        cases.add(campaign("blank name", Map.of("name", " ", "branch", "b", "plan", "PLAN"), "InvalidInputException", "name is required"));
        cases.add(campaign("over-long name", Map.of("name", "n".repeat(256), "branch", "b", "plan", "PLAN"), "InvalidInputException", "name is longer than 255"));
        cases.add(campaign("over-long idempotency key", Map.of("name", "x", "branch", "b", "plan", "PLAN",
                "idempotencyKey", "k".repeat(201)), "InvalidInputException", "idempotencyKey is longer than 200"));
        cases.add(campaign("GraphQL: draft is a string", Map.of("name", "x", "branch", "b", "plan", "PLAN", "draft", "yes"),
                "ValidationError", "Expected a Boolean"));
        cases.add(campaign("GraphQL: no branch", Map.of("name", "x", "plan", "PLAN"), "InvalidInputException",
                "branch is required"));
        cases.add(campaign("a plan that has not finished", Map.of("name", "x", "branch", "b", "plan", "UNFINISHED"),
                "FailedPreconditionException", "has not finished executing"));
        cases.add(Arguments.of("retry of an unknown campaign", "retry", Map.of("id", "nope"), "NotFoundException",
                "campaign nope not found"));
        return cases.stream();
    }

    // ---- cases refused in the background: the job errs with a specific error, the others complete ------------

    static Stream<Arguments> refusedJobs() {
        return Stream.of(
                job("path traversal", newFile("../escape.txt"), "PatchRejected", "escape"),
                job("traversal inside a path", newFile("dir/../../../etc/passwd"), "PatchRejected", "etc/passwd"),
                job("absolute path", "diff --git a//etc/passwd b//etc/passwd\nnew file mode 100644\n--- /dev/null\n"
                        + "+++ b//etc/passwd\n@@ -0,0 +1 @@\n+x\n", "PatchRejected", "etc/passwd"),
                job("write under .git", newFile(".git/config"), "PatchRejected", ".git"),
                job("write under .GIT (case)", newFile(".GIT/hooks/post-checkout"), "PatchRejected", ".GIT"),
                job("nested .git", newFile("dir/.git/config"), "PatchRejected", ".git"),
                job(".git. alias", newFile(".git./config"), "PatchRejected", ".git."),
                job("8.3 alias GIT~1", newFile("GIT~1/config"), "PatchRejected", "GIT~1"),
                job("rename into .git", "diff --git a/README.md b/.git/hooks/pre-commit\nsimilarity index 100%\n"
                        + "rename from README.md\nrename to .git/hooks/pre-commit\n", "PatchRejected", ".git"),
                job("symlink created then written through", "diff --git a/link b/link\nnew file mode 120000\n"
                        + "index 0000000..1111111\n--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+/etc\n"
                        + "\\ No newline at end of file\n" + newFile("link/passwd"), "PatchRejected", "link"),
                job("NUL byte in a path", newFile("a\u0000b.txt"), "PatchRejected", "NUL in path"),
                job("truncated hunk", "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
                        + "@@ -1,3 +1,3 @@\n # x\n", "MalformedPatch", "Truncated hunk"),
                job("garbage inside a hunk", "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
                        + "@@ -1,2 +1,2 @@\n*garbage\n+x\n", "MalformedPatch", "malformed patch"),
                job("traditional diff header", "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-a\n+b\n",
                        "MalformedPatch", "not a git diff"),
                job("malformed diff --git header", "diff --git a/README.md\n--- a/README.md\n+++ b/README.md\n"
                        + "@@ -1 +1 @@\n-a\n+b\n", "PatchDoesNotApply", "README.md"),
                job("corrupt binary patch", "diff --git a/img.bin b/img.bin\nnew file mode 100644\n"
                        + "index 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111\n"
                        + "GIT binary patch\nliteral 10\nRcmZ?!!!!!!!!!!!!!!!!!!!\n\nliteral 0\nHcmV?d00001\n\n",
                        "MalformedPatch", "corrupt binary patch"),
                job("binary without data", "diff --git a/img.bin b/img.bin\nnew file mode 100644\n"
                        + "index 0000000..1111111\nBinary files /dev/null and b/img.bin differ\n",
                        "PatchDoesNotApply", "img.bin"),
                job("hunk that does not apply", SampleCampaign.patchThatDoesNotApply(), "PatchDoesNotApply",
                        SampleCampaign.WORKFLOW_PATH),
                job("missing file", "diff --git a/nope.txt b/nope.txt\n--- a/nope.txt\n+++ b/nope.txt\n"
                        + "@@ -1 +1 @@\n-a\n+b\n", "PatchDoesNotApply", "nope.txt"),
                job("non-UTF-8 (replacement characters) in the context", SampleCampaign.patch()
                        .replace("   build:", "   b\uFFFD\uFFFDild:"), "PatchDoesNotApply", SampleCampaign.WORKFLOW_PATH),
                job("unknown repository", null, "RepositoryNotFound", "/nowhere/nothing.git/info/refs?service=git-upload-pack not found"),
                job("unknown revision", null, "RevisionNotFound", "cannot fetch 0123456789012345678901234567890123456789"),
                job("unknown base ref", null, "RevisionNotFound", "the base ref no-such-branch does not exist in hostile/job-"));
    }

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_hostile0123456789"));
        api = ReliabilityStack.api(stack, "hostile");
        goodOnes = ReliabilityStack.repositories(stack, "hostile", 2);
        good = goodOnes.get(0);
        // One plan holding every hostile job among good ones: each hostile job must fail alone.
        List<Patch> patches = new ArrayList<>(goodOnes);
        int n = 0;
        for (Arguments a : refusedJobs().toList()) {
            String name = (String) a.get()[0];
            String patch = (String) a.get()[1];
            String repo = "hostile/job-" + (++n);
            String base;
            if (name.equals("unknown repository")) {
                repo = "nowhere/nothing";
                base = good.baseRevision();
            } else {
                base = stack.codeHost().createRepository(repo, SampleCampaign.files(n));
                if (name.equals("unknown revision")) {
                    base = "0123456789012345678901234567890123456789";
                }
            }
            REPO_OF_CASE.put(name, repo);
            String baseRef = name.equals("unknown base ref") ? "no-such-branch" : "main";
            patches.add(new Patch(repo, base, baseRef, patch == null ? SampleCampaign.patch() : patch));
        }
        // commit-step case: the plan's dry run applies to main; main moves before the campaign commits.
        String moving = "hostile/moving";
        stack.codeHost().createRepository(moving, SampleCampaign.files(99));
        patches.add(new Patch(moving, "main", "main", SampleCampaign.patch()));
        // commit-step case: the job's base ref is the campaign's own branch (it exists, so the dry run passes).
        String onBranch = stack.codeHost().createRepository(BASE_IS_BRANCH, SampleCampaign.files(98));
        stack.codeHost().createBranch(BASE_IS_BRANCH, BRANCH, onBranch);
        patches.add(new Patch(BASE_IS_BRANCH, onBranch, BRANCH, SampleCampaign.patch()));
        finishedPlan = ReliabilityStack.executedPlan(api, patches);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) api.plan(finishedPlan).get("jobs");
        if (jobs == null) {
            jobs = planJobs(finishedPlan);
        }
        for (Map<String, Object> job : jobs) {
            JOBS.put((String) job.get("repository"), job);
        }
        stack.codeHost().commitFiles(moving, "main", Map.of(SampleCampaign.WORKFLOW_PATH, "name: moved\n"), "moved");
        campaignId = (String) api.createCampaign(Map.of("name", "Hostile", "branch", BRANCH, "plan", finishedPlan))
                .get("id");
        ReliabilityStack.awaitStatus(api, campaignId);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> planJobs(String planId) {
        return (List<Map<String, Object>>) ((Map<String, Object>) api.client().data("query($id: ID!) { campaignPlan(id: $id)"
                + " { jobs { repository state error } } }", Map.of("id", planId)).get("campaignPlan")).get("jobs");
    }

    @AfterAll
    static void stop() {
        System.out.println("hostile: " + REFUSED.get() + " refused / " + TRIED.get() + " tried");
        if (stack != null) {
            stack.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedRequests")
    void refusedRequestWritesNothing(String name, String mutation, Map<String, Object> variables, String errorType,
                                     String message) {
        TRIED.incrementAndGet();
        Map<String, Object> resolved = resolve(variables);
        long items = count("CampaignsTable");
        long blobs = count("BlobsTable");
        long idempotency = count("IdempotencyTable");
        int executions = stack.stepFunctions().listExecutions(stack.stateMachineArn(), null).size();
        Map<String, Object> response = api.client().execute(query(mutation), resolved);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) response.get("errors");
        assertNotNull(errors, () -> name + " was accepted: " + response);
        Map<String, Object> error = errors.get(0);
        assertTrue(String.valueOf(error.get("errorType")).endsWith(errorType), () -> name + ": " + error);
        assertTrue(String.valueOf(error.get("message")).contains(message), () -> name + ": " + error);
        Object data = response.get("data");
        assertTrue(data == null || ((Map<?, ?>) data).values().stream().allMatch(v -> v == null), () -> name + ": " + data);
        assertEquals(items, count("CampaignsTable"), name + ": DynamoDB items written");
        assertEquals(blobs, count("BlobsTable"), name + ": blobs written");
        assertEquals(idempotency, count("IdempotencyTable"), name + ": idempotency records written");
        assertEquals(executions, stack.stepFunctions().listExecutions(stack.stateMachineArn(), null).size(),
                name + ": an execution started");
        REFUSED.incrementAndGet();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedJobs")
    void refusedJobErrsAloneAndNothingIsPushed(String name, String patch, String errorType, String detail) {
        TRIED.incrementAndGet();
        String repo = REPO_OF_CASE.get(name);
        Map<String, Object> job = JOBS.get(repo);
        assertNotNull(job, name);
        assertEquals("ERRORED", job.get("state"), () -> name + ": " + job);
        String error = String.valueOf(job.get("error"));
        assertTrue(error.contains(detail), () -> name + ": " + error);
        assertTrue(stack.codeHost().branchTip(repo, BRANCH).isEmpty(), name + ": a branch was pushed");
        if (!repo.equals("nowhere/nothing")) {
            assertTrue(stack.codeHost().pullRequests(repo).isEmpty(), name + ": a pull request was opened");
        }
        assertNull(changeset(repo), name + ": a changeset was recorded");
        REFUSED.incrementAndGet();
        System.out.println("hostile job " + name + " [" + errorType + "]: " + error);
    }

    @Test
    void aPatchThatNoLongerAppliesWhenTheBaseRefMovedErrsInTheCommitStepAlone() {
        TRIED.incrementAndGet();
        assertEquals("COMPLETED", JOBS.get("hostile/moving").get("state"), "the dry run applied to main then");
        Map<String, Object> status = CampaignsApi.status(api.campaign(campaignId, 1, null), "changesetCreationStatus");
        assertEquals("ERRORED", status.get("state"));
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) status.get("errors");
        // two jobs err in the commit step: this one, and the one whose base is the campaign's branch
        assertEquals(2, errors.size(), errors::toString);
        String moved = errors.stream().filter(e -> e.startsWith("hostile/moving: ")).findFirst().orElseThrow(
                () -> new AssertionError("no error of hostile/moving: " + errors));
        assertTrue(moved.contains(SampleCampaign.WORKFLOW_PATH), moved);
        assertTrue(stack.codeHost().branchTip("hostile/moving", BRANCH).isEmpty(), "nothing pushed");
        assertNull(changeset("hostile/moving"));
        // the good jobs were unaffected by every hostile job of their plan
        assertEquals(goodOnes.size(), status.get("completedCount"));
        for (Patch p : goodOnes) {
            assertNotNull(changeset(p.repository()), p.repository());
            assertEquals(1, stack.codeHost().pullRequests(p.repository()).size());
        }
        REFUSED.incrementAndGet();
    }

    @Test
    void aJobWhoseBaseIsTheCampaignsBranchErrsAloneAndTheBranchIsUntouched() {
        TRIED.incrementAndGet();
        assertEquals("COMPLETED", JOBS.get(BASE_IS_BRANCH).get("state"), "the dry run applied to the branch");
        String tip = stack.codeHost().branchTip(BASE_IS_BRANCH, BRANCH).orElseThrow();
        Map<String, Object> status = CampaignsApi.status(api.campaign(campaignId, 1, null), "changesetCreationStatus");
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) status.get("errors");
        String error = errors.stream().filter(e -> e.startsWith(BASE_IS_BRANCH + ": ")).findFirst().orElseThrow(
                () -> new AssertionError("no error of " + BASE_IS_BRANCH + ": " + errors));
        assertTrue(error.contains("the campaign's branch " + BRANCH + " is the base branch of " + BASE_IS_BRANCH),
                error);
        assertEquals(tip, stack.codeHost().branchTip(BASE_IS_BRANCH, BRANCH).orElseThrow(), "the branch moved");
        assertTrue(stack.codeHost().pullRequests(BASE_IS_BRANCH).isEmpty(), "a pull request was opened");
        assertNull(changeset(BASE_IS_BRANCH));
        REFUSED.incrementAndGet();
    }

    /**
     * A closed campaign is not retried: the retry would reset its errored jobs and open their pull requests. The
     * refusal names the close, starts no execution and resets no job. (Closing leaves the jobs' outcomes, which the
     * other tests read, as they are.)
     */
    @Test
    void aClosedCampaignIsNotRetried() {
        TRIED.incrementAndGet();
        Map<String, Object> before = CampaignsApi.status(api.campaign(campaignId, 1, null), "changesetCreationStatus");
        assertEquals("ERRORED", before.get("state"));
        api.client().data("mutation($c: ID!) { closeCampaign(campaign: $c, closeChangesets: false) { id closedAt } }",
                Map.of("c", campaignId));
        int executions = stack.stepFunctions().listExecutions(stack.stateMachineArn(), null).size();
        Map<String, Object> response = api.client().execute(CampaignsApi.RETRY_CAMPAIGN, Map.of("id", campaignId));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) response.get("errors");
        assertNotNull(errors, () -> "the retry of a closed campaign was accepted: " + response);
        assertTrue(String.valueOf(errors.get(0).get("errorType")).endsWith("FailedPreconditionException"),
                errors::toString);
        assertTrue(String.valueOf(errors.get(0).get("message")).contains("campaign " + campaignId + " was closed at"),
                errors::toString);
        assertEquals(executions, stack.stepFunctions().listExecutions(stack.stateMachineArn(), null).size(),
                "an execution started");
        Map<String, Object> after = CampaignsApi.status(api.campaign(campaignId, 1, null), "changesetCreationStatus");
        assertEquals(before, after, "the retry changed the campaign's jobs");
        assertTrue(stack.codeHost().pullRequests("hostile/moving").isEmpty(), "a pull request was opened");
        REFUSED.incrementAndGet();
    }

    /**
     * The pull-request step's own guard, for the race a resolver check cannot close (a {@code retryCampaign} that
     * passed its check while {@code closeCampaign} landed): the campaign is marked closed, as the close writes it,
     * while its job is still in the commit step (its repository's git requests are slowed). The job reaches the
     * pull-request step, reads the mark and errs; no pull request is opened.
     */
    @Test
    void thePullRequestStepOpensNothingOnceTheCampaignIsClosed() {
        TRIED.incrementAndGet();
        String repo = "hostile/closed-mid-way";
        String base = stack.codeHost().createRepository(repo, SampleCampaign.files(97));
        String plan = ReliabilityStack.executedPlan(api, List.of(new Patch(repo, base, "main", SampleCampaign.patch())));
        stack.codeHost().faults().add(dev.campaigns.infra.codehost.Fault.on(null, "/" + repo + "\\.git/.*")
                .delay(java.time.Duration.ofSeconds(2)));
        String id = (String) api.createCampaign(Map.of("name", "Closed mid-way", "branch", BRANCH, "plan", plan))
                .get("id");
        var s = (java.util.function.Function<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>)
                software.amazon.awssdk.services.dynamodb.model.AttributeValue::fromS;
        stack.dynamo().updateItem(b -> b.tableName("CampaignsTable")
                .key(Map.of("PK", s.apply("CAMPAIGN#" + id), "SK", s.apply("#CAMPAIGN")))
                .updateExpression("SET closedAt = :t").expressionAttributeValues(Map.of(":t",
                        s.apply(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()))));
        Map<String, Object> status = ReliabilityStack.awaitStatus(api, id);
        assertEquals("ERRORED", status.get("state"), status::toString);
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) status.get("errors");
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith(repo + ": ") && errors.get(0).contains("campaign " + id + " was closed at"),
                errors.get(0));
        assertTrue(stack.codeHost().pullRequests(repo).isEmpty(), "a pull request was opened in a closed campaign");
        assertNull(ReliabilityStack.changesetItem(stack, id, repo), "a changeset was recorded");
        REFUSED.incrementAndGet();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static Map<String, Object> changeset(String repository) {
        return ReliabilityStack.changesetItem(stack, campaignId, repository) == null ? null
                : Map.of("repository", repository);
    }

    private static long count(String table) {
        long n = 0;
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> start = null;
        do {
            var page = stack.dynamo().scan(ScanRequest.builder().tableName(table).select("COUNT")
                    .exclusiveStartKey(start).build());
            n += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return n;
    }

    private static String query(String mutation) {
        return switch (mutation) {
            case "plan" -> CampaignsApi.CREATE_PLAN;
            case "campaign" -> CampaignsApi.CREATE_CAMPAIGN;
            case "retry" -> CampaignsApi.RETRY_CAMPAIGN;
            default -> throw new IllegalArgumentException(mutation);
        };
    }

    /** PLAN and UNFINISHED name plans made for the run: a finished one, and one whose execution cannot end yet. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> resolve(Map<String, Object> variables) {
        Object input = variables.get("input");
        if (!(input instanceof Map<?, ?> m) || !m.containsKey("plan")) {
            return variables;
        }
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
        if ("PLAN".equals(copy.get("plan"))) {
            copy.put("plan", finishedPlan);
        } else if ("UNFINISHED".equals(copy.get("plan"))) {
            copy.put("plan", unfinishedPlan());
        }
        return Map.of("input", copy);
    }

    private static String unfinishedPlan;

    /** A plan whose only job waits on a code host that does not answer (until the test is over). */
    private static synchronized String unfinishedPlan() {
        if (unfinishedPlan == null) {
            String repo = "hostile/slow";
            String base = stack.codeHost().createRepository(repo, SampleCampaign.files(7));
            stack.codeHost().faults().add(dev.campaigns.infra.codehost.Fault.on(null, "/" + repo + "\\.git/.*")
                    .delay(java.time.Duration.ofSeconds(20)));
            unfinishedPlan = api.createPlan(List.of(new Patch(repo, base, "main", SampleCampaign.patch())));
        }
        return unfinishedPlan;
    }

    private static Arguments plan(String name, Map<String, Object> patch, String errorType, String message) {
        return Arguments.of(name, "plan", Map.of("patches", List.of(patch)), errorType, message);
    }

    private static Arguments campaign(String name, Map<String, Object> input, String errorType, String message) {
        return Arguments.of(name, "campaign", Map.of("input", input), errorType, message);
    }

    private static Arguments job(String name, String patch, String errorType, String detail) {
        return Arguments.of(name, patch, errorType, detail);
    }

    private static Map<String, Object> listWithNull() {
        List<Object> list = new ArrayList<>();
        list.add(null);
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("patches", list);
        return vars;
    }

    /** A patch input; null fields take the good repository's values. */
    private static Map<String, Object> patch(String repository, String baseRevision, String baseRef, String patch) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("repository", repository != null ? repository : "hostile/service-001");
        p.put("baseRevision", baseRevision != null ? baseRevision : "0123456789abcdef0123456789abcdef01234567");
        p.put("baseRef", baseRef != null ? baseRef : "main");
        p.put("patch", patch != null ? patch : SampleCampaign.patch());
        return p;
    }

    private static String newFile(String path) {
        return "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n"
                + "+++ b/" + path + "\n@@ -0,0 +1 @@\n+evil\n";
    }
}
