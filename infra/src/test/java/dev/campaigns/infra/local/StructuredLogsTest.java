package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.sfn.InvocationResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.Test;

/**
 * The functions' logging as deployed: with the deployment jar's {@code log4j2.properties} (not the local runtime's
 * readable lines), a handler's log lines are JSON objects on stdout from INFO up, carrying the invocation's function
 * name and request ID, and a step's failure is a WARN line. Runs real handlers in process through the local
 * runtime, then restores the local logging.
 */
class StructuredLogsTest {
    private static final String TOKEN = "ghp_structuredLogs0123456789";

    @Test
    void aHandlersLinesAreJsonFromInfoUp_withTheFunctionAndRequest_andAFailedStepIsAWarning() throws Exception {
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(TOKEN))) {
            CampaignsApi api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "erin"));
            String repo = "logs/" + SampleCampaign.repository(1).split("/")[1];
            String planId = api.createPlan(List.of(new Patch(repo,
                    stack.codeHost().createRepository(repo, SampleCampaign.files(1)), "main", SampleCampaign.patch())));
            api.awaitPlan(planId, Duration.ofSeconds(90));

            String output = withDeployedLogging(() -> {
                InvocationResult ok = stack.lambdas().invoke("FinishCampaignPlanFunction",
                        "{\"campaignPlanId\":\"" + planId + "\"}");
                assertFalse(ok.isFunctionError(), ok::errorMessage);
                InvocationResult failed = stack.lambdas().invoke("FinishCampaignFunction",
                        "{\"campaignId\":\"no-such-campaign\"}");
                assertEquals("dev.campaigns.workflow.PermanentStepFailure", failed.errorType());
            });

            ObjectMapper json = new ObjectMapper();
            List<JsonNode> lines = new ArrayList<>();
            for (String line : output.split("\n")) {
                if (line.contains("FinishCampaign")) {
                    JsonNode event = json.readTree(line); // every such line is one JSON object
                    assertTrue(event.isObject(), line);
                    lines.add(event);
                }
            }
            JsonNode info = only(lines, "INFO", "FinishCampaignPlan ");
            assertEquals("FinishCampaignPlanFunction", info.path("function_name").asText());
            assertFalse(info.path("function_request_id").asText().isBlank(), info::toString);
            assertTrue(info.path("message").asText().contains(planId), info::toString);
            assertNotNull(info.get("timestamp"), info::toString);
            JsonNode warn = only(lines, "WARN", "FinishCampaign failed");
            assertEquals("FinishCampaignFunction", warn.path("function_name").asText());
            assertTrue(warn.path("message").asText().contains("no-such-campaign"), warn::toString);
            assertFalse(info.path("function_request_id").asText().equals(warn.path("function_request_id").asText()),
                    "each invocation has its own request ID");
            assertTrue(lines.stream().noneMatch(l -> l.path("level").asText().matches("DEBUG|TRACE")), output);
            assertFalse(output.contains(TOKEN), "the token is never logged");
        }
    }

    private static JsonNode only(List<JsonNode> lines, String level, String messageStart) {
        List<JsonNode> found = lines.stream().filter(l -> level.equals(l.path("level").asText())
                && l.path("message").asText().startsWith(messageStart)).toList();
        assertEquals(1, found.size(), () -> level + " \"" + messageStart + "...\" in " + lines);
        return found.get(0);
    }

    /** Runs {@code body} with log4j configured from the deployment's log4j2.properties; returns what went to stdout. */
    private static String withDeployedLogging(Runnable body) throws Exception {
        URI deployed = StructuredLogsTest.class.getClassLoader().getResource("log4j2.properties").toURI();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        URI local = context.getConfigLocation();
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            context.setConfigLocation(deployed); // its console appender binds to the captured stdout
            body.run();
        } finally {
            System.setOut(stdout);
            if (local != null) {
                context.setConfigLocation(local);
            } else {
                context.reconfigure();
            }
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
