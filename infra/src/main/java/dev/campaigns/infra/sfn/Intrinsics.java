package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringTokenizer;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The States Language intrinsic functions ({@code States.Format}, {@code States.Array}, ... ), parsed from their
 * textual form and evaluated against the state's data and context object. A failure is reported by the caller as
 * {@code States.Runtime}, as Step Functions does.
 */
final class Intrinsics {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final Supplier<Random> random;

    Intrinsics(Supplier<Random> random) {
        this.random = random;
    }

    /** An intrinsic function that could not be parsed or evaluated. */
    static final class IntrinsicFailure extends Exception {
        IntrinsicFailure(String message) {
            super(message);
        }
    }

    JsonNode evaluate(String expression, JsonNode data, JsonNode context) throws IntrinsicFailure {
        Parser p = new Parser(expression);
        Call call = p.call();
        p.skipWs();
        if (!p.atEnd()) {
            throw new IntrinsicFailure("Unexpected text after the intrinsic function in '" + expression + "'");
        }
        return eval(call, data, context);
    }

    // ---- syntax ----------------------------------------------------------------------------------------------

    private sealed interface Arg permits Literal, PathArg, Call {
    }

    private record Literal(JsonNode value) implements Arg {
    }

    private record PathArg(String path) implements Arg {
    }

    private record Call(String name, List<Arg> args) implements Arg {
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        void skipWs() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        Call call() throws IntrinsicFailure {
            skipWs();
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String name = s.substring(start, i);
            skipWs();
            if (!name.startsWith("States.") || i >= s.length() || s.charAt(i) != '(') {
                throw new IntrinsicFailure("Invalid intrinsic function '" + s + "'");
            }
            i++;
            List<Arg> args = new ArrayList<>();
            skipWs();
            if (i < s.length() && s.charAt(i) == ')') {
                i++;
                return new Call(name, args);
            }
            while (true) {
                args.add(arg());
                skipWs();
                if (i >= s.length()) {
                    throw new IntrinsicFailure("Unclosed intrinsic function '" + s + "'");
                }
                char c = s.charAt(i++);
                if (c == ')') {
                    return new Call(name, args);
                }
                if (c != ',') {
                    throw new IntrinsicFailure("Expected ',' or ')' at offset " + (i - 1) + " in '" + s + "'");
                }
            }
        }

        Arg arg() throws IntrinsicFailure {
            skipWs();
            if (i >= s.length()) {
                throw new IntrinsicFailure("Missing argument in '" + s + "'");
            }
            char c = s.charAt(i);
            if (c == '\'') {
                StringBuilder b = new StringBuilder();
                i++;
                while (true) {
                    if (i >= s.length()) {
                        throw new IntrinsicFailure("Unterminated string in '" + s + "'");
                    }
                    char d = s.charAt(i++);
                    if (d == '\\' && i < s.length()) {
                        b.append(s.charAt(i++));
                    } else if (d == '\'') {
                        break;
                    } else {
                        b.append(d);
                    }
                }
                return new Literal(TextNode.valueOf(b.toString()));
            }
            if (c == '$') {
                int start = i;
                int depth = 0;
                boolean quoted = false;
                while (i < s.length()) {
                    char d = s.charAt(i);
                    if (d == '\'') {
                        quoted = !quoted;
                    } else if (!quoted && (d == '[' || d == '(')) {
                        depth++;
                    } else if (!quoted && (d == ']' || (d == ')' && depth > 0))) {
                        depth--;
                    } else if (!quoted && depth == 0 && (d == ',' || d == ')')) {
                        break;
                    }
                    i++;
                }
                return new PathArg(s.substring(start, i).trim());
            }
            if (s.startsWith("States.", i)) {
                return call();
            }
            int start = i;
            while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != ')') {
                i++;
            }
            String tok = s.substring(start, i).trim();
            switch (tok) {
                case "true":
                    return new Literal(F.booleanNode(true));
                case "false":
                    return new Literal(F.booleanNode(false));
                case "null":
                    return new Literal(F.nullNode());
                default:
                    try {
                        BigDecimal d = new BigDecimal(tok);
                        if (tok.contains(".") || tok.contains("e") || tok.contains("E")) {
                            return new Literal(F.numberNode(d.doubleValue()));
                        }
                        return new Literal(F.numberNode(d.longValueExact()));
                    } catch (NumberFormatException | ArithmeticException e) {
                        throw new IntrinsicFailure("Invalid argument '" + tok + "' in '" + s + "'");
                    }
            }
        }
    }

    // ---- semantics -------------------------------------------------------------------------------------------

    private JsonNode eval(Call call, JsonNode data, JsonNode context) throws IntrinsicFailure {
        List<JsonNode> a = new ArrayList<>();
        for (Arg arg : call.args()) {
            if (arg instanceof Literal l) {
                a.add(l.value());
            } else if (arg instanceof PathArg p) {
                try {
                    a.add(JsonPaths.read(p.path(), data, context));
                } catch (JsonPaths.PathFailure f) {
                    throw new IntrinsicFailure("The function '" + call.name() + "' could not resolve the path '"
                            + p.path() + "'");
                }
            } else {
                a.add(eval((Call) arg, data, context));
            }
        }
        String n = call.name();
        switch (n) {
            case "States.Format":
                return format(a);
            case "States.StringToJson":
                arity(n, a, 1, 1);
                try {
                    return JsonPaths.MAPPER.readTree(text(n, a.get(0)));
                } catch (Exception e) {
                    throw new IntrinsicFailure("States.StringToJson: the argument is not valid JSON");
                }
            case "States.JsonToString":
                arity(n, a, 1, 1);
                return TextNode.valueOf(JsonPaths.compact(a.get(0)));
            case "States.Array": {
                ArrayNode out = F.arrayNode();
                a.forEach(out::add);
                return out;
            }
            case "States.ArrayPartition": {
                arity(n, a, 2, 2);
                ArrayNode arr = array(n, a.get(0));
                int size = integer(n, a.get(1));
                if (size <= 0) {
                    throw new IntrinsicFailure("States.ArrayPartition: the chunk size must be greater than 0");
                }
                ArrayNode out = F.arrayNode();
                ArrayNode chunk = null;
                for (JsonNode el : arr) {
                    if (chunk == null || chunk.size() == size) {
                        chunk = out.addArray();
                    }
                    chunk.add(el);
                }
                return out;
            }
            case "States.ArrayContains": {
                arity(n, a, 2, 2);
                for (JsonNode el : array(n, a.get(0))) {
                    if (el.equals(a.get(1))) {
                        return F.booleanNode(true);
                    }
                }
                return F.booleanNode(false);
            }
            case "States.ArrayRange": {
                arity(n, a, 3, 3);
                int start = integer(n, a.get(0));
                int end = integer(n, a.get(1));
                int step = integer(n, a.get(2));
                if (step == 0) {
                    throw new IntrinsicFailure("States.ArrayRange: the step must not be 0");
                }
                ArrayNode out = F.arrayNode();
                for (long v = start; step > 0 ? v <= end : v >= end; v += step) {
                    out.add(v);
                    if (out.size() > 1000) {
                        throw new IntrinsicFailure("States.ArrayRange: the result has more than 1000 items");
                    }
                }
                return out;
            }
            case "States.ArrayGetItem": {
                arity(n, a, 2, 2);
                ArrayNode arr = array(n, a.get(0));
                int idx = integer(n, a.get(1));
                if (idx < 0 || idx >= arr.size()) {
                    throw new IntrinsicFailure("States.ArrayGetItem: index " + idx + " is out of bounds");
                }
                return arr.get(idx);
            }
            case "States.ArrayLength":
                arity(n, a, 1, 1);
                return F.numberNode(array(n, a.get(0)).size());
            case "States.ArrayUnique": {
                arity(n, a, 1, 1);
                Set<JsonNode> seen = new LinkedHashSet<>();
                array(n, a.get(0)).forEach(seen::add);
                ArrayNode out = F.arrayNode();
                seen.forEach(out::add);
                return out;
            }
            case "States.Base64Encode": {
                arity(n, a, 1, 1);
                String t = text(n, a.get(0));
                if (t.length() > 10_000) {
                    throw new IntrinsicFailure("States.Base64Encode: the input exceeds 10000 characters");
                }
                return TextNode.valueOf(Base64.getEncoder().encodeToString(t.getBytes(StandardCharsets.UTF_8)));
            }
            case "States.Base64Decode": {
                arity(n, a, 1, 1);
                String t = text(n, a.get(0));
                if (t.length() > 10_000) {
                    throw new IntrinsicFailure("States.Base64Decode: the input exceeds 10000 characters");
                }
                try {
                    return TextNode.valueOf(new String(Base64.getDecoder().decode(t), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new IntrinsicFailure("States.Base64Decode: the input is not valid base64");
                }
            }
            case "States.Hash": {
                arity(n, a, 2, 2);
                JsonNode d = a.get(0);
                String input = d.isTextual() ? d.asText() : JsonPaths.compact(d);
                String alg = text(n, a.get(1));
                if (!List.of("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512").contains(alg)) {
                    throw new IntrinsicFailure("States.Hash: unsupported algorithm '" + alg + "'");
                }
                try {
                    byte[] h = MessageDigest.getInstance(alg).digest(input.getBytes(StandardCharsets.UTF_8));
                    return TextNode.valueOf(HexFormat.of().formatHex(h));
                } catch (NoSuchAlgorithmException e) {
                    throw new IntrinsicFailure("States.Hash: unsupported algorithm '" + alg + "'");
                }
            }
            case "States.JsonMerge": {
                arity(n, a, 3, 3);
                if (!a.get(0).isObject() || !a.get(1).isObject()) {
                    throw new IntrinsicFailure("States.JsonMerge: both arguments must be JSON objects");
                }
                if (!a.get(2).isBoolean() || a.get(2).asBoolean()) {
                    throw new IntrinsicFailure("States.JsonMerge: only shallow merge (false) is supported");
                }
                ObjectNode out = ((ObjectNode) a.get(0)).deepCopy();
                Iterator<Map.Entry<String, JsonNode>> it = a.get(1).properties().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    out.set(e.getKey(), e.getValue());
                }
                return out;
            }
            case "States.MathRandom": {
                arity(n, a, 2, 3);
                int start = integer(n, a.get(0));
                int end = integer(n, a.get(1));
                if (end <= start) {
                    throw new IntrinsicFailure("States.MathRandom: the end must be greater than the start");
                }
                Random r = a.size() == 3 ? new Random(integer(n, a.get(2))) : random.get();
                return F.numberNode(start + r.nextInt(end - start));
            }
            case "States.MathAdd": {
                arity(n, a, 2, 2);
                return F.numberNode((long) integer(n, a.get(0)) + integer(n, a.get(1)));
            }
            case "States.StringSplit": {
                arity(n, a, 2, 2);
                StringTokenizer t = new StringTokenizer(text(n, a.get(0)), text(n, a.get(1)));
                ArrayNode out = F.arrayNode();
                while (t.hasMoreTokens()) {
                    out.add(t.nextToken());
                }
                return out;
            }
            case "States.UUID":
                arity(n, a, 0, 0);
                return TextNode.valueOf(UUID.randomUUID().toString());
            default:
                throw new IntrinsicFailure("Unknown intrinsic function '" + n + "'");
        }
    }

    private static JsonNode format(List<JsonNode> a) throws IntrinsicFailure {
        if (a.isEmpty() || !a.get(0).isTextual()) {
            throw new IntrinsicFailure("States.Format: the first argument must be a string template");
        }
        String tpl = a.get(0).asText();
        StringBuilder out = new StringBuilder();
        int next = 1;
        for (int i = 0; i < tpl.length(); i++) {
            char c = tpl.charAt(i);
            if (c == '{' && i + 1 < tpl.length() && tpl.charAt(i + 1) == '}') {
                if (next >= a.size()) {
                    throw new IntrinsicFailure("States.Format: more placeholders than arguments");
                }
                JsonNode v = a.get(next++);
                if (v.isContainerNode()) {
                    throw new IntrinsicFailure("States.Format: arguments must be strings, numbers, booleans "
                            + "or null");
                }
                out.append(v.isTextual() ? v.asText() : v.toString());
                i++;
            } else {
                out.append(c);
            }
        }
        if (next != a.size()) {
            throw new IntrinsicFailure("States.Format: the number of arguments does not match the placeholders");
        }
        return TextNode.valueOf(out.toString());
    }

    private static void arity(String name, List<JsonNode> a, int min, int max) throws IntrinsicFailure {
        if (a.size() < min || a.size() > max) {
            throw new IntrinsicFailure(name + ": expected " + (min == max ? "" + min : min + " to " + max)
                    + " arguments, got " + a.size());
        }
    }

    private static String text(String name, JsonNode v) throws IntrinsicFailure {
        if (!v.isTextual()) {
            throw new IntrinsicFailure(name + ": expected a string argument");
        }
        return v.asText();
    }

    private static ArrayNode array(String name, JsonNode v) throws IntrinsicFailure {
        if (!(v instanceof ArrayNode arr)) {
            throw new IntrinsicFailure(name + ": expected an array argument");
        }
        return arr;
    }

    private static int integer(String name, JsonNode v) throws IntrinsicFailure {
        if (!v.isNumber() || (v.isFloatingPointNumber() && v.asDouble() != Math.rint(v.asDouble()))) {
            throw new IntrinsicFailure(name + ": expected an integer argument");
        }
        return v.asInt();
    }
}
