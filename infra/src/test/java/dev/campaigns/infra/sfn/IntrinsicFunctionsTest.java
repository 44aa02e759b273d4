package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The intrinsic functions, evaluated in a Pass state's Parameters (examples from the AWS documentation). */
class IntrinsicFunctionsTest extends SfnTestSupport {

    private final LocalStepFunctions sfn = engine(fast());

    @AfterEach
    void close() {
        sfn.close();
    }

    private ExecutionDescription exec(String expression, String input) throws Exception {
        String d = JSON.writeValueAsString(JSON.createObjectNode().put("StartAt", "P").set("States",
                JSON.createObjectNode().set("P", JSON.createObjectNode().put("Type", "Pass").put("End", true)
                        .set("Parameters", JSON.createObjectNode().put("r.$", expression)))));
        return runRaw(sfn, d, input);
    }

    private JsonNode eval(String expression, String input) throws Exception {
        return output(exec(expression, input)).get("r");
    }

    private String error(String expression, String input) throws Exception {
        return exec(expression, input).error();
    }

    @Test
    void formatAndJsonConversions() throws Exception {
        assertEquals("Hello, my name is Arnav.", eval("States.Format('Hello, my name is {}.', $.name)",
                "{\"name\":\"Arnav\"}").asText());
        assertEquals("n=3 b=true z=null s=it's {x}", eval("States.Format('n={} b={} z={} s=it\\'s \\{x\\}', "
                + "$.n, true, null)", "{\"n\":3}").asText());
        assertEquals(json("{'a':[1,2]}"), eval("States.StringToJson($.s)", "{\"s\":\"{\\\"a\\\":[1,2]}\"}"));
        assertEquals("{\"a\":[1,2]}", eval("States.JsonToString($.o)", "{\"o\":{\"a\":[1,2]}}").asText());
        assertEquals("States.Runtime", error("States.Format('{} {}', $.n)", "{\"n\":1}"));
    }

    @Test
    void arrayFunctions() throws Exception {
        String in = "{\"a\":[1,2,3,4,5,6,7],\"dup\":[1,2,2,3,1,{\"x\":1},{\"x\":1}],\"v\":3}";
        assertEquals(json("['x',1,[1,2,3,4,5,6,7],true]"), eval("States.Array('x', 1, $.a, true)", in));
        assertEquals(json("[[1,2,3],[4,5,6],[7]]"), eval("States.ArrayPartition($.a, 3)", in));
        assertEquals(json("true"), eval("States.ArrayContains($.a, $.v)", in));
        assertEquals(json("false"), eval("States.ArrayContains($.a, 9)", in));
        assertEquals(json("[1,3,5,7,9]"), eval("States.ArrayRange(1, 9, 2)", in));
        assertEquals(json("[5,4,3]"), eval("States.ArrayRange(5, 3, -1)", in));
        assertEquals(json("4"), eval("States.ArrayGetItem($.a, 3)", in));
        assertEquals(json("7"), eval("States.ArrayLength($.a)", in));
        assertEquals(json("[1,2,3,{'x':1}]"), eval("States.ArrayUnique($.dup)", in));
        assertEquals(json("3"), eval("States.ArrayLength(States.ArrayPartition($.a, 3))", in));
        assertEquals("States.Runtime", error("States.ArrayGetItem($.a, 7)", in));
    }

    @Test
    void mathStringHashAndEncodingFunctions() throws Exception {
        assertEquals(json("112"), eval("States.MathAdd($.v, -11)", "{\"v\":123}"));
        JsonNode r = eval("States.MathRandom(1, 999)", "{}");
        assertTrue(r.asInt() >= 1 && r.asInt() < 999);
        assertEquals(eval("States.MathRandom(1, 1000, 7)", "{}"), eval("States.MathRandom(1, 1000, 7)", "{}"));
        assertEquals(json("['This','is','a','test','string']"),
                eval("States.StringSplit($.s, '.+,=')", "{\"s\":\"This.is+a,test=string\"}"));
        assertEquals(json("['1','2','3']"), eval("States.StringSplit('1,2,3', ',')", "{}"));
        assertEquals("SGVsbG8gV29ybGQ=", eval("States.Base64Encode('Hello World')", "{}").asText());
        assertEquals("Hello World", eval("States.Base64Decode('SGVsbG8gV29ybGQ=')", "{}").asText());
        assertEquals("a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e",
                eval("States.Hash('Hello World', 'SHA-256')", "{}").asText());
        assertEquals("b10a8db164e0754105b7a99be72e3fe5",
                eval("States.Hash($.s, 'MD5')", "{\"s\":\"Hello World\"}").asText());
        assertTrue(eval("States.UUID()", "{}").asText()
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    }

    @Test
    void jsonMergeIsShallow() throws Exception {
        String in = "{\"a\":{\"x\":1,\"n\":{\"p\":1}},\"b\":{\"y\":2,\"n\":{\"q\":2}}}";
        assertEquals(json("{'x':1,'n':{'q':2},'y':2}"), eval("States.JsonMerge($.a, $.b, false)", in));
        assertEquals("States.Runtime", error("States.JsonMerge($.a, $.b, true)", in));
    }

    @Test
    void intrinsicsWorkWithTheContextObjectAndInFailStates() throws Exception {
        assertTrue(eval("States.Format('{}/{}', $$.StateMachine.Name, $$.State.Name)", "{}").asText()
                .endsWith("/P"));
        String d = "{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"ErrorPath\":\"$.code\","
                + "\"CausePath\":\"States.Format('bad {}', $.what)\"}}}";
        ExecutionDescription e = runRaw(sfn, d, "{\"code\":\"Custom.Error\",\"what\":\"thing\"}");
        assertEquals("Custom.Error", e.error());
        assertEquals("bad thing", e.cause());
    }
}
