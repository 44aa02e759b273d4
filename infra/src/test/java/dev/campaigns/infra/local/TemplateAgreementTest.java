package dev.campaigns.infra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.handlers.Handlers;
import dev.campaigns.handlers.Services;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** template.yaml, the handler classes, statemachine.asl.json and schema.graphql name the same things. */
class TemplateAgreementTest {
    private final SamTemplate template = SamTemplate.fromClasspath();

    @Test
    void everyFunctionsHandlerIsAStreamHandlerWithTheLambdaConstructor_andTheWiringBuildsIt() throws Exception {
        assertFalse(template.functions().isEmpty());
        Services services = new Services(Map.of());
        for (SamTemplate.Function f : template.functions()) {
            Class<?> type = Class.forName(f.handlerClass());
            assertTrue(RequestStreamHandler.class.isAssignableFrom(type), f.handlerClass());
            type.getConstructor();
            assertEquals(type, Handlers.create(f.handlerClass(), services).getClass(), f.handlerClass());
            assertEquals(f.logicalId(), type.getSimpleName().replace("Handler", "") + "Function",
                    "a function is named after its handler");
        }
    }

    @Test
    void theWiringKnowsExactlyTheTemplatesHandlers() {
        Set<String> wired = new TreeSet<>();
        Handlers.classes().forEach(c -> wired.add(c.getName()));
        Set<String> named = new TreeSet<>();
        template.functions().forEach(f -> named.add(f.handlerClass()));
        assertEquals(named, wired, "dev.campaigns.handlers.Handlers and template.yaml's functions");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Handlers.create("dev.campaigns.handlers.NoSuchHandler", new Services(Map.of())));
        assertTrue(unknown.getMessage().contains("dev.campaigns.handlers.NoSuchHandler"), unknown.getMessage());
    }

    @Test
    void theStateMachinesSubstitutionsAreExactlyItsPlaceholders_andEachTaskStateCallsItsOwnFunction() throws Exception {
        String definition;
        try (InputStream in = SamTemplate.resource(template.stateMachine().definitionUri())) {
            definition = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> placeholders = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(definition);
        while (m.find()) {
            placeholders.add(m.group(1));
        }
        assertEquals(placeholders, new TreeSet<>(template.stateMachine().substitutions().keySet()));
        Set<String> functions = new HashSet<>();
        template.functions().forEach(f -> functions.add(f.logicalId()));
        template.stateMachine().substitutions().forEach((name, value) -> {
            String target = value.path("Ref").asText().replace(".Alias", "");
            assertTrue(functions.contains(target), name + " -> " + target);
            assertEquals(name, target + "Arn");
        });
        int tasks = checkTasks(new ObjectMapper().readTree(definition).path("States"));
        assertEquals(placeholders.size(), tasks, "one Task state per workflow function");
    }

    private int checkTasks(JsonNode states) {
        int tasks = 0;
        var it = states.fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode state = e.getValue();
            if ("Task".equals(state.path("Type").asText())) {
                tasks++;
                assertEquals("${" + e.getKey() + "FunctionArn}", state.path("Parameters").path("FunctionName").asText(),
                        "state " + e.getKey() + " calls the function named after it");
            }
            JsonNode processor = state.has("ItemProcessor") ? state.get("ItemProcessor") : state.path("Iterator");
            if (processor.has("States")) {
                tasks += checkTasks(processor.get("States"));
            }
        }
        return tasks;
    }

    @Test
    void everyResolverIsAFieldOfTheSchema() throws Exception {
        String sdl;
        try (InputStream in = SamTemplate.resource("schema.graphql")) {
            sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        TypeDefinitionRegistry types = new SchemaParser().parse(
                "scalar AWSDateTime\nscalar AWSURL\n" + sdl);
        assertFalse(template.resolvers().isEmpty());
        for (SamTemplate.Resolver r : template.resolvers()) {
            var type = types.getType(r.typeName(), graphql.language.ObjectTypeDefinition.class).orElseThrow();
            assertTrue(type.getFieldDefinitions().stream().anyMatch(f -> f.getName().equals(r.fieldName())),
                    r.typeName() + "." + r.fieldName());
        }
        assertTrue(template.schemaLocation().endsWith("schema.graphql"));
    }
}
