package dev.campaigns.infra.sfn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Choice rules: every comparison family, the Path forms, the type tests and And/Or/Not. */
class ChoiceStateTest extends SfnTestSupport {

    private final LocalStepFunctions sfn = engine(fast());

    @AfterEach
    void close() {
        sfn.close();
    }

    /** Runs a Choice with one rule; returns "yes" or "no" (the Default). */
    private String decide(String rule, String input) throws Exception {
        String d = "{'StartAt':'C','States':{'C':{'Type':'Choice','Choices':[" + rule + "],'Default':'No'},"
                + "'Yes':{'Type':'Pass','Result':'yes','End':true},'No':{'Type':'Pass','Result':'no','End':true}}}";
        ExecutionDescription e = run(sfn, d, input);
        if (e.status() != ExecutionStatus.SUCCEEDED) {
            return e.error();
        }
        return output(e).asText();
    }

    private String rule(String variable, String op, String value) {
        return "{'Variable':'" + variable + "','" + op + "':" + value + ",'Next':'Yes'}";
    }

    @Test
    void stringComparisons() throws Exception {
        String in = "{'s':'banana','t':'banana','u':'cherry'}";
        assertEquals("yes", decide(rule("$.s", "StringEquals", "'banana'"), in));
        assertEquals("no", decide(rule("$.s", "StringEquals", "'apple'"), in));
        assertEquals("yes", decide(rule("$.s", "StringLessThan", "'cherry'"), in));
        assertEquals("yes", decide(rule("$.s", "StringGreaterThan", "'apple'"), in));
        assertEquals("yes", decide(rule("$.s", "StringLessThanEquals", "'banana'"), in));
        assertEquals("yes", decide(rule("$.s", "StringGreaterThanEquals", "'banana'"), in));
        assertEquals("yes", decide(rule("$.s", "StringEqualsPath", "'$.t'"), in));
        assertEquals("yes", decide(rule("$.s", "StringLessThanPath", "'$.u'"), in));
        assertEquals("no", decide(rule("$.s", "StringGreaterThanPath", "'$.u'"), in));
        assertEquals("yes", decide(rule("$.s", "StringMatches", "'b*n*a'"), in));
        assertEquals("no", decide(rule("$.s", "StringMatches", "'b*x'"), in));
        assertEquals("yes", decide(rule("$.s", "StringMatches", "'*'"), in));
        assertEquals("yes", decide(rule("$.star", "StringMatches", "'a\\\\*b'"), "{'star':'a*b'}"));
        assertEquals("no", decide(rule("$.star", "StringMatches", "'a\\\\*b'"), "{'star':'axxb'}"));
    }

    @Test
    void numericComparisonsAreTypeStrict() throws Exception {
        String in = "{'n':10,'m':10.0,'k':3,'s':'10'}";
        assertEquals("yes", decide(rule("$.n", "NumericEquals", "10"), in));
        assertEquals("yes", decide(rule("$.m", "NumericEquals", "10"), in));
        assertEquals("no", decide(rule("$.s", "NumericEquals", "10"), in));
        assertEquals("yes", decide(rule("$.k", "NumericLessThan", "3.5"), in));
        assertEquals("yes", decide(rule("$.n", "NumericGreaterThan", "3"), in));
        assertEquals("yes", decide(rule("$.n", "NumericLessThanEquals", "10"), in));
        assertEquals("yes", decide(rule("$.n", "NumericGreaterThanEquals", "10"), in));
        assertEquals("yes", decide(rule("$.n", "NumericEqualsPath", "'$.m'"), in));
        assertEquals("yes", decide(rule("$.k", "NumericLessThanPath", "'$.n'"), in));
        assertEquals("no", decide(rule("$.k", "NumericGreaterThanEqualsPath", "'$.n'"), in));
    }

    @Test
    void booleanAndTimestampComparisons() throws Exception {
        String in = "{'b':true,'c':true,'t':'2026-01-02T03:04:05Z','u':'2026-01-02T04:04:05+01:00',"
                + "'later':'2026-06-01T00:00:00Z'}";
        assertEquals("yes", decide(rule("$.b", "BooleanEquals", "true"), in));
        assertEquals("no", decide(rule("$.b", "BooleanEquals", "false"), in));
        assertEquals("yes", decide(rule("$.b", "BooleanEqualsPath", "'$.c'"), in));
        assertEquals("yes", decide(rule("$.t", "TimestampEquals", "'2026-01-02T03:04:05Z'"), in));
        assertEquals("yes", decide(rule("$.t", "TimestampEqualsPath", "'$.u'"), in));
        assertEquals("yes", decide(rule("$.t", "TimestampLessThan", "'2026-01-02T03:04:06Z'"), in));
        assertEquals("yes", decide(rule("$.t", "TimestampLessThanPath", "'$.later'"), in));
        assertEquals("no", decide(rule("$.t", "TimestampGreaterThanPath", "'$.later'"), in));
        assertEquals("yes", decide(rule("$.t", "TimestampGreaterThanEquals", "'2026-01-02T03:04:05Z'"), in));
        assertEquals("no", decide(rule("$.b", "TimestampEquals", "'2026-01-02T03:04:05Z'"), in));
    }

    @Test
    void typeTestsAndIsPresent() throws Exception {
        String in = "{'n':null,'x':1.5,'s':'a','b':false,'t':'2026-01-02T03:04:05Z','d':'2026-01-02'}";
        assertEquals("yes", decide(rule("$.n", "IsNull", "true"), in));
        assertEquals("yes", decide(rule("$.x", "IsNull", "false"), in));
        assertEquals("yes", decide(rule("$.x", "IsNumeric", "true"), in));
        assertEquals("yes", decide(rule("$.s", "IsString", "true"), in));
        assertEquals("yes", decide(rule("$.b", "IsBoolean", "true"), in));
        assertEquals("yes", decide(rule("$.t", "IsTimestamp", "true"), in));
        assertEquals("yes", decide(rule("$.d", "IsTimestamp", "false"), in));
        assertEquals("yes", decide(rule("$.nope", "IsPresent", "false"), in));
        assertEquals("yes", decide(rule("$.n", "IsPresent", "true"), in));
    }

    @Test
    void combinatorsAndRuleOrder() throws Exception {
        String in = "{'a':5,'b':'x'}";
        assertEquals("yes", decide("{'And':[{'Variable':'$.a','NumericGreaterThan':1},"
                + "{'Variable':'$.b','StringEquals':'x'}],'Next':'Yes'}", in));
        assertEquals("no", decide("{'And':[{'Variable':'$.a','NumericGreaterThan':1},"
                + "{'Variable':'$.b','StringEquals':'y'}],'Next':'Yes'}", in));
        assertEquals("yes", decide("{'Or':[{'Variable':'$.a','NumericGreaterThan':10},"
                + "{'Variable':'$.b','StringEquals':'x'}],'Next':'Yes'}", in));
        assertEquals("yes", decide("{'Not':{'Variable':'$.b','StringEquals':'y'},'Next':'Yes'}", in));
        assertEquals("yes", decide("{'And':[{'Variable':'$.zz','IsPresent':false},"
                + "{'Not':{'Or':[{'Variable':'$.a','NumericEquals':4},{'Variable':'$.a','NumericEquals':6}]}}],"
                + "'Next':'Yes'}", in));
    }

    @Test
    void missingVariableIsStatesRuntimeAndNoMatchWithoutDefaultIsNoChoiceMatched() throws Exception {
        assertEquals("States.Runtime", decide(rule("$.missing", "StringEquals", "'a'"), "{}"));
        ExecutionDescription e = run(sfn, "{'StartAt':'C','States':{'C':{'Type':'Choice','Choices':["
                + "{'Variable':'$.a','NumericEquals':1,'Next':'Y'}]},'Y':{'Type':'Succeed'}}}", "{'a':2}");
        assertEquals(ExecutionStatus.FAILED, e.status());
        assertEquals("States.NoChoiceMatched", e.error());
    }

    @Test
    void firstMatchingChoiceWinsAndOutputPathApplies() throws Exception {
        String d = "{'StartAt':'C','States':{'C':{'Type':'Choice','InputPath':'$.in','OutputPath':'$.v',"
                + "'Choices':[{'Variable':'$.v','NumericGreaterThan':1,'Next':'A'},"
                + "{'Variable':'$.v','NumericGreaterThan':0,'Next':'B'}]},"
                + "'A':{'Type':'Pass','Parameters':{'went':'A','v.$':'$'},'End':true},"
                + "'B':{'Type':'Pass','Parameters':{'went':'B','v.$':'$'},'End':true}}}";
        assertEquals(json("{'went':'A','v':5}"), output(run(sfn, d, "{'in':{'v':5}}")));
        assertEquals(json("{'went':'B','v':1}"), output(run(sfn, d, "{'in':{'v':1}}")));
    }
}
