package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The States Language's paths and payload templates. Reading uses Jayway JsonPath over Jackson trees (so
 * {@code .$} values may use any JSONPath, e.g. {@code $.items[*].id} or filters); writing a {@code ResultPath}
 * is done here because the language requires creating missing intermediate objects, which JsonPath does not.
 */
final class JsonPaths {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Configuration CONF = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(MAPPER))
            .mappingProvider(new JacksonMappingProvider(MAPPER))
            .build();

    private JsonPaths() {
    }

    /** A path that selected nothing, or is not a valid path. */
    static final class PathFailure extends Exception {
        PathFailure(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code path} ({@code $...} against data, {@code $$...} against the context object).
     *
     * @throws PathFailure if a definite path selects nothing or the path is malformed
     */
    static JsonNode read(String path, JsonNode data, JsonNode context) throws PathFailure {
        JsonNode root = data;
        String p = path;
        if (path.startsWith("$$")) {
            root = context;
            p = path.substring(1);
        }
        if (!p.startsWith("$")) {
            throw new PathFailure("The path '" + path + "' does not start with '$'");
        }
        if (p.equals("$")) {
            return root == null ? NullNode.getInstance() : root;
        }
        if (root == null || !root.isContainerNode()) {
            throw new PathFailure("Invalid path '" + path + "': the input is not a JSON object or array");
        }
        try {
            Object v = JsonPath.using(CONF).parse(root).read(p);
            if (v == null) {
                return NullNode.getInstance();
            }
            return v instanceof JsonNode n ? n : MAPPER.valueToTree(v);
        } catch (PathNotFoundException e) {
            throw new PathFailure("Invalid path '" + path + "' : No results for path: $['"
                    + p.substring(p.lastIndexOf('.') + 1) + "']");
        } catch (InvalidPathException | IllegalArgumentException e) {
            throw new PathFailure("Invalid path '" + path + "': " + e.getMessage());
        }
    }

    /** Whether a definite path selects something (for {@code IsPresent}). */
    static boolean isPresent(String path, JsonNode data, JsonNode context) {
        try {
            read(path, data, context);
            return true;
        } catch (PathFailure e) {
            return false;
        }
    }

    /** A segment of a reference path: a field name or an array index. */
    record Segment(String field, int index) {
        boolean isIndex() {
            return field == null;
        }
    }

    /**
     * Parses a reference path ({@code $}, {@code $.a.b}, {@code $['a b'][0]}) into segments.
     *
     * @throws PathFailure for anything that is not a reference path (wildcards, filters, slices)
     */
    static List<Segment> referencePath(String path) throws PathFailure {
        if (!path.startsWith("$") || path.startsWith("$$")) {
            throw new PathFailure("'" + path + "' is not a reference path");
        }
        List<Segment> out = new ArrayList<>();
        int i = 1;
        int n = path.length();
        while (i < n) {
            char c = path.charAt(i);
            if (c == '.') {
                int j = i + 1;
                while (j < n && path.charAt(j) != '.' && path.charAt(j) != '[') {
                    j++;
                }
                String name = path.substring(i + 1, j);
                if (name.isEmpty() || name.equals("*") || name.contains("..")) {
                    throw new PathFailure("'" + path + "' is not a reference path");
                }
                out.add(new Segment(name, -1));
                i = j;
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    throw new PathFailure("Unclosed bracket in '" + path + "'");
                }
                String inner = path.substring(i + 1, close).trim();
                if ((inner.startsWith("'") && inner.endsWith("'") && inner.length() >= 2)
                        || (inner.startsWith("\"") && inner.endsWith("\"") && inner.length() >= 2)) {
                    out.add(new Segment(inner.substring(1, inner.length() - 1), -1));
                } else {
                    try {
                        out.add(new Segment(null, Integer.parseInt(inner)));
                    } catch (NumberFormatException e) {
                        throw new PathFailure("'" + path + "' is not a reference path");
                    }
                }
                i = close + 1;
            } else {
                throw new PathFailure("'" + path + "' is not a reference path");
            }
        }
        return out;
    }

    /**
     * Applies a ResultPath: returns a copy of {@code input} with {@code result} placed at {@code path}, creating
     * missing intermediate objects. {@code path == "$"} returns the result itself.
     *
     * @throws PathFailure when the path cannot be placed in the input (States.ResultPathMatchFailure)
     */
    static JsonNode setAtPath(JsonNode input, String path, JsonNode result) throws PathFailure {
        List<Segment> segments = referencePath(path);
        if (segments.isEmpty()) {
            return result;
        }
        if (input == null || !input.isContainerNode()) {
            throw new PathFailure("Unable to apply ResultPath \"" + path + "\" to input " + input);
        }
        JsonNode copy = input.deepCopy();
        JsonNode cur = copy;
        for (int k = 0; k < segments.size(); k++) {
            Segment s = segments.get(k);
            boolean last = k == segments.size() - 1;
            if (s.isIndex()) {
                if (!(cur instanceof ArrayNode arr) || s.index() < 0 || s.index() >= arr.size()) {
                    throw new PathFailure("Unable to apply ResultPath \"" + path + "\": no array element "
                            + s.index());
                }
                if (last) {
                    arr.set(s.index(), result);
                } else {
                    cur = arr.get(s.index());
                }
            } else {
                if (!(cur instanceof ObjectNode obj)) {
                    throw new PathFailure("Unable to apply ResultPath \"" + path + "\": '" + s.field()
                            + "' cannot be set on a non-object");
                }
                if (last) {
                    obj.set(s.field(), result);
                } else {
                    JsonNode next = obj.get(s.field());
                    if (next == null || next.isNull()) {
                        next = obj.putObject(s.field());
                    }
                    cur = next;
                }
            }
        }
        return copy;
    }

    /** A failure to evaluate a payload template; {@code runtime} marks intrinsic-function failures. */
    static final class TemplateFailure extends Exception {
        final boolean runtime;

        TemplateFailure(String message, boolean runtime) {
            super(message);
            this.runtime = runtime;
        }
    }

    /**
     * Evaluates a payload template (Parameters, ItemSelector, ResultSelector): fields named {@code x.$} become
     * {@code x} with the value of the path or intrinsic function; nested objects and arrays are processed too.
     */
    static JsonNode applyTemplate(JsonNode template, JsonNode data, JsonNode context, Intrinsics intrinsics)
            throws TemplateFailure {
        if (template.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = template.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (key.endsWith(".$")) {
                    String name = key.substring(0, key.length() - 2);
                    String expr = e.getValue().asText();
                    out.set(name, evalExpression(name, expr, data, context, intrinsics));
                } else {
                    out.set(key, applyTemplate(e.getValue(), data, context, intrinsics));
                }
            }
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode el : template) {
                out.add(applyTemplate(el, data, context, intrinsics));
            }
            return out;
        }
        return template;
    }

    private static JsonNode evalExpression(String field, String expr, JsonNode data, JsonNode context,
                                           Intrinsics intrinsics) throws TemplateFailure {
        if (expr.startsWith("States.")) {
            try {
                return intrinsics.evaluate(expr, data, context);
            } catch (Intrinsics.IntrinsicFailure f) {
                throw new TemplateFailure(f.getMessage(), true);
            }
        }
        try {
            return read(expr, data, context);
        } catch (PathFailure f) {
            throw new TemplateFailure("The JSONPath '" + expr + "' specified for the field '" + field
                    + ".$' could not be found in the input '" + compact(data) + "'", false);
        }
    }

    static String compact(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int utf8Size(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n).length;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
