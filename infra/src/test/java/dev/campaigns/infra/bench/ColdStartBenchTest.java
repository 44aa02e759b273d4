package dev.campaigns.infra.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.local.SamTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cold-start bench starts each fresh JVM sized as Lambda sizes the function's (issue 19). */
class ColdStartBenchTest {
    @Test
    void everyFunctionRunsWithItsTemplateMemoryAndTheSerialCollector() {
        var sizes = SamTemplate.fromClasspath().memorySizes();
        assertTrue(sizes.size() >= 19, "the template's functions: " + sizes.keySet());
        sizes.forEach((function, mb) -> assertEquals(List.of("-XX:MaxRAM=" + mb + "m", "-XX:+UseSerialGC"),
                ColdStartBench.lambdaJvmOptions(function), function));
        // template.yaml's Globals give every function 1024 MB
        assertEquals("-XX:MaxRAM=1024m", ColdStartBench.lambdaJvmOptions("ExecuteCampaignJobFunction").get(0));
    }

    @Test
    void anUnknownFunctionIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> ColdStartBench.lambdaJvmOptions("NoSuchFunction"));
        assertEquals("template.yaml has no function NoSuchFunction", e.getMessage());
    }
}
