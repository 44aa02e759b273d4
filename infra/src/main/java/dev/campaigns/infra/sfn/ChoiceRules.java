package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Evaluates parsed Choice rules ({@link ChoiceRule}): the boolean combinators {@code And/Or/Not} and every data-test comparison
 * ({@code String*}, {@code Numeric*}, {@code Boolean*}, {@code Timestamp*}, each with its {@code ...Path} form,
 * {@code StringMatches} and the type tests {@code IsNull/IsPresent/IsNumeric/IsString/IsBoolean/IsTimestamp}).
 * As in Step Functions, comparing values of the wrong type is false, and a {@code Variable} that selects
 * nothing is a {@code States.Runtime} error (except for {@code IsPresent}).
 */
final class ChoiceRules {

    static final Set<String> OPERATORS = Set.of(
            "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals",
            "StringGreaterThanEquals", "StringMatches", "NumericEquals", "NumericLessThan", "NumericGreaterThan",
            "NumericLessThanEquals", "NumericGreaterThanEquals", "BooleanEquals", "TimestampEquals",
            "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals",
            "StringEqualsPath", "StringLessThanPath", "StringGreaterThanPath", "StringLessThanEqualsPath",
            "StringGreaterThanEqualsPath", "NumericEqualsPath", "NumericLessThanPath", "NumericGreaterThanPath",
            "NumericLessThanEqualsPath", "NumericGreaterThanEqualsPath", "BooleanEqualsPath",
            "TimestampEqualsPath", "TimestampLessThanPath", "TimestampGreaterThanPath",
            "TimestampLessThanEqualsPath", "TimestampGreaterThanEqualsPath",
            "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp");

    private ChoiceRules() {
    }

    static boolean evaluate(ChoiceRule rule, JsonNode data, JsonNode context) throws StateFailure {
        if (rule instanceof ChoiceRule.And and) {
            for (ChoiceRule r : and.rules()) {
                if (!evaluate(r, data, context)) {
                    return false;
                }
            }
            return true;
        }
        if (rule instanceof ChoiceRule.Or or) {
            for (ChoiceRule r : or.rules()) {
                if (evaluate(r, data, context)) {
                    return true;
                }
            }
            return false;
        }
        if (rule instanceof ChoiceRule.Not not) {
            return !evaluate(not.rule(), data, context);
        }
        ChoiceRule.DataTest test = (ChoiceRule.DataTest) rule;
        String variable = test.variable();
        String op = test.operator();
        JsonNode expected = test.operand();
        if (op.equals("IsPresent")) {
            return JsonPaths.isPresent(variable, data, context) == expected.asBoolean();
        }
        JsonNode value;
        try {
            value = JsonPaths.read(variable, data, context);
        } catch (JsonPaths.PathFailure f) {
            throw StateFailure.runtime("Invalid path '" + variable + "': The choice state's condition path "
                    + "references an invalid value.");
        }
        if (op.endsWith("Path")) {
            try {
                expected = JsonPaths.read(expected.asText(), data, context);
            } catch (JsonPaths.PathFailure f) {
                throw StateFailure.runtime("Invalid path '" + expected.asText() + "': The choice state's "
                        + "condition path references an invalid value.");
            }
            op = op.substring(0, op.length() - 4);
        }
        return compare(op, value, expected);
    }

    /** The literal type an operator compares with ("string", "number", "boolean", "timestamp" or "path"). */
    static String operandKind(String operator) {
        if (operator.endsWith("Path")) {
            return "path";
        }
        if (operator.startsWith("Is") || operator.startsWith("Boolean")) {
            return "boolean";
        }
        if (operator.startsWith("Numeric")) {
            return "number";
        }
        if (operator.startsWith("Timestamp")) {
            return "timestamp";
        }
        return "string";
    }

    private static boolean compare(String op, JsonNode v, JsonNode e) {
        switch (op) {
            case "IsNull":
                return v.isNull() == e.asBoolean();
            case "IsNumeric":
                return v.isNumber() == e.asBoolean();
            case "IsString":
                return v.isTextual() == e.asBoolean();
            case "IsBoolean":
                return v.isBoolean() == e.asBoolean();
            case "IsTimestamp":
                return (timestamp(v) != null) == e.asBoolean();
            case "BooleanEquals":
                return v.isBoolean() && e.isBoolean() && v.asBoolean() == e.asBoolean();
            case "StringMatches":
                return v.isTextual() && e.isTextual() && matches(v.asText(), e.asText());
            default:
                break;
        }
        if (op.startsWith("String")) {
            if (!v.isTextual() || !e.isTextual()) {
                return false;
            }
            return relation(op.substring("String".length()), v.asText().compareTo(e.asText()));
        }
        if (op.startsWith("Numeric")) {
            if (!v.isNumber() || !e.isNumber()) {
                return false;
            }
            return relation(op.substring("Numeric".length()), v.decimalValue().compareTo(e.decimalValue()));
        }
        if (op.startsWith("Timestamp")) {
            Instant a = timestamp(v);
            Instant b = timestamp(e);
            if (a == null || b == null) {
                return false;
            }
            return relation(op.substring("Timestamp".length()), a.compareTo(b));
        }
        return false;
    }

    private static boolean relation(String rel, int cmp) {
        switch (rel) {
            case "Equals":
                return cmp == 0;
            case "LessThan":
                return cmp < 0;
            case "GreaterThan":
                return cmp > 0;
            case "LessThanEquals":
                return cmp <= 0;
            case "GreaterThanEquals":
                return cmp >= 0;
            default:
                return false;
        }
    }

    /** RFC 3339 with an uppercase T and a Z or numeric offset, as the States Language requires. */
    static Instant timestamp(JsonNode v) {
        if (v == null || !v.isTextual()) {
            return null;
        }
        String s = v.asText();
        if (s.indexOf('T') < 0) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException ex) {
            return null;
        }
    }

    /** {@code *} matches any run of characters; {@code \*} and {@code \\} are literal. */
    static boolean matches(String value, String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(java.util.regex.Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '*') {
                regex.append(".*");
            } else {
                regex.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return java.util.regex.Pattern.compile(regex.toString(), java.util.regex.Pattern.DOTALL)
                .matcher(value).matches();
    }

}
