package dev.campaigns.infra.sfn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** InputPath, Parameters, ResultSelector, ResultPath and OutputPath, in the States Language's order. */
class InputOutputProcessingTest extends SfnTestSupport {

    private final LocalStepFunctions sfn = engine(fast());

    @AfterEach
    void close() {
        sfn.close();
    }

    @Test
    void resultPathVariantsFromTheSpecification() throws Exception {
        String input = "{'master': {'detail': [1, 2, 3]}}";
        String base = "{'StartAt':'P','States':{'P':{'Type':'Pass','Result':'X',%s'End':true}}}";
        assertEquals(json("'X'"), output(run(sfn, String.format(base, ""), input)));
        assertEquals(json("'X'"), output(run(sfn, String.format(base, "'ResultPath':'$',"), input)));
        assertEquals(json(input), output(run(sfn, String.format(base, "'ResultPath':null,"), input)));
        assertEquals(json("{'master': {'detail': [1, 2, 3], 'result': 'X'}}"),
                output(run(sfn, String.format(base, "'ResultPath':'$.master.result',"), input)));
        assertEquals(json("{'master': {'detail': [1, 2, 3]}, 'a': {'b': {'c': 'X'}}}"),
                output(run(sfn, String.format(base, "'ResultPath':'$.a.b.c',"), input)));
    }

    @Test
    void resultPathIntoANonObjectIsResultPathMatchFailure() throws Exception {
        ExecutionDescription d = run(sfn, "{'StartAt':'P','States':{'P':{'Type':'Pass','Result':1,"
                + "'ResultPath':'$.a.b','End':true}}}", "{'a':'text'}");
        assertEquals(ExecutionStatus.FAILED, d.status());
        assertEquals("States.ResultPathMatchFailure", d.error());
    }

    @Test
    void inputPathParametersAndOutputPathInOrder() throws Exception {
        String d = "{'StartAt':'P','States':{'P':{'Type':'Pass','InputPath':'$.library',"
                + "'Parameters':{'flagged':true,'parts':{'first.$':'$.vals[0]','last3.$':'$.vals[-3:]'},"
                + "'weight.$':'$.weight','static':{'nested':[{'x.$':'$.weight'}]}},"
                + "'ResultPath':'$.params','OutputPath':'$.params','End':true}}}";
        String in = "{'library':{'vals':[0,10,20,30,40,50],'weight':42},'other':1}";
        assertEquals(json("{'flagged':true,'parts':{'first':0,'last3':[30,40,50]},'weight':42,"
                + "'static':{'nested':[{'x':42}]}}"), output(run(sfn, d, in)));
    }

    @Test
    void nullInputPathAndOutputPathGiveAnEmptyObject() throws Exception {
        assertEquals(json("{'a':1,'r':{}}"), output(run(sfn, "{'StartAt':'P','States':{'P':{'Type':'Pass',"
                + "'InputPath':null,'ResultPath':'$.r','End':true}}}", "{'a':1}")));
        assertEquals(json("{}"), output(run(sfn, "{'StartAt':'P','States':{'P':{'Type':'Pass',"
                + "'OutputPath':null,'End':true}}}", "{'a':1}")));
    }

    @Test
    void missingParameterPathIsParameterPathFailureAndCatchable() throws Exception {
        String d = "{'StartAt':'T','States':{'T':{'Type':'Task','Resource':'arn:aws:states:::lambda:invoke',"
                + "'Parameters':{'FunctionName':'f','Payload':{'x.$':'$.missing'}},"
                + "'Catch':[{'ErrorEquals':['States.ALL'],'ResultPath':'$.err','Next':'Done'}],'End':true},"
                + "'Done':{'Type':'Pass','End':true}}}";
        var out = output(run(sfn, d, "{'a':1}"));
        assertEquals("States.ParameterPathFailure", out.at("/err/Error").asText());
        assertEquals(1, out.get("a").asInt());
        assertEquals(0, functions.calls("f"));
    }

    @Test
    void missingInputPathIsStatesRuntimeWhichCatchAllDoesNotCatch() throws Exception {
        String d = "{'StartAt':'T','States':{'T':{'Type':'Task','Resource':'" + FN_ARN + "f',"
                + "'InputPath':'$.missing','Retry':[{'ErrorEquals':['States.ALL']}],"
                + "'Catch':[{'ErrorEquals':['States.ALL'],'Next':'Done'}],'End':true},"
                + "'Done':{'Type':'Pass','End':true}}}";
        ExecutionDescription e = run(sfn, d, "{'a':1}");
        assertEquals(ExecutionStatus.FAILED, e.status());
        assertEquals("States.Runtime", e.error());
    }

    @Test
    void contextObjectFieldsAreAvailableWithDoubleDollar() throws Exception {
        String d = "{'StartAt':'First','States':{'First':{'Type':'Pass','Parameters':{"
                + "'id.$':'$$.Execution.Id','name.$':'$$.Execution.Name','in.$':'$$.Execution.Input.k',"
                + "'state.$':'$$.State.Name','sm.$':'$$.StateMachine.Name','entered.$':'$$.State.EnteredTime',"
                + "'role.$':'$$.Execution.RoleArn'},'End':true}}}";
        String sm = sfn.createStateMachine("ctx", def(d), ROLE);
        String arn = sfn.startExecution(sm, "exec-1", "{\"k\":\"v\"}");
        var out = output(await(sfn, arn));
        assertEquals(arn, out.get("id").asText());
        assertEquals("exec-1", out.get("name").asText());
        assertEquals("v", out.get("in").asText());
        assertEquals("First", out.get("state").asText());
        assertEquals("ctx", out.get("sm").asText());
        assertEquals(ROLE, out.get("role").asText());
        assertTrue(out.get("entered").asText().endsWith("Z"));
    }

    @Test
    void resultSelectorAppliesToTheTaskResultBeforeResultPath() throws Exception {
        functions.with("f", in -> json("{'x':1,'y':2,'echo':" + in + "}"));
        String d = "{'StartAt':'T','States':{'T':{'Type':'Task','Resource':'arn:aws:states:::lambda:invoke',"
                + "'Parameters':{'FunctionName':'" + FN_ARN + "f:live','Payload.$':'$'},"
                + "'ResultSelector':{'x.$':'$.Payload.x','status.$':'$.StatusCode','v.$':'$.ExecutedVersion'},"
                + "'ResultPath':'$.out','End':true}}}";
        var out = output(run(sfn, d, "{'in':7}"));
        assertEquals(json("{'in':7,'out':{'x':1,'status':200,'v':'$LATEST'}}"), out);
        assertEquals(1, functions.calls("f"));
    }
}
