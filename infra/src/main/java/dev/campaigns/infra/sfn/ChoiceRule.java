package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** A Choice rule, parsed: a boolean combinator or one data test. {@link ChoiceRules} evaluates them. */
sealed interface ChoiceRule permits ChoiceRule.And, ChoiceRule.Or, ChoiceRule.Not, ChoiceRule.DataTest {

    /** A top-level rule of a Choice state and the state it leads to. */
    record Branch(ChoiceRule rule, String next) {
    }

    record And(List<ChoiceRule> rules) implements ChoiceRule {
    }

    record Or(List<ChoiceRule> rules) implements ChoiceRule {
    }

    record Not(ChoiceRule rule) implements ChoiceRule {
    }

    /**
     * {@code Variable} compared by {@code operator} (e.g. {@code NumericLessThan}, {@code StringEqualsPath},
     * {@code IsPresent}) with {@code operand}: a literal, or for a {@code ...Path} operator a path.
     */
    record DataTest(String variable, String operator, JsonNode operand) implements ChoiceRule {
    }
}
