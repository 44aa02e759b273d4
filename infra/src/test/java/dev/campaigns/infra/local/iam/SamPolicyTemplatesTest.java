package dev.campaigns.infra.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.local.SamTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The SAM policy templates the local IAM expands are SAM's: each entry of the project's
 * {@code sam-policy-templates.json} equals SAM's own table ({@code ../shared/aws/sam-policy-templates.json}, skipped
 * where that folder is absent), and every template {@code template.yaml} uses is there.
 */
class SamPolicyTemplatesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyTemplateTheProjectExpandsIsSamsOwn() throws Exception {
        Path shared = Path.of("").toAbsolutePath().getParent().resolveSibling("shared")
                .resolve("aws/sam-policy-templates.json");
        Assumptions.assumeTrue(Files.isRegularFile(shared), "SAM's policy template table is not here (" + shared
                + " is absent, as in a user's clone): the comparison with it is skipped");
        JsonNode sam = JSON.readTree(shared.toFile()).path("Templates");
        JsonNode ours = TemplatePolicies.samTemplates();
        List<String> names = new ArrayList<>();
        ours.fieldNames().forEachRemaining(names::add);
        assertTrue(names.size() >= 5, names::toString);
        for (String name : names) {
            assertTrue(sam.has(name), name + " is no SAM policy template");
            assertEquals(sam.get(name), ours.get(name), name + " differs from SAM's definition");
        }
    }

    @Test
    void everyTemplateTheTemplateUsesIsKnown() {
        SamTemplate template = SamTemplate.fromClasspath();
        Set<String> used = new TreeSet<>();
        for (String type : List.of("AWS::Serverless::Function", "AWS::Serverless::StateMachine")) {
            template.resources(type).values().forEach(r -> r.path("Properties").path("Policies").forEach(p -> {
                if (p.isObject() && !p.has("Statement")) {
                    p.fieldNames().forEachRemaining(used::add);
                }
            }));
        }
        assertTrue(used.contains("SQSSendMessagePolicy"), used::toString); // the secrets grants are inline statements (Fn::Split)
        for (String name : used) {
            assertTrue(TemplatePolicies.samTemplates().has(name), "template.yaml uses " + name
                    + ", which sam-policy-templates.json lacks");
        }
    }
}
