package dev.campaigns.infra.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The floor bench's arguments are checked before anything starts (no stack, no fresh JVM), and its stages are the
 * four the issue asks for, in order.
 */
class ColdStartFloorBenchTest {
    @Test
    void theStagesAreTheFloorsFourInOrder() {
        assertEquals(List.of("jvm", "jackson", "dynamodb", "log4j"), ColdStartFloorMain.STAGES);
    }

    @Test
    void aBadArgumentIsNamedBeforeAnythingStarts() {
        var runs = assertThrows(IllegalArgumentException.class,
                () -> ColdStartFloorBench.main(new String[] {"no-such.jar", "--runs", "0"}));
        assertEquals("--runs must be at least 1, not 0", runs.getMessage());
        var stage = assertThrows(IllegalArgumentException.class,
                () -> ColdStartFloorBench.main(new String[] {"no-such.jar", "--stages", "jvm,jit"}));
        assertEquals("unknown stage jit: one of jvm, jackson, dynamodb, log4j, log4j-code", stage.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> ColdStartFloorBench.main(new String[] {"no-such.jar", "--fast"}));
        assertEquals("unknown argument --fast (usage: JAR [--runs N] [--stages S,S...])", unknown.getMessage());
        var jar = assertThrows(IllegalArgumentException.class,
                () -> ColdStartFloorBench.main(new String[] {"no-such.jar"}));
        assertEquals("no-such.jar is missing: mvn -B -Pdeploy -DskipTests package", jar.getMessage());
    }
}
