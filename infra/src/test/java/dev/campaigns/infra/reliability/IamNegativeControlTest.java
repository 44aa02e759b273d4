package dev.campaigns.infra.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.infra.local.iam.IamPolicy;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The negative control of the local IAM: the very campaign that completes with the project's template.yaml does not
 * complete when one grant it needs is removed from a copy of the template, and the refusal is visible where a user
 * looks (the job's error, as the functions record it; the execution history's task failure).
 */
class IamNegativeControlTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void withoutCreateChangesetsSecretGrantNoChangesetIsRecorded() throws Exception {
        ObjectNode template = template();
        ArrayNode policies = (ArrayNode) template.at("/Resources/CreateChangesetFunction/Properties/Policies");
        assertTrue(remove(policies, p -> p.toString().contains("secretsmanager:GetSecretValue")), "the grant was there");
        try (LocalCampaigns stack = start(template)) {
            List<String> errors = failedCampaign(stack, "nosecret");
            assertEquals(2, errors.size(), errors::toString);
            for (String error : errors) {
                assertTrue(error.contains("assumed-role/campaigns-local-CreateChangesetFunctionRole-")
                        && error.contains("is not authorized to perform: secretsmanager:GetSecretValue"), error);
            }
            assertEquals(1, stack.codeHost().pullRequests("nosecret/" + SampleCampaign.repository(1).split("/")[1])
                    .size(), "the steps before CreateChangeset ran: the pull request is open");
            assertTrue(denied(stack, "CreateChangesetFunction", "secretsmanager:GetSecretValue"));
        }
    }

    @Test
    void withoutTheStateMachinesInvokeGrantTheCommitStepNeverRuns() throws Exception {
        ObjectNode template = template();
        ArrayNode policies = (ArrayNode) template.at("/Resources/CampaignsStateMachine/Properties/Policies");
        boolean removed = remove(policies, p -> p.path("LambdaInvokePolicy").path("FunctionName").path("Ref").asText()
                .equals("CommitChangesetFunction"));
        for (JsonNode policy : policies) {
            for (JsonNode statement : policy.path("Statement")) {
                if (statement.path("Resource").isArray()) { // the log delivery statement's Resource is "*"
                    removed |= remove((ArrayNode) statement.path("Resource"), r -> r.path("Fn::Sub").asText()
                            .startsWith("${CommitChangesetFunction.Arn}"));
                }
            }
        }
        assertTrue(removed, "the grant was there");
        try (LocalCampaigns stack = start(template)) {
            List<String> errors = failedCampaign(stack, "noinvoke");
            assertEquals(2, errors.size(), errors::toString);
            for (String error : errors) {
                assertTrue(error.contains("assumed-role/campaigns-local-CampaignsStateMachineRole-")
                        && error.contains("is not authorized to perform: lambda:InvokeFunction on resource: "
                        + "arn:aws:lambda:us-east-1:000000000000:function:CommitChangesetFunction:live"), error);
            }
            assertEquals(0L, stack.lambdas().invocationCounts().get("CommitChangesetFunction"));
            assertTrue(denied(stack, "CampaignsStateMachine", "lambda:InvokeFunction"));
        }
    }

    private static LocalCampaigns start(ObjectNode template) throws Exception {
        return LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_negative0123456789")
                .withTemplate(YAML.writeValueAsString(template)));
    }

    /** Runs a campaign of two repositories to its end; it must have ERRORED, no changeset made: its errors. */
    private static List<String> failedCampaign(LocalCampaigns stack, String owner) {
        CampaignsApi api = ReliabilityStack.api(stack, owner);
        List<CampaignsApi.Patch> patches = ReliabilityStack.repositories(stack, owner, 2);
        String planId = ReliabilityStack.executedPlan(api, patches);
        String id = (String) api.createCampaign(Map.of("name", "IAM control", "branch", "campaigns/iam-control",
                "plan", planId)).get("id");
        Map<String, Object> status = ReliabilityStack.awaitStatus(api, id);
        assertEquals("ERRORED", status.get("state"), status::toString);
        assertEquals(0, status.get("completedCount"));
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) status.get("errors");
        return errors;
    }

    private static boolean denied(LocalCampaigns stack, String principal, String action) {
        return stack.iam().usage().calls().keySet().stream().anyMatch(c -> c.principal().equals(principal)
                && c.action().equals(action) && c.outcome() == IamPolicy.Outcome.IMPLICIT_DENY);
    }

    private static ObjectNode template() throws Exception {
        try (InputStream in = IamNegativeControlTest.class.getClassLoader().getResourceAsStream("template.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        }
    }

    private static boolean remove(ArrayNode array, Predicate<JsonNode> which) {
        boolean removed = false;
        for (Iterator<JsonNode> it = array.iterator(); it.hasNext(); ) {
            if (which.test(it.next())) {
                it.remove();
                removed = true;
            }
        }
        return removed;
    }

}
