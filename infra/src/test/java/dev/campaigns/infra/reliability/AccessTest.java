package dev.campaigns.infra.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.infra.sfn.InvocationResult;
import graphql.language.Directive;
import graphql.language.ObjectTypeDefinition;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Access: the API accepts IAM and Cognito user pool callers (template.yaml, and the schema's directives without which
 * AppSync refuses the additional mode), and every resolver checks that the caller owns the plan or campaign it reads,
 * creates from or retries. Another identity is refused exactly as if the object did not exist: it learns nothing, not
 * even that the ID is taken, and changes nothing.
 */
class AccessTest {
    private static LocalCampaigns stack;
    private static CampaignsApi alice;
    private static CampaignsApi mallory;
    private static String planId;
    private static String campaignId;

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_access0123456789"));
        alice = ReliabilityStack.api(stack, "alice-sub-1");
        mallory = ReliabilityStack.api(stack, "mallory-sub-2");
        List<Patch> patches = ReliabilityStack.repositories(stack, "access", 2);
        stack.codeHost().faults().add(dev.campaigns.infra.codehost.Fault.on("POST",
                "/api/v3/repos/" + patches.get(1).repository() + "/pulls").times(1).status(502));
        stack.codeHost().faults().add(dev.campaigns.infra.codehost.Fault.on("POST",
                "/api/v3/repos/" + patches.get(1).repository() + "/pulls").status(403,
                "{\"message\":\"Resource not accessible by integration\"}", Map.of()));
        planId = ReliabilityStack.executedPlan(alice, patches);
        campaignId = (String) alice.createCampaign(Map.of("name", "Alice's", "branch", "campaigns/alice", "plan", planId,
                "idempotencyKey", "shared-key")).get("id");
        assertEquals("ERRORED", ReliabilityStack.awaitStatus(alice, campaignId).get("state"));
        stack.codeHost().faults().clear();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theTemplateAcceptsIamAndCognitoUserPools_andEveryTypeNamesBothModes() throws Exception {
        JsonNode api;
        try (InputStream in = AccessTest.class.getClassLoader().getResourceAsStream("template.yaml")) {
            api = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(in)
                    .path("Resources").path("CampaignsApi").path("Properties");
        }
        assertEquals("AWS_IAM", api.path("AuthenticationType").asText());
        assertEquals("AMAZON_COGNITO_USER_POOLS", api.path("AdditionalAuthenticationProviders").path(0)
                .path("AuthenticationType").asText());
        String sdl;
        try (InputStream in = AccessTest.class.getClassLoader().getResourceAsStream("schema.graphql")) {
            sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        TypeDefinitionRegistry types = new SchemaParser().parse(sdl);
        List<ObjectTypeDefinition> objects = types.getTypes(ObjectTypeDefinition.class);
        assertTrue(objects.size() >= 10);
        for (ObjectTypeDefinition type : objects) {
            Set<String> directives = type.getDirectives().stream().map(Directive::getName).collect(Collectors.toSet());
            assertEquals(Set.of("aws_iam", "aws_cognito_user_pools"), directives, type.getName());
        }
    }

    @Test
    void anotherIdentityCannotReadAForeignPlanOrCampaign_andLearnsNothing() {
        assertEquals(planId, alice.plan(planId).get("id"));
        assertNull(mallory.client().data(CampaignsApi.PLAN, Map.of("id", planId)).get("campaignPlan"));
        assertNull(mallory.client().data(CampaignsApi.CAMPAIGN, Map.of("id", campaignId, "first", 5)).get("campaign"));
        @SuppressWarnings("unchecked")
        List<Object> listed = (List<Object>) ((Map<String, Object>) mallory.client().data(
                "{ campaigns { nodes { id } } }", Map.of()).get("campaigns")).get("nodes");
        assertEquals(List.of(), listed);
        // the same answers as for IDs that do not exist at all
        assertNull(mallory.client().data(CampaignsApi.PLAN, Map.of("id", "no-such-plan")).get("campaignPlan"));
    }

    @Test
    void anotherIdentityCannotCreateFromAForeignPlan_norRetryAForeignCampaign_andChangesNothing() {
        String foreignPlan = refusal(() -> mallory.createCampaign(Map.of("name", "Steal", "branch", "x", "plan", planId)));
        String missingPlan = refusal(() -> mallory.createCampaign(Map.of("name", "Steal", "branch", "x",
                "plan", "11111111-1111-1111-1111-111111111111")));
        assertEquals(missingPlan.replace("11111111-1111-1111-1111-111111111111", planId), foreignPlan,
                "a foreign plan is refused exactly as a missing one");
        assertTrue(foreignPlan.contains("NotFoundException"), foreignPlan);

        int executions = stack.stepFunctions().listExecutions(stack.stateMachineArn(), null).size();
        String foreignRetry = refusal(() -> mallory.retryCampaign(campaignId));
        String missingRetry = refusal(() -> mallory.retryCampaign("no-such-campaign"));
        assertEquals(missingRetry.replace("no-such-campaign", campaignId), foreignRetry);
        String foreignCancel = refusal(() -> mallory.cancelCampaign(campaignId));
        String missingCancel = refusal(() -> mallory.cancelCampaign("no-such-campaign"));
        assertEquals(missingCancel.replace("no-such-campaign", campaignId), foreignCancel,
                "a foreign campaign's cancel is refused exactly as a missing one's");
        assertEquals(executions, stack.stepFunctions().listExecutions(stack.stateMachineArn(), null).size(),
                "no execution started");
        assertEquals("ERRORED", CampaignsApi.status(alice.campaign(campaignId, 1, null), "changesetCreationStatus")
                .get("state"), "alice's campaign is untouched");
    }

    @Test
    void anIdempotencyKeyIsScopedToItsCaller() {
        String mine = (String) mallory.createCampaign(Map.of("name", "Mine", "branch", "campaigns/mine",
                "plan", ReliabilityStack.executedPlan(mallory, ReliabilityStack.repositories(stack, "mallory", 1)),
                "idempotencyKey", "shared-key")).get("id");
        assertNotEquals(campaignId, mine, "the same key of another caller is another campaign");
        assertNull(alice.client().data(CampaignsApi.CAMPAIGN, Map.of("id", mine, "first", 1)).get("campaign"));
    }

    @Test
    void aRequestWithoutACallerIdentityIsRefused() {
        InvocationResult result = stack.lambdas().invoke("QueryResolverFunction",
                "{\"arguments\":{\"id\":\"" + campaignId + "\"},\"identity\":null,"
                        + "\"info\":{\"parentTypeName\":\"Query\",\"fieldName\":\"campaign\"}}");
        assertTrue(result.isFunctionError());
        assertTrue(result.errorType().endsWith("UnauthorizedException"), result.errorType());
        assertTrue(!result.errorMessage().contains("Alice"), result.errorMessage());
    }

    private static String refusal(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        throw new AssertionError("the call was accepted");
    }
}
