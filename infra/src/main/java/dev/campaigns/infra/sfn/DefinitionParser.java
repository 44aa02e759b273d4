package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses a definition once, at CreateStateMachine, into typed states ({@link Machine}, {@link State}). It refuses,
 * as AWS does, what the States Language does not allow (with AWS's diagnostic codes such as
 * {@code MISSING_TRANSITION_TARGET}), and refuses what the language allows but this engine does not implement
 * (JSONata, variables, ItemReader, ...), naming the state and the field, instead of silently ignoring it or
 * failing half-way through an execution. Every problem found is reported, each with its location
 * ({@code /States/Name/Field}).
 */
final class DefinitionParser {

    static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    static final String LAMBDA_INVOKE_WAIT = "arn:aws:states:::lambda:invoke.waitForTaskToken";
    static final Pattern LAMBDA_ARN =
            Pattern.compile("arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?");

    /** Fields of every state. */
    private static final Set<String> COMMON = Set.of("Type", "Comment", "QueryLanguage");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "Pass", Set.of("Next", "End", "InputPath", "OutputPath", "Parameters", "Result", "ResultPath"),
            "Task", Set.of("Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath",
                    "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath",
                    "Retry", "Catch"),
            "Choice", Set.of("InputPath", "OutputPath", "Choices", "Default"),
            "Wait", Set.of("Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp",
                    "TimestampPath"),
            "Succeed", Set.of("InputPath", "OutputPath"),
            "Fail", Set.of("Error", "ErrorPath", "Cause", "CausePath"),
            "Parallel", Set.of("Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector",
                    "ResultPath", "Branches", "Retry", "Catch"),
            "Map", Set.of("Next", "End", "InputPath", "OutputPath", "ItemsPath", "ItemSelector", "Parameters",
                    "ItemProcessor", "Iterator", "MaxConcurrency", "MaxConcurrencyPath", "ResultSelector",
                    "ResultPath", "Retry", "Catch", "Label", "ItemBatcher", "ToleratedFailureCount",
                    "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath"));
    /** Map fields that only a distributed Map has. */
    private static final Set<String> DISTRIBUTED_ONLY = Set.of("Label", "ItemBatcher", "ToleratedFailureCount",
            "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath");
    /** Fields the States Language has and this engine does not implement, with what they belong to. */
    private static final Map<String, String> NOT_IMPLEMENTED = Map.of(
            "Assign", "variables",
            "Output", "JSONata",
            "Arguments", "JSONata",
            "Items", "JSONata",
            "Condition", "JSONata",
            "Credentials", "cross-account tasks",
            "ItemReader", "reading items from S3",
            "ResultWriter", "writing results to S3",
            "MaxInputBytesPerBatchPath", "a path for the batch size in bytes");
    private static final Set<String> RETRIER = Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts",
            "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment");
    private static final Set<String> CATCHER = Set.of("ErrorEquals", "Next", "ResultPath", "Comment");
    private static final Set<String> BATCHER = Set.of("MaxItemsPerBatch", "MaxItemsPerBatchPath",
            "MaxInputBytesPerBatch", "BatchInput");
    private static final long DEFAULT_MAX_BATCH_BYTES = 262_144;

    private final List<String> problems = new ArrayList<>();

    private DefinitionParser() {
    }

    /** The outcome: the machine when {@code problems} is empty. */
    record Result(Machine machine, List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Parses a state machine's definition (its top level may have TimeoutSeconds). */
    static Result parse(JsonNode definition) {
        DefinitionParser p = new DefinitionParser();
        Machine m = p.machine(definition, "", Kind.TOP);
        return new Result(p.problems.isEmpty() ? m : null, List.copyOf(p.problems));
    }

    private enum Kind { TOP, BRANCH, ITEM_PROCESSOR }

    // ---- machines ---------------------------------------------------------------------------------------------

    private Machine machine(JsonNode m, String at, Kind kind) {
        if (m == null || !m.isObject()) {
            problem("SCHEMA_VALIDATION_FAILED: a state machine must be an object at " + at + "/");
            return null;
        }
        Set<String> allowed = switch (kind) {
            case TOP -> Set.of("StartAt", "States", "Comment", "TimeoutSeconds", "Version", "QueryLanguage");
            case BRANCH -> Set.of("StartAt", "States", "Comment");
            case ITEM_PROCESSOR -> Set.of("StartAt", "States", "Comment", "ProcessorConfig");
        };
        fields(m, allowed, null, at);
        queryLanguage(m, null, at);
        JsonNode states = m.get("States");
        String startAt = text(m, "StartAt", at);
        if (states == null || !states.isObject() || states.isEmpty()) {
            problem("SCHEMA_VALIDATION_FAILED: 'States' must be a non-empty object at " + at + "/States");
            return null;
        }
        if (startAt == null || !states.has(startAt)) {
            problem("MISSING_TRANSITION_TARGET: StartAt '" + startAt + "' is not a state at " + at + "/StartAt");
        }
        Long timeout = kind == Kind.TOP ? integer(m, "TimeoutSeconds", 1, at) : null;
        Map<String, State> parsed = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = states.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            State s = state(e.getKey(), e.getValue(), states, at + "/States/" + e.getKey());
            if (s != null) {
                parsed.put(e.getKey(), s);
            }
        }
        return new Machine(startAt, Map.copyOf(parsed), timeout);
    }

    // ---- states -----------------------------------------------------------------------------------------------

    private State state(String name, JsonNode s, JsonNode siblings, String at) {
        if (name.length() > 80) {
            problem("SCHEMA_VALIDATION_FAILED: state names must be at most 80 characters at " + at);
        }
        if (s == null || !s.isObject()) {
            problem("SCHEMA_VALIDATION_FAILED: a state must be an object at " + at);
            return null;
        }
        String type = s.path("Type").asText(null);
        if (type == null || !FIELDS.containsKey(type)) {
            problem("SCHEMA_VALIDATION_FAILED: unknown or missing Type '" + type + "' at " + at);
            return null;
        }
        fields(s, FIELDS.get(type), name, at);
        queryLanguage(s, name, at);
        String next = transition(type, s, siblings, at);
        State.Paths paths = paths(s, at);
        return switch (type) {
            case "Pass" -> new State.Pass(name, next, paths, s.get("Parameters"), s.get("Result"));
            case "Task" -> task(name, next, paths, s, siblings, at);
            case "Choice" -> choice(name, paths, s, siblings, at);
            case "Wait" -> waitState(name, next, paths, s, at);
            case "Succeed" -> new State.Succeed(name, paths);
            case "Fail" -> fail(name, s, at);
            case "Parallel" -> parallel(name, next, paths, s, siblings, at);
            default -> map(name, next, paths, s, siblings, at);
        };
    }

    /** Next or End: exactly one for the types that have them, neither for Choice, Succeed and Fail. */
    private String transition(String type, JsonNode s, JsonNode siblings, String at) {
        boolean terminalType = type.equals("Succeed") || type.equals("Fail") || type.equals("Choice");
        if (terminalType) {
            if (s.has("Next") || s.has("End")) {
                problem("SCHEMA_VALIDATION_FAILED: a " + type + " state cannot have Next or End at " + at);
            }
            return null;
        }
        boolean hasNext = s.has("Next");
        boolean end = s.path("End").asBoolean(false);
        if (hasNext == end) {
            problem("SCHEMA_VALIDATION_FAILED: a " + type + " state needs exactly one of Next or End at " + at);
        }
        if (!hasNext) {
            return null;
        }
        String next = s.get("Next").asText();
        target(next, siblings, at + "/Next");
        return next;
    }

    private State.Paths paths(JsonNode s, String at) {
        return new State.Paths(path(s, "InputPath", at), resultPath(s.get("ResultPath"), s.has("ResultPath"),
                at + "/ResultPath"), path(s, "OutputPath", at));
    }

    /** InputPath / OutputPath / ItemsPath: absent is "$", null is null, otherwise a path starting with '$'. */
    private String path(JsonNode s, String field, String at) {
        if (!s.has(field)) {
            return "$";
        }
        JsonNode v = s.get(field);
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual() || !v.asText().startsWith("$")) {
            problem("INVALID_JSON_PATH: " + field + " must be a path starting with '$' at " + at + "/" + field);
            return "$";
        }
        return v.asText();
    }

    private String resultPath(JsonNode v, boolean present, String at) {
        if (!present) {
            return "$";
        }
        if (v.isNull()) {
            return null;
        }
        try {
            JsonPaths.referencePath(v.asText());
        } catch (JsonPaths.PathFailure f) {
            problem("INVALID_JSON_PATH: " + f.getMessage() + " at " + at);
        }
        return v.asText();
    }

    private State task(String name, String next, State.Paths paths, JsonNode s, JsonNode siblings, String at) {
        String resource = s.path("Resource").asText("");
        State.Integration integration = null;
        if (resource.equals(LAMBDA_INVOKE)) {
            integration = State.Integration.LAMBDA_INVOKE;
        } else if (resource.equals(LAMBDA_INVOKE_WAIT)) {
            integration = State.Integration.LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN;
        } else if (LAMBDA_ARN.matcher(resource).matches()) {
            integration = State.Integration.LAMBDA_FUNCTION;
        } else {
            problem("SCHEMA_VALIDATION_FAILED: the resource '" + resource + "' of state '" + name + "' is not "
                    + "supported by the local engine (lambda:invoke, lambda:invoke.waitForTaskToken or a Lambda "
                    + "function ARN) at " + at + "/Resource");
        }
        return new State.Task(name, next, paths, s.get("Parameters"), s.get("ResultSelector"), resource,
                integration, valueOrPath(s, "TimeoutSeconds", 1, at), valueOrPath(s, "HeartbeatSeconds", 0, at),
                errorHandling(name, s, siblings, at));
    }

    private State choice(String name, State.Paths paths, JsonNode s, JsonNode siblings, String at) {
        JsonNode choices = s.get("Choices");
        List<ChoiceRule.Branch> branches = new ArrayList<>();
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            problem("SCHEMA_VALIDATION_FAILED: Choice needs a non-empty Choices array at " + at);
        } else {
            for (int i = 0; i < choices.size(); i++) {
                JsonNode c = choices.get(i);
                String cat = at + "/Choices[" + i + "]";
                String next = c.path("Next").asText(null);
                target(next, siblings, cat + "/Next");
                ChoiceRule rule = rule(c, name, cat, true);
                branches.add(new ChoiceRule.Branch(rule, next));
            }
        }
        String dflt = null;
        if (s.has("Default")) {
            dflt = s.get("Default").asText();
            target(dflt, siblings, at + "/Default");
        }
        return new State.Choice(name, paths, List.copyOf(branches), dflt);
    }

    private ChoiceRule rule(JsonNode r, String state, String at, boolean topLevel) {
        if (r == null || !r.isObject()) {
            problem("SCHEMA_VALIDATION_FAILED: a Choice rule must be an object at " + at);
            return null;
        }
        Set<String> allowed = new java.util.HashSet<>(ChoiceRules.OPERATORS);
        allowed.addAll(Set.of("Variable", "And", "Or", "Not", "Comment"));
        if (topLevel) {
            allowed.add("Next");
        }
        fields(r, allowed, state, at);
        if (r.has("And") || r.has("Or")) {
            boolean and = r.has("And");
            JsonNode list = and ? r.get("And") : r.get("Or");
            if (!list.isArray() || list.isEmpty()) {
                problem("SCHEMA_VALIDATION_FAILED: And/Or need a non-empty array at " + at);
                return null;
            }
            List<ChoiceRule> rules = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                rules.add(rule(list.get(i), state, at + "/" + (and ? "And" : "Or") + "[" + i + "]", false));
            }
            return and ? new ChoiceRule.And(List.copyOf(rules.stream().filter(java.util.Objects::nonNull).toList()))
                    : new ChoiceRule.Or(List.copyOf(rules.stream().filter(java.util.Objects::nonNull).toList()));
        }
        if (r.has("Not")) {
            return new ChoiceRule.Not(rule(r.get("Not"), state, at + "/Not", false));
        }
        String variable = r.path("Variable").asText(null);
        if (variable == null || !r.get("Variable").isTextual()) {
            problem("SCHEMA_VALIDATION_FAILED: a Choice rule needs a Variable at " + at);
        }
        List<String> ops = new ArrayList<>();
        r.fieldNames().forEachRemaining(n -> {
            if (ChoiceRules.OPERATORS.contains(n)) {
                ops.add(n);
            }
        });
        if (ops.size() != 1) {
            problem("SCHEMA_VALIDATION_FAILED: a Choice rule needs exactly one comparison operator (found "
                    + ops + ") at " + at);
            return null;
        }
        String op = ops.get(0);
        JsonNode operand = r.get(op);
        boolean ok = switch (ChoiceRules.operandKind(op)) {
            case "path", "string" -> operand.isTextual();
            case "boolean" -> operand.isBoolean();
            case "number" -> operand.isNumber();
            default -> ChoiceRules.timestamp(operand) != null;
        };
        if (!ok) {
            problem("SCHEMA_VALIDATION_FAILED: " + op + " needs a " + ChoiceRules.operandKind(op) + " value, not "
                    + operand + " at " + at + "/" + op);
        }
        return new ChoiceRule.DataTest(variable, op, operand);
    }

    private State waitState(String name, String next, State.Paths paths, JsonNode s, String at) {
        int n = 0;
        for (String f : List.of("Seconds", "Timestamp", "SecondsPath", "TimestampPath")) {
            n += s.has(f) ? 1 : 0;
        }
        if (n != 1) {
            problem("SCHEMA_VALIDATION_FAILED: a Wait state needs exactly one of Seconds, Timestamp, "
                    + "SecondsPath or TimestampPath at " + at);
        }
        Instant timestamp = null;
        if (s.has("Timestamp")) {
            timestamp = ChoiceRules.timestamp(s.get("Timestamp"));
            if (timestamp == null) {
                problem("SCHEMA_VALIDATION_FAILED: Timestamp '" + s.get("Timestamp").asText() + "' is not an RFC 3339 "
                        + "timestamp at " + at + "/Timestamp");
            }
        }
        return new State.Wait(name, next, paths, integer(s, "Seconds", 0, at), text(s, "SecondsPath", at),
                timestamp, text(s, "TimestampPath", at));
    }

    private State fail(String name, JsonNode s, String at) {
        for (String f : List.of("Error", "Cause")) {
            if (s.has(f) && s.has(f + "Path")) {
                problem("SCHEMA_VALIDATION_FAILED: a Fail state cannot have both " + f + " and " + f + "Path at "
                        + at);
            }
        }
        return new State.Fail(name, text(s, "Error", at), text(s, "ErrorPath", at), text(s, "Cause", at),
                text(s, "CausePath", at));
    }

    private State parallel(String name, String next, State.Paths paths, JsonNode s, JsonNode siblings, String at) {
        List<Machine> branches = new ArrayList<>();
        JsonNode list = s.get("Branches");
        if (list == null || !list.isArray() || list.isEmpty()) {
            problem("SCHEMA_VALIDATION_FAILED: Parallel needs a non-empty Branches array at " + at);
        } else {
            for (int i = 0; i < list.size(); i++) {
                branches.add(machine(list.get(i), at + "/Branches[" + i + "]", Kind.BRANCH));
            }
        }
        return new State.Parallel(name, next, paths, s.get("Parameters"), s.get("ResultSelector"),
                List.copyOf(branches.stream().filter(java.util.Objects::nonNull).toList()),
                errorHandling(name, s, siblings, at));
    }

    private State map(String name, String next, State.Paths paths, JsonNode s, JsonNode siblings, String at) {
        if (s.has("ItemProcessor") && s.has("Iterator")) {
            problem("SCHEMA_VALIDATION_FAILED: a Map state has either ItemProcessor or Iterator, not both at " + at);
        }
        if (s.has("ItemSelector") && s.has("Parameters")) {
            problem("SCHEMA_VALIDATION_FAILED: a Map state has either ItemSelector or Parameters, not both at "
                    + at);
        }
        String processorField = s.has("ItemProcessor") ? "ItemProcessor" : "Iterator";
        JsonNode processor = s.get(processorField);
        Machine machine = null;
        boolean distributed = false;
        if (processor == null) {
            problem("SCHEMA_VALIDATION_FAILED: Map needs an ItemProcessor at " + at);
        } else {
            machine = machine(processor, at + "/" + processorField, Kind.ITEM_PROCESSOR);
            distributed = processorConfig(processor.get("ProcessorConfig"), name,
                    at + "/" + processorField + "/ProcessorConfig");
        }
        if (!distributed) {
            for (String f : DISTRIBUTED_ONLY) {
                if (s.has(f)) {
                    problem("SCHEMA_VALIDATION_FAILED: state '" + name + "': '" + f + "' is only valid in a "
                            + "distributed Map (ProcessorConfig.Mode DISTRIBUTED) at " + at + "/" + f);
                }
            }
        }
        JsonNode selector = s.has("ItemSelector") ? s.get("ItemSelector") : s.get("Parameters");
        State.MapItems items = new State.MapItems(path(s, "ItemsPath", at), selector,
                valueOrPath(s, "MaxConcurrency", 0, at), machine);
        State.ErrorHandling errors = errorHandling(name, s, siblings, at);
        if (!distributed) {
            return new State.InlineMap(name, next, paths, items, s.get("ResultSelector"), errors);
        }
        String label = s.has("Label") ? text(s, "Label", at) : name.replaceAll("[^A-Za-z0-9_-]", "");
        if (label != null && (label.isEmpty() || label.length() > 40)) {
            problem("SCHEMA_VALIDATION_FAILED: a Map Label must be 1 to 40 characters at " + at + "/Label");
        }
        return new State.DistributedMap(name, next, paths, items, s.get("ResultSelector"), label,
                batcher(s.get("ItemBatcher"), name, at + "/ItemBatcher"),
                valueOrPath(s, "ToleratedFailureCount", 0, at),
                numberOrPath(s, "ToleratedFailurePercentage", 0, 100, at),
                JsonPaths.compact(processor), errors);
    }

    /** @return whether the item processor is DISTRIBUTED */
    private boolean processorConfig(JsonNode config, String state, String at) {
        if (config == null) {
            return false;
        }
        fields(config, Set.of("Mode", "ExecutionType"), state, at);
        String mode = config.path("Mode").asText("INLINE");
        if (!mode.equals("INLINE") && !mode.equals("DISTRIBUTED")) {
            problem("SCHEMA_VALIDATION_FAILED: Mode must be INLINE or DISTRIBUTED, not '" + mode + "' at " + at
                    + "/Mode");
        }
        if (config.has("ExecutionType")) {
            String type = config.get("ExecutionType").asText();
            if (type.equals("EXPRESS")) {
                notImplemented(state, "ExecutionType", "EXPRESS child executions", at + "/ExecutionType");
            } else if (!type.equals("STANDARD")) {
                problem("SCHEMA_VALIDATION_FAILED: ExecutionType must be STANDARD or EXPRESS at " + at
                        + "/ExecutionType");
            }
        }
        return mode.equals("DISTRIBUTED");
    }

    private State.ItemBatcher batcher(JsonNode b, String state, String at) {
        if (b == null) {
            return null;
        }
        if (!b.isObject()) {
            problem("SCHEMA_VALIDATION_FAILED: ItemBatcher must be an object at " + at);
            return null;
        }
        fields(b, BATCHER, state, at);
        Long bytes = integer(b, "MaxInputBytesPerBatch", 1, at);
        return new State.ItemBatcher(valueOrPath(b, "MaxItemsPerBatch", 1, at),
                bytes == null ? DEFAULT_MAX_BATCH_BYTES : bytes, b.get("BatchInput"));
    }

    // ---- Retry and Catch --------------------------------------------------------------------------------------

    private State.ErrorHandling errorHandling(String name, JsonNode s, JsonNode siblings, String at) {
        List<State.Retrier> retriers = new ArrayList<>();
        List<State.Catcher> catchers = new ArrayList<>();
        for (String field : List.of("Retry", "Catch")) {
            JsonNode list = s.get(field);
            if (list == null) {
                continue;
            }
            if (!list.isArray()) {
                problem("SCHEMA_VALIDATION_FAILED: " + field + " must be an array at " + at);
                continue;
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode r = list.get(i);
                String rat = at + "/" + field + "[" + i + "]";
                if (!r.isObject()) {
                    problem("SCHEMA_VALIDATION_FAILED: a " + (field.equals("Retry") ? "retrier" : "catcher")
                            + " must be an object at " + rat);
                    continue;
                }
                fields(r, field.equals("Retry") ? RETRIER : CATCHER, name, rat);
                List<String> errors = errorEquals(r.get("ErrorEquals"), field, i == list.size() - 1, rat);
                if (field.equals("Catch")) {
                    String next = r.path("Next").asText(null);
                    target(next, siblings, rat + "/Next");
                    catchers.add(new State.Catcher(errors, resultPath(r.get("ResultPath"), r.has("ResultPath"),
                            rat + "/ResultPath"), next));
                } else {
                    retriers.add(retrier(r, errors, rat));
                }
            }
        }
        return new State.ErrorHandling(List.copyOf(retriers), List.copyOf(catchers));
    }

    private List<String> errorEquals(JsonNode eq, String field, boolean last, String at) {
        if (eq == null || !eq.isArray() || eq.isEmpty()) {
            problem("SCHEMA_VALIDATION_FAILED: ErrorEquals must be a non-empty array at " + at);
            return List.of();
        }
        List<String> errors = new ArrayList<>();
        for (JsonNode e : eq) {
            if (!e.isTextual()) {
                problem("SCHEMA_VALIDATION_FAILED: ErrorEquals must hold error names at " + at);
                continue;
            }
            if (e.asText().equals("States.ALL") && (eq.size() != 1 || !last)) {
                problem("SCHEMA_VALIDATION_FAILED: States.ALL must appear alone and in the last "
                        + (field.equals("Retry") ? "retrier" : "catcher") + " at " + at);
            }
            errors.add(e.asText());
        }
        return List.copyOf(errors);
    }

    private State.Retrier retrier(JsonNode r, List<String> errors, String at) {
        Long interval = integer(r, "IntervalSeconds", 1, at);
        Long attempts = integer(r, "MaxAttempts", 0, at);
        Long maxDelay = integer(r, "MaxDelaySeconds", 1, at);
        double backoff = 2.0;
        if (r.has("BackoffRate")) {
            if (!r.get("BackoffRate").isNumber() || r.get("BackoffRate").asDouble() < 1.0) {
                problem("SCHEMA_VALIDATION_FAILED: BackoffRate must be at least 1.0 at " + at);
            } else {
                backoff = r.get("BackoffRate").asDouble();
            }
        }
        String jitter = r.path("JitterStrategy").asText("NONE");
        if (!jitter.equals("FULL") && !jitter.equals("NONE")) {
            problem("SCHEMA_VALIDATION_FAILED: JitterStrategy must be FULL or NONE at " + at + "/JitterStrategy");
        }
        return new State.Retrier(errors, interval == null ? 1 : interval, attempts == null ? 3 : (int) (long) attempts,
                backoff, maxDelay == null ? null : maxDelay.doubleValue(), jitter.equals("FULL"));
    }

    // ---- fields -----------------------------------------------------------------------------------------------

    /** Refuses fields the engine does not implement (naming the state and the field) and fields AWS does not know. */
    private void fields(JsonNode node, Set<String> allowed, String state, String at) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String f = names.next();
            if (allowed.contains(f) || (state != null && COMMON.contains(f) && node.has("Type"))) {
                continue;
            }
            if (NOT_IMPLEMENTED.containsKey(f)) {
                notImplemented(state, f, NOT_IMPLEMENTED.get(f), at + "/" + f);
            } else {
                problem("SCHEMA_VALIDATION_FAILED: the field '" + f + "' is not supported" + of(state) + " at "
                        + at + "/" + f);
            }
        }
    }

    /** QueryLanguage: JSONPath is what this engine speaks; JSONata is refused. */
    private void queryLanguage(JsonNode node, String state, String at) {
        if (!node.has("QueryLanguage")) {
            return;
        }
        String q = node.get("QueryLanguage").asText();
        if (q.equals("JSONata")) {
            notImplemented(state, "QueryLanguage", "JSONata", at + "/QueryLanguage");
        } else if (!q.equals("JSONPath")) {
            problem("SCHEMA_VALIDATION_FAILED: QueryLanguage must be JSONPath or JSONata at " + at
                    + "/QueryLanguage");
        }
    }

    private void notImplemented(String state, String field, String what, String at) {
        problem("SCHEMA_VALIDATION_FAILED: '" + field + "'" + of(state) + " is not implemented by the local "
                + "engine (" + what + ") at " + at);
    }

    private static String of(String state) {
        return state == null ? "" : " in state '" + state + "'";
    }

    private String text(JsonNode s, String field, String at) {
        if (!s.has(field)) {
            return null;
        }
        if (!s.get(field).isTextual()) {
            problem("SCHEMA_VALIDATION_FAILED: " + field + " must be a string at " + at + "/" + field);
            return null;
        }
        return s.get(field).asText();
    }

    /** An optional integer field of at least {@code min}; null when absent (or invalid, with a problem). */
    private Long integer(JsonNode s, String field, long min, String at) {
        if (!s.has(field)) {
            return null;
        }
        JsonNode v = s.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min) {
            problem("SCHEMA_VALIDATION_FAILED: " + field + " must be an integer of at least " + min + " at " + at
                    + "/" + field);
            return null;
        }
        return v.asLong();
    }

    /** {@code Field} (an integer of at least {@code min}) or {@code FieldPath}, not both. */
    private State.ValueOrPath valueOrPath(JsonNode s, String field, long min, String at) {
        Long value = integer(s, field, min, at);
        return both(s, field, value == null ? null : s.get(field), at);
    }

    /** {@code Field} (a number in [min, max]) or {@code FieldPath}, not both. */
    private State.ValueOrPath numberOrPath(JsonNode s, String field, double min, double max, String at) {
        JsonNode value = s.get(field);
        if (value != null && (!value.isNumber() || value.asDouble() < min || value.asDouble() > max)) {
            problem("SCHEMA_VALIDATION_FAILED: " + field + " must be a number from " + min + " to " + max + " at "
                    + at + "/" + field);
            value = null;
        }
        return both(s, field, value, at);
    }

    private State.ValueOrPath both(JsonNode s, String field, JsonNode value, String at) {
        String path = text(s, field + "Path", at);
        if (s.has(field) && s.has(field + "Path")) {
            problem("SCHEMA_VALIDATION_FAILED: " + field + " and " + field + "Path cannot both be set at " + at);
        }
        return value == null && path == null ? State.ValueOrPath.ABSENT : new State.ValueOrPath(value, path);
    }

    private void target(String next, JsonNode siblings, String at) {
        if (next == null || !siblings.has(next)) {
            problem("MISSING_TRANSITION_TARGET: Missing 'Next' target: " + next + " at " + at);
        }
    }

    private void problem(String p) {
        problems.add(p);
    }
}
