package dev.campaigns.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The store tests' table ({@link LocalCampaignsTable}) cannot drift from template.yaml's CampaignsTable. */
class TemplateTableDefinitionTest {
    @Test
    void theTestTableIsShapedAsTheTemplateSays() throws Exception {
        Path template = Path.of("..", "template.yaml");
        String text = Files.readString(template);
        int start = text.indexOf("\n  CampaignsTable:");
        assertTrue(start >= 0, "template.yaml declares CampaignsTable");
        // the block ends at the next resource: a line indented exactly two spaces
        java.util.regex.Matcher next = java.util.regex.Pattern.compile("\n  \\S").matcher(text);
        int end = next.find(start + 3) ? next.start() : text.length();
        String block = text.substring(start, end);
        for (String line : LocalCampaignsTable.DEFINITION) {
            assertTrue(block.contains(line), "template.yaml's CampaignsTable says " + line);
        }
    }
}
