package dev.campaigns.service;

import static dev.campaigns.service.ServiceFixture.OWNER;
import static dev.campaigns.service.ServiceFixture.patch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.git.PatchDoesNotApplyException;
import dev.campaigns.git.RevisionNotFoundException;
import dev.campaigns.store.JobIds;
import dev.campaigns.util.Digests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Campaign plans: validation, batches, parts, execution and its steps; on the in-memory twins. */
class CampaignPlanServiceTest {
    private final ServiceFixture f = new ServiceFixture();

    private static CampaignPlanService.PatchInput p(String repository, String revision, String ref, String patch) {
        return new CampaignPlanService.PatchInput(repository, revision, ref, patch);
    }

    static Stream<Arguments> invalidPlans() {
        List<CampaignPlanService.PatchInput> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(patch("org/r" + i));
        }
        return Stream.of(
                Arguments.of("no patches", List.of(), "at least one patch"),
                Arguments.of("more than a batch", eleven, "at most 10 patches"),
                Arguments.of("a null patch", Arrays.asList(patch("org/a"), null), "patches[1] is null"),
                Arguments.of("a bad repository", List.of(p("not a repo", "abc1234", "main", "x")), "repository"),
                Arguments.of("a repository twice", List.of(patch("org/a"), patch("ORG/A")), "appears twice"),
                Arguments.of("a repository twice, once named with the default host",
                        List.of(patch("org/a"), patch("GitHub.com/org/a")), "repository org/a appears twice"),
                Arguments.of("a bad revision", List.of(p("org/a", "", "main", "x")), "baseRevision"),
                Arguments.of("a bad base ref", List.of(p("org/a", "abc1234", "-x", "x")), "baseRef"),
                Arguments.of("a patch too large", List.of(p("org/a", "abc1234", "main", "x".repeat(1001))),
                        "limit is 1000"),
                Arguments.of("a digest instead of a patch", List.of(new CampaignPlanService.PatchInput("org/a",
                        "abc1234", "main", null, "0".repeat(64))), "patchDigest names a patch uploaded in parts"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPlans")
    void anInvalidPlanIsRefusedNamingWhatIsWrongAndWritesNothing(String what,
                                                                 List<CampaignPlanService.PatchInput> patches,
                                                                 String message) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> f.plans.createCampaignPlanFromPatches(OWNER, patches));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(0, f.blobs.size(), "nothing stored");
        assertTrue(f.started.isEmpty());
    }

    @Test
    void aPlanInOneRequestIsStoredAndExecutedAndItsJobsChecked() {
        f.git.branches.put(f.host.cloneUrl("org/a"), new java.util.concurrent.ConcurrentHashMap<>(
                java.util.Map.of("main", "f".repeat(40))));
        CampaignPlan plan = f.plans.createCampaignPlanFromPatches(OWNER, List.of(patch("org/a"), patch("org/b"),
                patch("org/c")));
        assertTrue(plan.executed());
        assertEquals("plan-" + plan.id(), f.started.get(0));
        assertEquals(List.of(JobIds.of(0), JobIds.of(1)), f.plans.pendingJobIds(plan.id(), 0));
        assertEquals(List.of(JobIds.of(2)), f.plans.pendingJobIds(plan.id(), 1));
        assertEquals(BackgroundProcessStatus.State.PROCESSING, f.plans.status(plan).state());

        f.plans.executeCampaignJob(plan.id(), JobIds.of(0));
        f.plans.executeCampaignJob(plan.id(), JobIds.of(0));
        assertEquals(1, f.git.count("preview"), "an executed job is not executed again");
        RevisionNotFoundException noBase = assertThrows(RevisionNotFoundException.class,
                () -> f.plans.executeCampaignJob(plan.id(), JobIds.of(1)));
        f.plans.recordFailure(plan.id(), JobIds.of(1), noBase.getMessage());
        f.git.failNext("preview", () -> new PatchDoesNotApplyException("README", "@@ -1 +1 @@", "context differs"));
        assertThrows(PatchDoesNotApplyException.class, () -> f.plans.executeCampaignJob(plan.id(), JobIds.of(2)));
        f.plans.finish(plan.id());
        CampaignPlan done = f.plans.campaignPlan(OWNER, plan.id());
        assertEquals(new JobCounters(3, 1, 2), done.counters());
        BackgroundProcessStatus status = f.plans.status(done);
        assertEquals(BackgroundProcessStatus.State.ERRORED, status.state());
        assertEquals(2, status.errors().size());
        assertTrue(status.errors().get(0).contains("base ref main does not exist in org/b"), status.errors().get(0));
        assertTrue(status.errors().get(1).contains("ended before"), status.errors().get(1));
        List<CampaignJob> jobs = f.plans.jobs(done, 2, 1);
        assertEquals(List.of(JobState.ERRORED, JobState.ERRORED), jobs.stream().map(CampaignJob::state).toList());
        assertEquals(List.of(), f.plans.jobs(done, 5, 3));
        assertEquals(ServiceFixture.PATCH, f.plans.patch(done, JobIds.of(0)).orElseThrow());
        assertThrows(NotFoundException.class, () -> f.plans.patch(done, JobIds.of(7)));
        assertThrows(NotFoundException.class, () -> f.plans.executeCampaignJob(plan.id(), JobIds.of(7)));
        assertThrows(NotFoundException.class, () -> f.plans.finish("nope"));
        assertThrows(NotFoundException.class, () -> f.plans.campaignPlan("bob", plan.id()));
    }

    @Test
    void aPatchLargerThanWhatIsShownReadsAsEmpty() {
        Limits large = new Limits(20, 2 * 1024 * 1024, 8 * 1024 * 1024, 2, 10, 4 * 1024 * 1024, 1024 * 1024);
        CampaignPlanService plans = new CampaignPlanService(f.repos, f.blobs, f.git, f.access, f.processes, f.clock,
                large, "github.com");
        String big = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+" + "b".repeat(CampaignPlanService.MAX_PATCH_SHOWN_BYTES)
                + "\n";
        CampaignPlan plan = plans.createCampaignPlanFromPatches(OWNER, List.of(patch("org/a"),
                p("org/b", "abc1234", "main", big)));
        assertEquals(ServiceFixture.PATCH, plans.patch(plan, JobIds.of(0)).orElseThrow());
        assertTrue(plans.patch(plan, JobIds.of(1)).isEmpty());
    }

    @Test
    void batchesFillAPlanOnceEachAndItsLimitsAndPositionsHold() {
        CampaignPlan plan = f.plans.createCampaignPlan(OWNER);
        assertEquals(BackgroundProcessStatus.State.PROCESSING, f.plans.status(plan).state());
        FailedPreconditionException empty = assertThrows(FailedPreconditionException.class,
                () -> f.plans.execute(OWNER, plan.id()));
        assertTrue(empty.getMessage().contains("has no patches"), empty.getMessage());
        f.plans.addPatches(OWNER, plan.id(), 0, List.of(patch("org/a"), patch("org/b")));
        f.plans.addPatches(OWNER, plan.id(), 0, List.of(patch("org/a"), patch("org/b")));
        assertEquals(2, f.plans.campaignPlan(OWNER, plan.id()).counters().total(), "a repeated batch adds nothing");
        f.plans.addPatches(OWNER, plan.id(), 3, List.of(patch("org/d")));
        FailedPreconditionException gap = assertThrows(FailedPreconditionException.class,
                () -> f.plans.execute(OWNER, plan.id()));
        assertTrue(gap.getMessage().contains("must all hold a patch"), gap.getMessage());

        Function<List<CampaignPlanService.PatchInput>, String> refusal = patches -> assertThrows(
                InvalidInputException.class, () -> f.plans.addPatches(OWNER, plan.id(), 2, patches)).getMessage();
        assertTrue(refusal.apply(List.of(patch("org/B"))).contains("appears twice in the plan (also at position 1)"));
        assertTrue(refusal.apply(List.of(patch("github.com/org/b"))).contains("appears twice in the plan"),
                "the default host's name is not another repository, across batches too");
        assertTrue(f.plans.addPatches(OWNER, plan.id(), 2, List.of(patch("org/c"))).counters().total() == 4);
        String taken = assertThrows(InvalidInputException.class, () -> f.plans.addPatches(OWNER, plan.id(), 3,
                List.of(patch("org/e")))).getMessage();
        assertTrue(taken.contains("is taken by another patch, for org/d"), taken);
        assertThrows(InvalidInputException.class, () -> f.plans.addPatches(OWNER, plan.id(), -1,
                List.of(patch("org/e"))));
        assertThrows(InvalidInputException.class, () -> f.plans.addPatches(OWNER, plan.id(), null,
                List.of(patch("org/e"))));

        CampaignPlan executed = f.plans.execute(OWNER, plan.id());
        assertTrue(executed.executed());
        assertEquals(executed.executedAt(), f.plans.execute(OWNER, plan.id()).executedAt(), "a repeated execute");
        FailedPreconditionException after = assertThrows(FailedPreconditionException.class,
                () -> f.plans.addPatches(OWNER, plan.id(), 4, List.of(patch("org/e"))));
        assertTrue(after.getMessage().contains("was executed"), after.getMessage());
    }

    @Test
    void aPlanHoldsAtMostItsLimitOfPatchesAndBytes() {
        CampaignPlan plan = f.plans.createCampaignPlan(OWNER);
        for (int batch = 0; batch < 2; batch++) {
            List<CampaignPlanService.PatchInput> patches = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                patches.add(patch("org/r" + (batch * 10 + i)));
            }
            f.plans.addPatches(OWNER, plan.id(), batch * 10, patches);
        }
        String tooMany = assertThrows(InvalidInputException.class, () -> f.plans.addPatches(OWNER, plan.id(), 20,
                List.of(patch("org/x")))).getMessage();
        assertTrue(tooMany.contains("holds at most 20"), tooMany);

        CampaignPlan big = f.plans.createCampaignPlan(OWNER);
        for (int i = 0; i < 5; i++) {
            f.plans.addPatches(OWNER, big.id(), i, List.of(p("org/b" + i, "abc1234", "main",
                    "x".repeat(990) + i)));
        }
        String tooBig = assertThrows(InvalidInputException.class, () -> f.plans.addPatches(OWNER, big.id(), 5,
                List.of(p("org/b5", "abc1234", "main", "y".repeat(990))))).getMessage();
        assertTrue(tooBig.contains("the limit is 5000 bytes"), tooBig);
        assertThrows(NotFoundException.class, () -> f.plans.addPatches(OWNER, "nope", 0, List.of(patch("org/a"))));
    }

    @Test
    void aPatchUploadedInPartsIsAssembledCheckedAndNamedByItsDigest() {
        byte[] whole = ("--- a/big\n+++ b/big\n@@ -1 +1 @@\n-" + "o".repeat(120) + "\n+" + "n".repeat(120) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        String digest = Digests.sha256Hex(whole);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < whole.length; i += 100) {
            parts.add(Base64.getEncoder().encodeToString(Arrays.copyOfRange(whole, i, Math.min(whole.length, i + 100))));
        }
        assertEquals(3, parts.size(), "larger than one part");
        CampaignPlan plan = f.plans.createCampaignPlan(OWNER);
        assertThrows(InvalidInputException.class, () -> f.plans.addPatches(OWNER, plan.id(), 0, List.of(
                new CampaignPlanService.PatchInput("org/a", "abc1234", "main", null, digest))), "no part yet");
        assertEquals(1, f.plans.uploadPatchPart(OWNER, plan.id(), digest, 2, 3, parts.get(2)).receivedParts());
        assertEquals(1, f.plans.uploadPatchPart(OWNER, plan.id(), digest, 2, 3, parts.get(2)).receivedParts(),
                "a part sent again replaces itself");
        String changed = assertThrows(InvalidInputException.class,
                () -> f.plans.uploadPatchPart(OWNER, plan.id(), digest, 0, 4, parts.get(0))).getMessage();
        assertTrue(changed.contains("earlier parts of patch"), changed);
        String wrong = assertThrows(InvalidInputException.class, () -> {
            f.plans.uploadPatchPart(OWNER, plan.id(), digest, 0, 3, parts.get(1));
            f.plans.uploadPatchPart(OWNER, plan.id(), digest, 1, 3, parts.get(1));
        }).getMessage();
        assertTrue(wrong.contains("a part is wrong"), wrong);
        f.plans.uploadPatchPart(OWNER, plan.id(), digest, 0, 3, parts.get(0));
        CampaignPlanService.PatchUploadStatus done = f.plans.uploadPatchPart(OWNER, plan.id(), digest, 1, 3,
                parts.get(1));
        assertTrue(done.complete());
        assertTrue(f.plans.uploadPatchPart(OWNER, plan.id(), digest, 1, 3, parts.get(1)).complete(),
                "a part after completion changes nothing");
        f.plans.addPatches(OWNER, plan.id(), 0, List.of(new CampaignPlanService.PatchInput("org/a", "abc1234",
                "main", null, digest)));
        assertEquals(new String(whole, StandardCharsets.UTF_8), f.plans.patch(plan, JobIds.of(0)).orElseThrow());

        for (Object[] bad : new Object[][] {{"x", 0, 1, parts.get(0), "SHA-256"}, {digest, 0, 0, parts.get(0),
                "parts must be between"}, {digest, 3, 3, parts.get(0), "part must be between"},
                {digest, 0, 3, "%%%", "base64"}, {digest, 0, 3, "", "data"}}) {
            String message = assertThrows(InvalidInputException.class, () -> f.plans.uploadPatchPart(OWNER,
                    plan.id(), (String) bad[0], (Integer) bad[1], (Integer) bad[2], (String) bad[3])).getMessage();
            assertTrue(message.contains((String) bad[4]), message);
        }
        String blank = Digests.sha256Hex("   ".getBytes(StandardCharsets.UTF_8));
        assertTrue(assertThrows(InvalidInputException.class, () -> f.plans.uploadPatchPart(OWNER, plan.id(), blank,
                0, 1, Base64.getEncoder().encodeToString("   ".getBytes(StandardCharsets.UTF_8)))).getMessage()
                .contains("blank"));
        f.plans.execute(OWNER, plan.id());
        assertFalse(assertThrows(FailedPreconditionException.class, () -> f.plans.uploadPatchPart(OWNER, plan.id(),
                digest, 0, 3, parts.get(0))).getMessage().isEmpty());
    }
}
