package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * template.yaml deploys as README says: {@code mvn ... -Pdeploy ... package}, then {@code sam deploy --guided} with no
 * {@code sam build} in between. {@code sam deploy} uploads the local paths the template names (the functions'
 * {@code CodeUri} jar as it is, being a zip file; the state machine's {@code DefinitionUri}; the schema's
 * {@code DefinitionS3Location}), so each must be a file that the repository holds or the Maven package builds. And the
 * deployment's stateful parts are kept, its queues say how long they keep messages, its state machine logs its errors,
 * and its user pool has a client for non-browser callers.
 */
class DeployTemplateTest {
    /** README's and the template's build and deploy commands, in order. */
    static final String PACKAGE = "mvn -B -Pdeploy -pl functions -am -DskipTests package";
    static final String DEPLOY = "sam deploy --guided --template-file template.yaml";

    /**
     * The (resource type, property) pairs whose local paths {@code sam package}/{@code sam deploy} uploads
     * (the SAM CLI's packageable resources), for the types this template may use.
     */
    static final Map<String, List<String>> UPLOADED = Map.of(
            "AWS::Serverless::Function", List.of("CodeUri"),
            "AWS::Serverless::StateMachine", List.of("DefinitionUri"),
            "AWS::Serverless::Api", List.of("DefinitionUri"),
            "AWS::Serverless::LayerVersion", List.of("ContentUri"),
            "AWS::Lambda::Function", List.of("Code"),
            "AWS::StepFunctions::StateMachine", List.of("DefinitionS3Location"),
            "AWS::AppSync::GraphQLSchema", List.of("DefinitionS3Location"),
            "AWS::AppSync::Resolver", List.of("RequestMappingTemplateS3Location", "ResponseMappingTemplateS3Location",
                    "CodeS3Location"),
            "AWS::AppSync::FunctionConfiguration", List.of("RequestMappingTemplateS3Location",
                    "ResponseMappingTemplateS3Location", "CodeS3Location"));

    private static final Path ROOT = repositoryRoot();
    private static final JsonNode TEMPLATE = yaml(ROOT.resolve("template.yaml"));

    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("template.yaml")) && Files.isRegularFile(p.resolve("functions/pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no template.yaml above " + Path.of("").toAbsolutePath());
    }

    private static JsonNode yaml(Path file) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode resource(String logicalId) {
        JsonNode r = TEMPLATE.path("Resources").path(logicalId);
        assertFalse(r.isMissingNode(), "template.yaml has no " + logicalId);
        return r;
    }

    private static List<String> ofType(String type) {
        List<String> ids = new ArrayList<>();
        TEMPLATE.path("Resources").fields().forEachRemaining(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                ids.add(e.getKey());
            }
        });
        return ids;
    }

    /** functions/target/ + the shade plugin's finalName in the deploy profile + .jar. */
    private static String deployJar() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(ROOT.resolve("functions/pom.xml").toFile());
        var xpath = XPathFactory.newInstance().newXPath();
        String shade = "//*[local-name()='profile'][*[local-name()='id']='deploy']//*[local-name()='plugin']"
                + "[*[local-name()='artifactId']='maven-shade-plugin']";
        NodeList executions = (NodeList) xpath.evaluate(shade + "//*[local-name()='execution']", pom,
                XPathConstants.NODESET);
        assertEquals(1, executions.getLength(), "the deploy profile shades once");
        assertEquals("package", xpath.evaluate("*[local-name()='phase']", executions.item(0)),
                "the deployment jar is built by the package phase");
        String finalName = xpath.evaluate(".//*[local-name()='finalName']", executions.item(0));
        assertFalse(finalName.isBlank(), "the deploy profile names its jar");
        NodeList impls = (NodeList) xpath.evaluate(".//*[local-name()='transformer']/@implementation",
                executions.item(0), XPathConstants.NODESET);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < impls.getLength(); i++) {
            names.add(impls.item(i).getNodeValue().replaceAll(".*\\.", ""));
        }
        assertTrue(names.containsAll(Set.of("Log4j2PluginCacheFileTransformer", "ServicesResourceTransformer")),
                "the shaded jar merges Log4j's plugin caches and ServiceLoader files: " + names);
        return "functions/target/" + finalName + ".jar";
    }

    @Test
    void everyFunctionsCodeUriIsTheJarTheDeployProfileBuilds() throws Exception {
        String jar = deployJar();
        String global = TEMPLATE.path("Globals").path("Function").path("CodeUri").asText();
        assertEquals(jar, global);
        List<String> functions = ofType("AWS::Serverless::Function");
        assertFalse(functions.isEmpty());
        for (String id : functions) {
            JsonNode r = resource(id);
            assertEquals(jar, r.path("Properties").path("CodeUri").asText(global), id);
            assertFalse(r.path("Metadata").has("BuildMethod"), id + ": nothing here is built by sam build");
        }
    }

    @Test
    void everyOtherLocalPathThatSamDeployUploadsIsAFileOfTheRepository() throws Exception {
        String jar = deployJar();
        int files = 0;
        var it = TEMPLATE.path("Resources").fields();
        while (it.hasNext()) {
            var e = it.next();
            for (String property : UPLOADED.getOrDefault(e.getValue().path("Type").asText(), List.of())) {
                JsonNode value = e.getValue().path("Properties").path(property);
                if (!value.isTextual() || value.asText().startsWith("s3://") || value.asText().equals(jar)) {
                    continue;
                }
                Path file = ROOT.resolve(value.asText());
                assertTrue(Files.isRegularFile(file), e.getKey() + "." + property + " names " + value.asText()
                        + ", which is not a file of the repository");
                files++;
            }
        }
        assertEquals(2, files, "statemachine.asl.json and schema.graphql");
    }

    @Test
    void readmeAndTheTemplatesDescriptionGiveTheSameCommands() throws Exception {
        String description = TEMPLATE.path("Description").asText();
        assertTrue(description.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 1024,
                "CloudFormation takes a Description of at most 1,024 bytes");
        String readme = Files.readString(ROOT.resolve("README.md"));
        int section = readme.indexOf("## Deploying to AWS");
        assertTrue(section >= 0, "README has a section 'Deploying to AWS'");
        String deploying = readme.substring(section, readme.indexOf("\n## ", section + 1));
        for (String text : List.of(description, deploying)) {
            assertTrue(text.contains(PACKAGE), "names " + PACKAGE + ": " + text);
            assertTrue(text.contains(DEPLOY), "names " + DEPLOY + ": " + text);
            assertTrue(text.indexOf(PACKAGE) < text.indexOf(DEPLOY), "package, then deploy: " + text);
            assertFalse(text.contains("sam build &&") || text.lines().anyMatch(l -> l.strip().startsWith("sam build")),
                    "sam build is not a step: " + text);
        }
    }

    @Test
    void theStatefulPartsAreKept_andEveryQueueSaysHowLongItKeepsMessages() {
        for (String id : List.of("CampaignsTable", "CampaignsUserPool")) {
            assertEquals("Retain", resource(id).path("DeletionPolicy").asText(), id);
            assertEquals("Retain", resource(id).path("UpdateReplacePolicy").asText(), id);
        }
        List<String> queues = ofType("AWS::SQS::Queue");
        assertFalse(queues.isEmpty());
        for (String id : queues) {
            JsonNode p = resource(id).path("Properties");
            assertTrue(p.path("MessageRetentionPeriod").isInt(), id + " sets MessageRetentionPeriod");
            String dlq = p.path("RedrivePolicy").path("deadLetterTargetArn").path("Fn::GetAtt").path(0).asText();
            if (!dlq.isEmpty()) {
                assertTrue(resource(dlq).path("Properties").path("MessageRetentionPeriod").asInt()
                        > p.path("MessageRetentionPeriod").asInt(), dlq + " keeps messages longer than " + id);
            }
        }
    }

    @Test
    void theStateMachineLogsItsErrorsToALogGroupWithRetention() {
        JsonNode machine = resource(SamTemplate.fromClasspath().stateMachine().logicalId()).path("Properties");
        JsonNode logging = machine.path("Logging");
        assertEquals("ERROR", logging.path("Level").asText());
        String group = logging.path("Destinations").path(0).path("CloudWatchLogsLogGroup").path("LogGroupArn")
                .path("Fn::GetAtt").path(0).asText();
        JsonNode logGroup = resource(group);
        assertEquals("AWS::Logs::LogGroup", logGroup.path("Type").asText());
        assertTrue(logGroup.path("Properties").path("RetentionInDays").asInt() > 0, "the log group expires events");
        Set<String> granted = new HashSet<>();
        machine.path("Policies").forEach(p -> p.path("Statement").forEach(s -> {
            if ("*".equals(s.path("Resource").asText())) {
                s.path("Action").forEach(a -> granted.add(a.asText()));
            }
        }));
        assertTrue(granted.containsAll(List.of("logs:CreateLogDelivery", "logs:GetLogDelivery",
                "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies", "logs:DescribeLogGroups")), "log delivery permissions: " + granted);
    }

    @Test
    void theUserPoolHasAPublicClientForNonBrowserCallers_asAnOutput() {
        List<String> clients = ofType("AWS::Cognito::UserPoolClient");
        String cli = TEMPLATE.path("Outputs").path("UserPoolClientId").path("Value").path("Ref").asText();
        assertTrue(clients.contains(cli), "output UserPoolClientId names a user pool client: " + clients);
        JsonNode p = resource(cli).path("Properties");
        assertEquals("CampaignsUserPool", p.path("UserPoolId").path("Ref").asText());
        assertFalse(p.path("GenerateSecret").asBoolean(false), "a public client has no secret");
        Set<String> flows = new HashSet<>();
        p.path("ExplicitAuthFlows").forEach(f -> flows.add(f.asText()));
        assertTrue(flows.containsAll(Set.of("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")), flows::toString);
        assertTrue(resource("CampaignsUserPool").path("Properties").path("AdminCreateUserConfig")
                .path("AllowAdminCreateUserOnly").asBoolean(), "nobody signs themselves up with the public client");
    }
}
