package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

/**
 * Evaluates Choice rules: the boolean combinators {@code And/Or/Not} and every data-test comparison
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

    static boolean evaluate(JsonNode rule, JsonNode data, JsonNode context) throws StateFailure {
        if (rule.has("And")) {
            for (JsonNode r : rule.get("And")) {
                if (!evaluate(r, data, context)) {
                    return false;
                }
            }
            return true;
        }
        if (rule.has("Or")) {
            for (JsonNode r : rule.get("Or")) {
                if (evaluate(r, data, context)) {
                    return true;
                }
            }
            return false;
        }
        if (rule.has("Not")) {
            return !evaluate(rule.get("Not"), data, context);
        }
        String variable = rule.path("Variable").asText(null);
        if (variable == null) {
            throw StateFailure.runtime("A Choice rule has no Variable");
        }
        String op = operatorOf(rule);
        JsonNode expected = rule.get(op);
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

    static String operatorOf(JsonNode rule) throws StateFailure {
        Iterator<String> names = rule.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (OPERATORS.contains(n)) {
                return n;
            }
        }
        throw StateFailure.runtime("A Choice rule has no comparison operator: " + rule);
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
