package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.infra.bench.BenchCampaign;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.PlanUploader;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.sfn.ExecutionDescription;
import dev.campaigns.service.CampaignPlanService;
import dev.campaigns.service.CampaignPlanService.PatchInput;
import dev.campaigns.service.InvalidInputException;
import dev.campaigns.service.Limits;
import dev.campaigns.service.OnDemandCodeHostAccess;
import dev.campaigns.store.CampaignStore;
import dev.campaigns.store.DynamoBlobStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Plans larger than one request, through the local AppSync with AWS's limits on: created empty, filled in batches
 * (a large patch in parts), executed. A plan of several batches completes; a batch over a request's limits is refused
 * with a clear error and writes nothing; a repeated batch adds nothing twice; a plan is executed once and takes no
 * patch after; the plan's limits (10,000 patches, 200 MiB) hold, the byte limit shown on a plan service with a
 * lowered limit against the same tables.
 */
class PlanUploadTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static LocalCampaigns stack;
    private static CampaignsApi api;
    private static GraphQLClient alice;

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_planUploadToken0123456789"));
        alice = new GraphQLClient(stack.graphqlUrl(), "alice");
        api = new CampaignsApi(alice);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** {@code n} new repositories {@code prefix/service-NNNNN} and the sample patch for each, in name order. */
    private static List<Patch> repositories(String prefix, int n) {
        return new BenchCampaign(stack, "alice").repositories(prefix, n);
    }

    static String newFilePatch(String path, int bytes, String seed) {
        return SampleCampaign.newFilePatch(path, bytes, seed);
    }

    private static Map<String, Object> patchMap(Patch p) {
        return Map.of("repository", p.repository(), "baseRevision", p.baseRevision(), "baseRef", p.baseRef(),
                "patch", p.patch());
    }

    private static String createEmptyPlan() {
        return (String) ((Map<?, ?>) alice.data("mutation { createCampaignPlan { id executedAt status { state } } }",
                Map.of()).get("createCampaignPlan")).get("id");
    }

    private static Map<String, Object> add(GraphQLClient client, String plan, int offset, List<Map<String, Object>> patches) {
        return client.execute("mutation($plan: ID!, $offset: Int!, $patches: [CampaignPlanPatch!]!) {"
                + " addPatchesToCampaignPlan(plan: $plan, offset: $offset, patches: $patches) { id status { state"
                + " pendingCount } } }", Map.of("plan", plan, "offset", offset, "patches", patches));
    }

    private static Map<String, Object> execute(String plan) {
        return alice.execute("mutation($plan: ID!) { executeCampaignPlan(plan: $plan) { id executedAt } }",
                Map.of("plan", plan));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(Map<String, Object> response) {
        List<Map<String, Object>> errors = (List<Map<String, Object>>) response.get("errors");
        assertNotNull(errors, "expected an error, got " + response.get("data"));
        assertEquals(1, errors.size(), errors.toString());
        return errors.get(0);
    }

    /** Resolver errors name the exception's class, AppSync's their own type. */
    private static void assertType(String type, Map<String, Object> error) {
        assertTrue(String.valueOf(error.get("errorType")).endsWith("." + type), error.toString());
    }

    private static int pending(String plan) {
        return ((Number) CampaignsApi.status(api.plan(plan), "status").get("pendingCount")).intValue();
    }

    private static long blobItems() {
        return stack.dynamo().scan(ScanRequest.builder().tableName("BlobsTable").select("COUNT").build()).count();
    }

    @Test
    void aPlanOfSeveralBatchesAndALargePatchInPartsCompletes_inOrder() {
        List<Patch> patches = new ArrayList<>(repositories("batches", 7));
        // a 2.5 MiB patch: larger than a batch may carry, so it travels in 3 parts
        String base = stack.codeHost().createRepository("batches/large", SampleCampaign.files(99));
        patches.add(3, new Patch("batches/large", base, "main", newFilePatch("data/large.txt", 2_600_000, "large")));
        PlanUploader.Upload upload = new PlanUploader(alice, 2, 3).upload(patches);
        assertEquals(3, upload.parts());
        assertEquals(3, upload.batches(), "8 patches, 3 a batch");
        assertEquals(1 + 3 + 3 + 1, upload.calls(), "create, parts, batches, execute");
        assertTrue(upload.largestRequestBytes() <= PlanUploader.MAX_REQUEST_BYTES, upload.toString());

        Map<String, Object> plan = api.awaitPlan(upload.planId(), TIMEOUT);
        assertEquals(Map.of("state", "COMPLETED", "completedCount", 8, "pendingCount", 0, "errors", List.of(),
                "unpublishedCount", 0),
                CampaignsApi.status(plan, "status"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) plan.get("jobs");
        assertEquals(patches.stream().map(Patch::repository).toList(),
                jobs.stream().map(j -> j.get("repository")).toList(), "jobs in the uploaded order");
        long added = patches.get(3).patch().lines().filter(l -> l.startsWith("+") && !l.startsWith("+++")).count();
        assertEquals(added, ((Number) ((Map<?, ?>) jobs.get(3).get("diffStat")).get("added")).longValue(),
                "the large patch arrived whole and applies");
    }

    @Test
    void aBatchOverARequestsLimitsIsRefusedWithAClearError_andWritesNothing() {
        String plan = createEmptyPlan();
        long blobs = blobItems();
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 1_001; i++) {
            tooMany.add(Map.of("repository", "many/r" + i, "baseRevision", "main", "baseRef", "main", "patch", "p"));
        }
        Map<String, Object> e = error(add(alice, plan, 0, tooMany));
        assertType("InvalidInputException", e);
        assertTrue(e.get("message").toString().contains("at most 1000 patches per call, got 1001"), e.toString());

        List<Map<String, Object>> tooLarge = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tooLarge.add(Map.of("repository", "large/r" + i, "baseRevision", "main", "baseRef", "main",
                    "patch", newFilePatch("f.txt", 750_000, "r" + i)));
        }
        e = error(add(alice, plan, 0, tooLarge));
        assertType("InvalidInputException", e);
        assertTrue(e.get("message").toString().contains("hold at most 2097152 bytes"), e.toString());
        assertTrue(e.get("message").toString().contains("uploadCampaignPlanPatchPart"), e.toString());

        // beyond what AppSync passes to a function at all: AppSync's own error
        e = error(add(alice, plan, 0, List.of(Map.of("repository", "huge/r", "baseRevision", "main",
                "baseRef", "main", "patch", newFilePatch("f.txt", 6_000_000, "huge")))));
        assertEquals("MappingTemplate", e.get("errorType"));
        assertEquals("Transformation too large", e.get("message"));

        assertEquals(0, pending(plan), "no job written");
        assertEquals(blobs, blobItems(), "no patch written");
    }

    @Test
    void aRepeatedBatchAddsNothingTwice_andAPositionOrRepositoryTakenIsRefused() {
        List<Patch> patches = repositories("repeat", 4);
        String plan = createEmptyPlan();
        List<Map<String, Object>> first = patches.subList(0, 2).stream().map(PlanUploadTest::patchMap).toList();
        assertNull(add(alice, plan, 0, first).get("errors"));
        assertNull(add(alice, plan, 0, first).get("errors"), "the same batch again is accepted");
        assertEquals(2, pending(plan), "and adds nothing");

        Map<String, Object> e = error(add(alice, plan, 0, List.of(patchMap(patches.get(2)))));
        assertType("InvalidInputException", e);
        assertTrue(e.get("message").toString().contains("(plan position 0) is taken by another patch, for repeat/"),
                e.toString());
        e = error(add(alice, plan, 2, List.of(patchMap(patches.get(1)))));
        assertTrue(e.get("message").toString().contains("appears twice in the plan (also at position 1)"),
                e.toString());
        assertEquals(2, pending(plan));

        assertNull(add(alice, plan, 2, patches.subList(2, 4).stream().map(PlanUploadTest::patchMap).toList())
                .get("errors"));
        assertNull(execute(plan).get("errors"));
        Map<String, Object> done = api.awaitPlan(plan, TIMEOUT);
        assertEquals(4, CampaignsApi.status(done, "status").get("completedCount"));
    }

    @Test
    void aPlanIsExecutedOnce_andTakesNoPatchAfterwards() {
        List<Patch> patches = repositories("once", 3);
        String plan = createEmptyPlan();
        Map<String, Object> e = error(execute(plan));
        assertType("FailedPreconditionException", e);
        assertTrue(e.get("message").toString().contains("has no patches"), e.toString());

        // a gap: positions 0 and 2, not 1
        assertNull(add(alice, plan, 0, List.of(patchMap(patches.get(0)))).get("errors"));
        assertNull(add(alice, plan, 2, List.of(patchMap(patches.get(2)))).get("errors"));
        e = error(execute(plan));
        assertTrue(e.get("message").toString().contains("positions 0 to 2 must all hold a patch"), e.toString());
        e = error(alice.execute(CampaignsApi.CREATE_CAMPAIGN, Map.of("input", Map.of("name", "too early",
                "branch", "b", "plan", plan))));
        assertType("FailedPreconditionException", e);
        assertTrue(e.get("message").toString().contains("has not been executed"), e.toString());

        assertNull(add(alice, plan, 1, List.of(patchMap(patches.get(1)))).get("errors"));
        Map<?, ?> started = (Map<?, ?>) ((Map<?, ?>) alice.data("mutation($plan: ID!) { executeCampaignPlan(plan:"
                + " $plan) { executedAt } }", Map.of("plan", plan))).get("executeCampaignPlan");
        Map<?, ?> again = (Map<?, ?>) ((Map<?, ?>) alice.data("mutation($plan: ID!) { executeCampaignPlan(plan:"
                + " $plan) { executedAt } }", Map.of("plan", plan))).get("executeCampaignPlan");
        assertNotNull(started.get("executedAt"));
        assertEquals(started.get("executedAt"), again.get("executedAt"), "the second call started nothing");
        long executions = stack.stepFunctions().listExecutions(stack.stateMachineArn(), null).stream()
                .map(ExecutionDescription::name).filter(("plan-" + plan)::equals).count();
        assertEquals(1, executions);

        e = error(add(alice, plan, 3, List.of(Map.of("repository", "once/late", "baseRevision", "main",
                "baseRef", "main", "patch", SampleCampaign.patch()))));
        assertType("FailedPreconditionException", e);
        assertTrue(e.get("message").toString().contains("no patches can be added"), e.toString());
        e = error(alice.execute(PlanUploaderParts.PART, Map.of("plan", plan, "digest", "0".repeat(64), "part", 0,
                "parts", 1, "data", "eA==")));
        assertType("FailedPreconditionException", e);
        assertEquals("COMPLETED", CampaignsApi.status(api.awaitPlan(plan, TIMEOUT), "status").get("state"));
    }

    @Test
    void aPatchNamedByDigestMustHaveBeenUploadedWholeToThisPlan() throws Exception {
        String plan = createEmptyPlan();
        byte[] patch = newFilePatch("big.txt", 1_500_000, "digest").getBytes(StandardCharsets.UTF_8);
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(patch));
        Map<String, Object> entry = Map.of("repository", "digest/r", "baseRevision", "main", "baseRef", "main",
                "patchDigest", digest);
        Map<String, Object> e = error(add(alice, plan, 0, List.of(entry)));
        assertTrue(e.get("message").toString().contains("names no complete patch of this plan (no part received)"),
                e.toString());

        byte[] first = java.util.Arrays.copyOfRange(patch, 0, 1024 * 1024);
        byte[] second = java.util.Arrays.copyOfRange(patch, 1024 * 1024, patch.length);
        part(plan, digest, 0, first);
        e = error(add(alice, plan, 0, List.of(entry)));
        assertTrue(e.get("message").toString().contains("(1 of 2 parts received)"), e.toString());
        // a wrong second part: refused, the patch is not complete; the right one completes it
        byte[] wrong = second.clone();
        wrong[10] ^= 1;
        e = error(alice.execute(PlanUploaderParts.PART, Map.of("plan", plan, "digest", digest, "part", 1, "parts", 2,
                "data", Base64.getEncoder().encodeToString(wrong))));
        assertTrue(e.get("message").toString().contains("a part is wrong; send it again"), e.toString());
        Map<?, ?> done = part(plan, digest, 1, second);
        assertEquals(Boolean.TRUE, done.get("complete"));
        assertNull(add(alice, plan, 0, List.of(entry)).get("errors"));

        // another user's plan: as if it did not exist
        GraphQLClient bob = new GraphQLClient(stack.graphqlUrl(), "bob");
        e = error(add(bob, plan, 1, List.of(Map.of("repository", "digest/s", "baseRevision", "main",
                "baseRef", "main", "patch", "x"))));
        assertType("NotFoundException", e);
        String bobsPlan = (String) ((Map<?, ?>) bob.data("mutation { createCampaignPlan { id } }", Map.of())
                .get("createCampaignPlan")).get("id");
        e = error(add(bob, bobsPlan, 0, List.of(Map.of("repository", "digest/r", "baseRevision", "main",
                "baseRef", "main", "patchDigest", digest))));
        assertTrue(e.get("message").toString().contains("names no complete patch of this plan"),
                "a patch uploaded to alice's plan is not bob's: " + e);
    }

    private static Map<?, ?> part(String plan, String digest, int part, byte[] data) {
        return (Map<?, ?>) alice.data(PlanUploaderParts.PART, Map.of("plan", plan, "digest", digest, "part", part,
                "parts", 2, "data", Base64.getEncoder().encodeToString(data))).get("uploadCampaignPlanPatchPart");
    }

    @Test
    void aPlanHoldsAtMost10000Patches_and200MiB() {
        String plan = createEmptyPlan();
        Map<String, Object> e = error(add(alice, plan, 9_999, List.of(
                Map.of("repository", "max/a", "baseRevision", "main", "baseRef", "main", "patch", "p"),
                Map.of("repository", "max/b", "baseRevision", "main", "baseRef", "main", "patch", "p"))));
        assertType("InvalidInputException", e);
        assertTrue(e.get("message").toString().contains("positions 9999 to 10000: a campaign plan holds at most"
                + " 10000 patches"), e.toString());
        assertNull(add(alice, plan, 9_999, List.of(Map.of("repository", "max/a", "baseRevision", "main",
                "baseRef", "main", "patch", "p"))).get("errors"), "position 9999 is the last");

        // The byte limit on the plan service against the stack's tables, lowered to 3 MiB so that the test does not
        // upload 200 MiB: the same transaction refuses the batch that would pass it.
        Limits small = new Limits(10_000, 10 * 1024 * 1024, 3L * 1024 * 1024, 100, 1_000, 2 * 1024 * 1024,
                1024 * 1024);
        CampaignPlanService plans = new CampaignPlanService(new CampaignStore(stack.dynamo(), "CampaignsTable"),
                new DynamoBlobStore(stack.dynamo(), "BlobsTable"), null, new OnDemandCodeHostAccess(() -> null),
                (name, input) -> { },
                Clock.systemUTC(), small, null);
        CampaignPlan limited = plans.createCampaignPlan("carol");
        List<PatchInput> batch = List.of(
                new PatchInput("bytes/a", "main", "main", newFilePatch("a.txt", 1_000_000, "a")),
                new PatchInput("bytes/b", "main", "main", newFilePatch("b.txt", 1_000_000, "b")));
        plans.addPatches("carol", limited.id(), 0, batch);
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> plans.addPatches("carol",
                limited.id(), 2, List.of(
                        new PatchInput("bytes/c", "main", "main", newFilePatch("c.txt", 1_000_000, "c")),
                        new PatchInput("bytes/d", "main", "main", newFilePatch("d.txt", 200_000, "d")))));
        assertTrue(refused.getMessage().contains("the limit is 3145728 bytes for all patches of a plan"),
                refused.getMessage());
        assertEquals(2, plans.campaignPlan("carol", limited.id()).counters().total(), "the refused batch added nothing");
        plans.addPatches("carol", limited.id(), 2, List.of(
                new PatchInput("bytes/d", "main", "main", newFilePatch("d.txt", 200_000, "d"))));
        assertEquals(3, plans.campaignPlan("carol", limited.id()).counters().total(), "what fits is added");
    }

    /** The part mutation as the uploader sends it. */
    static final class PlanUploaderParts {
        static final String PART = "mutation($plan: ID!, $digest: String!, $part: Int!, $parts: Int!,"
                + " $data: String!) { uploadCampaignPlanPatchPart(plan: $plan, patchDigest: $digest, part: $part,"
                + " parts: $parts, data: $data) { complete receivedParts } }";
    }
}
