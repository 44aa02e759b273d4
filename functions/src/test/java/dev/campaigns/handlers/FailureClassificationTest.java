package dev.campaigns.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.git.PatchDoesNotApplyException;
import dev.campaigns.git.RemoteUnavailableException;
import dev.campaigns.git.UnexpectedGitException;
import dev.campaigns.handlers.FailureClassification.Kind;
import dev.campaigns.service.NotFoundException;
import dev.campaigns.workflow.PermanentStepFailure;
import dev.campaigns.workflow.StepFailure;
import dev.campaigns.workflow.TransientStepFailure;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** The failure table, row by row, and its names against statemachine.asl.json's. */
class FailureClassificationTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new UnexpectedGitException("bug", new NullPointerException()), Kind.UNEXPECTED),
                Arguments.of(new RemoteUnavailableException("connection reset"), Kind.TRANSIENT),
                Arguments.of(new PatchDoesNotApplyException("a.txt", "@@ -1 +1 @@", "context differs"),
                        Kind.PERMANENT),
                Arguments.of(new CodeHostException(CodeHostException.Kind.RATE_LIMITED, 429, "slow down",
                        Duration.ofSeconds(30), null), Kind.RATE_LIMITED),
                Arguments.of(new CodeHostException(CodeHostException.Kind.SERVER_ERROR, "502", null), Kind.TRANSIENT),
                Arguments.of(new CodeHostException(CodeHostException.Kind.NOT_FOUND, "404", null), Kind.PERMANENT),
                Arguments.of(new dev.campaigns.store.DynamoTableBusy().busy(), Kind.TRANSIENT),
                Arguments.of(new NotFoundException("campaign", "c"), Kind.PERMANENT),
                Arguments.of(new IllegalStateException("campaign c does not exist"), Kind.PERMANENT),
                Arguments.of(new IllegalArgumentException("bad"), Kind.PERMANENT),
                Arguments.of(SdkClientException.create("connect timed out"), Kind.TRANSIENT),
                Arguments.of(dynamo(400, "ThrottlingException"), Kind.TRANSIENT),
                Arguments.of(dynamo(500, "InternalServerError"), Kind.TRANSIENT),
                Arguments.of(dynamo(400, "AccessDeniedException"), Kind.UNEXPECTED),
                Arguments.of(new NullPointerException(), Kind.UNEXPECTED),
                Arguments.of(new UnsupportedOperationException("later"), Kind.UNEXPECTED),
                Arguments.of(new RuntimeException("who knows"), Kind.UNEXPECTED));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("cases")
    void eachRowDecides_andAnythingUnknownIsUnexpected(RuntimeException error, Kind kind) {
        assertEquals(kind, FailureClassification.kindOf(error));
        StepFailure failure = FailureClassification.classify(error, "message");
        assertEquals(kind.failure("x").getClass(), failure.getClass());
        assertEquals("message", failure.getMessage());
    }

    @Test
    void aStepFailureIsPassedOnAsItIs() {
        TransientStepFailure already = new TransientStepFailure("again");
        assertSame(already, FailureClassification.classify(already, "other"));
    }

    @Test
    void everyRowIsReachable() {
        // a row after a broader row of the same type with no condition would never decide
        for (int i = 0; i < FailureClassification.RULES.size(); i++) {
            FailureClassification.Rule later = FailureClassification.RULES.get(i);
            for (int j = 0; j < i; j++) {
                FailureClassification.Rule earlier = FailureClassification.RULES.get(j);
                assertFalse(earlier.type().isAssignableFrom(later.type()) && earlier.when().equals("always"),
                        "row " + i + " (" + later.type().getSimpleName() + ") is shadowed by row " + j);
            }
        }
    }

    /** Every name the state machine retries or catches resolves; every StepFailure class is handled there. */
    @Test
    void theStateMachineNamesExactlyTheStepFailures() throws Exception {
        JsonNode asl = new ObjectMapper().readTree(Path.of("..", "statemachine.asl.json").toFile());
        Set<String> retried = new HashSet<>();
        Set<String> caught = new HashSet<>();
        collect(asl, retried, caught);
        Set<String> allNamed = new HashSet<>(retried);
        allNamed.addAll(caught);
        for (String name : allNamed) {
            if (name.startsWith("dev.campaigns.")) {
                Class<?> type = Class.forName(name);
                assertTrue(StepFailure.class.isAssignableFrom(type), name + " is a StepFailure");
            } else {
                assertTrue(name.startsWith("States.") || name.startsWith("Lambda.") || name.startsWith("Sandbox."),
                        "an error name of Step Functions or Lambda: " + name);
            }
        }
        List<Class<?>> failures = stepFailureClasses();
        assertEquals(Kind.values().length, failures.size(), "one StepFailure class per kind: " + failures);
        for (Class<?> failure : failures) {
            if (failure == PermanentStepFailure.class) {
                assertFalse(retried.contains(failure.getName()), "a permanent failure is never retried");
            } else {
                assertTrue(retried.contains(failure.getName()), failure.getName() + " is retried by the state machine");
            }
        }
        assertTrue(caught.contains("States.ALL"), "every failure is finally caught and recorded");
    }

    private static void collect(JsonNode node, Set<String> retried, Set<String> caught) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("Retry") || field.getKey().equals("Catch")) {
                    for (JsonNode rule : field.getValue()) {
                        rule.path("ErrorEquals").forEach(n -> (field.getKey().equals("Retry") ? retried : caught)
                                .add(n.asText()));
                    }
                }
                collect(field.getValue(), retried, caught);
            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, retried, caught));
        }
    }

    /** The concrete StepFailure classes of the workflow package, found on the class path. */
    private static List<Class<?>> stepFailureClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = Path.of(StepFailure.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(StepFailure.class.getPackageName().replace('.', '/'));
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = file.getFileName().toString().replace(".class", "");
                Class<?> type = Class.forName(StepFailure.class.getPackageName() + "." + name);
                if (StepFailure.class.isAssignableFrom(type) && !Modifier.isAbstract(type.getModifiers())) {
                    found.add(type);
                }
            }
        }
        return found;
    }

    private static DynamoDbException dynamo(int status, String code) {
        return (DynamoDbException) DynamoDbException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
                .message(code).build();
    }
}
