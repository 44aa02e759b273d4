package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Definitions are parsed once into typed states; what the States Language allows but the engine does not
 * implement is refused at CreateStateMachine with an error naming the state and the field, and nothing is created.
 */
class DefinitionParserTest extends SfnTestSupport {

    private final LocalStepFunctions sfn = engine(fast());

    @AfterEach
    void close() {
        sfn.close();
    }

    /** CreateStateMachine's InvalidDefinition message for a definition (single quotes allowed). */
    private String refusal(String definition) {
        StepFunctionsException e = assertThrows(StepFunctionsException.class,
                () -> sfn.createStateMachine("refused", def(definition), ROLE), definition);
        assertEquals("InvalidDefinition", e.errorCode());
        assertTrue(sfn.listStateMachines().isEmpty(), "nothing is created");
        return e.getMessage();
    }

    private static void assertNames(String message, String state, String field) {
        assertTrue(message.contains("'" + field + "'") && message.contains("state '" + state + "'")
                && message.contains("/States/" + state + "/"), message);
    }

    @Test
    void whatTheEngineDoesNotImplementIsRefusedNamingStateAndField() {
        String assign = refusal("{'StartAt':'Count','States':{'Count':{'Type':'Pass','Assign':{'n':1},"
                + "'End':true}}}");
        assertNames(assign, "Count", "Assign");
        assertTrue(assign.contains("not implemented by the local engine (variables)"), assign);

        String jsonata = refusal("{'StartAt':'T','States':{'T':{'Type':'Task','QueryLanguage':'JSONata',"
                + "'Resource':'" + FN_ARN + "f','Arguments':{'x':'{% $states.input %}'},'End':true}}}");
        assertNames(jsonata, "T", "QueryLanguage");
        assertNames(jsonata, "T", "Arguments");
        assertTrue(refusal("{'QueryLanguage':'JSONata','StartAt':'P','States':{'P':{'Type':'Pass','End':true}}}")
                .contains("'QueryLanguage' is not implemented by the local engine (JSONata) at /QueryLanguage"));

        assertNames(refusal("{'StartAt':'M','States':{'M':{'Type':'Map','ItemReader':{'Resource':"
                + "'arn:aws:states:::s3:getObject'},'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED',"
                + "'ExecutionType':'STANDARD'},'StartAt':'P','States':{'P':{'Type':'Pass','End':true}}},"
                + "'End':true}}}"), "M", "ItemReader");
        assertNames(refusal("{'StartAt':'M','States':{'M':{'Type':'Map','ItemProcessor':{'ProcessorConfig':{"
                + "'Mode':'DISTRIBUTED','ExecutionType':'EXPRESS'},'StartAt':'P','States':{'P':{'Type':'Pass',"
                + "'End':true}}},'End':true}}}"), "M", "ExecutionType");
        assertNames(refusal("{'StartAt':'M','States':{'M':{'Type':'Map','ItemBatcher':{'MaxItemsPerBatch':2},"
                + "'ItemProcessor':{'StartAt':'P','States':{'P':{'Type':'Pass','End':true}}},'End':true}}}"),
                "M", "ItemBatcher");
        assertNames(refusal("{'StartAt':'T','States':{'T':{'Type':'Task','Resource':'" + FN_ARN + "f',"
                + "'Credentials':{'RoleArn':'arn:aws:iam::1:role/x'},'End':true}}}"), "T", "Credentials");
        assertNames(refusal("{'StartAt':'T','States':{'T':{'Type':'Task','Resource':'" + FN_ARN + "f',"
                + "'Catch':[{'ErrorEquals':['States.ALL'],'Assign':{'x':1},'Next':'D'}],'End':true},"
                + "'D':{'Type':'Succeed'}}}"), "T", "Assign");
        assertNames(refusal("{'StartAt':'C','States':{'C':{'Type':'Choice','Choices':[{'Condition':'{% true %}',"
                + "'Next':'D'}]},'D':{'Type':'Succeed'}}}"), "C", "Condition");
    }

    @Test
    void unknownFieldsAndWrongTypesAreRefusedAsAwsDoes() {
        String unknown = refusal("{'StartAt':'P','States':{'P':{'Type':'Pass','Reslt':'typo','End':true}}}");
        assertTrue(unknown.contains("SCHEMA_VALIDATION_FAILED: the field 'Reslt' is not supported in state 'P' "
                + "at /States/P/Reslt"), unknown);
        assertTrue(refusal("{'StartAt':'C','States':{'C':{'Type':'Choice','Choices':[{'Variable':'$.n',"
                + "'NumericEquals':'10','Next':'D'}]},'D':{'Type':'Succeed'}}}")
                .contains("NumericEquals needs a number value"));
        assertTrue(refusal("{'StartAt':'C','States':{'C':{'Type':'Choice','Choices':[{'Variable':'$.n',"
                + "'NumericEquals':1,'StringEquals':'x','Next':'D'}]},'D':{'Type':'Succeed'}}}")
                .contains("exactly one comparison operator"));
        assertTrue(refusal("{'StartAt':'W','States':{'W':{'Type':'Wait','Timestamp':'tomorrow','End':true}}}")
                .contains("is not an RFC 3339 timestamp at /States/W/Timestamp"));
        assertTrue(refusal("{'StartAt':'T','States':{'T':{'Type':'Task','Resource':'" + FN_ARN + "f',"
                + "'TimeoutSeconds':0,'End':true}}}").contains("TimeoutSeconds must be an integer of at least 1"));
        assertTrue(refusal("{'StartAt':'T','States':{'T':{'Type':'Task','Resource':'" + FN_ARN + "f',"
                + "'Retry':[{'ErrorEquals':['X'],'JitterStrategy':'SOME'}],'End':true}}}")
                .contains("JitterStrategy must be FULL or NONE"));
        String many = refusal("{'StartAt':'A','States':{'A':{'Type':'Pass','Next':'Nowhere','Output':1},"
                + "'B':{'Type':'Parallel','Branches':[{'StartAt':'X','States':{'X':{'Type':'Pass','Assign':{},"
                + "'End':true}}}],'End':true}}}");
        assertTrue(many.contains("MISSING_TRANSITION_TARGET") && many.contains("'Output' in state 'A'")
                && many.contains("/States/B/Branches[0]/States/X/Assign"), "every problem is reported: " + many);
    }

    @Test
    void definitionsParseIntoTypedStatesWithTheLanguagesDefaults() {
        DefinitionParser.Result r = DefinitionParser.parse(json("{'StartAt':'T','TimeoutSeconds':60,'States':{"
                + "'T':{'Type':'Task','Resource':'arn:aws:states:::lambda:invoke','Parameters':{'FunctionName':'f'},"
                + "'ResultPath':null,'Retry':[{'ErrorEquals':['E'],'MaxDelaySeconds':9,'JitterStrategy':'FULL'}],"
                + "'Catch':[{'ErrorEquals':['States.ALL'],'Next':'M'}],'Next':'M'},"
                + "'M':{'Type':'Map','ItemsPath':'$.items','MaxConcurrency':2,'ItemProcessor':{'ProcessorConfig':{"
                + "'Mode':'DISTRIBUTED','ExecutionType':'STANDARD'},'StartAt':'P','States':{'P':{'Type':'Pass',"
                + "'End':true}}},'Label':'Pages','ToleratedFailurePercentage':5,'End':true}}}"));
        assertTrue(r.ok(), r.problems().toString());
        Machine m = r.machine();
        assertEquals(60L, m.timeoutSeconds());
        State.Task t = assertInstanceOf(State.Task.class, m.state("T"));
        assertEquals(State.Integration.LAMBDA_INVOKE, t.integration());
        assertEquals(new State.Paths("$", null, "$"), t.paths(), "ResultPath null kept; others default to $");
        assertEquals(List.of(new State.Retrier(List.of("E"), 1, 3, 2.0, 9.0, true)), t.errors().retriers());
        assertEquals("$", t.errors().catchers().get(0).resultPath());
        State.DistributedMap map = assertInstanceOf(State.DistributedMap.class, m.state("M"));
        assertEquals("Pages", map.label());
        assertEquals(2, map.items().maxConcurrency().value().asInt());
        assertEquals(5, map.toleratedFailurePercentage().value().asInt());
        assertNull(map.batcher());
        assertInstanceOf(State.Pass.class, map.items().processor().state("P"));
        assertNull(map.items().processor().timeoutSeconds());
    }

    @Test
    void theDeployedStateMachineParses() throws Exception {
        String asl = Files.readString(Path.of("..", "statemachine.asl.json"));
        java.util.Map<String, String> arns = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{(\\w+)}").matcher(asl);
        while (m.find()) {
            arns.put(m.group(1), FN_ARN + m.group(1));
        }
        DefinitionParser.Result r = DefinitionParser.parse(JSON.readTree(DefinitionSubstitutions.apply(asl, arns)));
        assertTrue(r.ok(), r.problems().toString());
        assertInstanceOf(State.Choice.class, r.machine().state(r.machine().startAt()));
    }
}
