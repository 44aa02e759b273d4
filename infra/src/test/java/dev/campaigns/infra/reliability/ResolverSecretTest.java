package dev.campaigns.infra.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.local.LocalCampaigns;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege: only the functions that reach the code host may read the token secret (template.yaml gives the
 * resolvers no Secrets Manager policy, and the local IAM would refuse them). Here, beyond that, every function is
 * configured with a secret ARN that exists nowhere and a Secrets Manager endpoint that answers every call with an
 * error: the resolvers still create and read plans, so they never ask for the secret.
 */
class ResolverSecretTest {
    private static LocalCampaigns stack;
    private static CampaignsApi alice;

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_unused0123456789"),
                new LocalCampaigns.Hooks(i -> i, env -> {
                    Map<String, String> e = new HashMap<>(env);
                    e.put("CODE_HOST_TOKEN_SECRET_ARN",
                            "arn:aws:secretsmanager:us-east-1:000000000000:secret:campaigns-code-host-token");
                    // An endpoint that answers every Secrets Manager call at once with an error (DynamoDB's).
                    e.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", env.get("AWS_ENDPOINT_URL_DYNAMODB"));
                    return e;
                }));
        alice = ReliabilityStack.api(stack, "alice-sub-secret");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void resolversServeWithoutReadingTheTokenSecret() {
        List<CampaignsApi.Patch> patches = ReliabilityStack.repositories(stack, "secretless", 1);
        String planId = alice.createPlan(patches);
        assertNotNull(planId);
        assertEquals(planId, alice.plan(planId).get("id"));
        Map<String, Object> campaigns = alice.client().data("{ campaigns { nodes { id } } }", Map.of());
        assertEquals(Map.of("nodes", List.of()), campaigns.get("campaigns"));
    }
}
