package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a state machine definition when it is created, as CreateStateMachine does, so that a definition that
 * would be rejected by AWS is rejected locally too (with AWS's diagnostic codes such as
 * {@code MISSING_TRANSITION_TARGET}) instead of failing half-way through an execution.
 */
final class DefinitionValidator {

    static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    static final String LAMBDA_INVOKE_WAIT = "arn:aws:states:::lambda:invoke.waitForTaskToken";
    static final Pattern LAMBDA_ARN =
            Pattern.compile("arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?");
    private static final Set<String> TYPES = Set.of("Pass", "Task", "Choice", "Wait", "Succeed", "Fail",
            "Parallel", "Map");

    private final List<String> problems = new ArrayList<>();

    private DefinitionValidator() {
    }

    /** @return the problems found, empty when the definition is valid */
    static List<String> validate(JsonNode definition) {
        DefinitionValidator v = new DefinitionValidator();
        v.machine(definition, "");
        return v.problems;
    }

    private void machine(JsonNode m, String at) {
        if (m == null || !m.isObject()) {
            problems.add("SCHEMA_VALIDATION_FAILED: a state machine must be an object at " + at + "/");
            return;
        }
        JsonNode states = m.get("States");
        String startAt = m.path("StartAt").asText(null);
        if (states == null || !states.isObject() || states.isEmpty()) {
            problems.add("SCHEMA_VALIDATION_FAILED: 'States' must be a non-empty object at " + at + "/States");
            return;
        }
        if (startAt == null || !states.has(startAt)) {
            problems.add("MISSING_TRANSITION_TARGET: StartAt '" + startAt + "' is not a state at " + at
                    + "/StartAt");
        }
        Iterator<Map.Entry<String, JsonNode>> it = states.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            state(e.getKey(), e.getValue(), states, at + "/States/" + e.getKey());
        }
    }

    private void state(String name, JsonNode s, JsonNode siblings, String at) {
        if (name.length() > 80) {
            problems.add("SCHEMA_VALIDATION_FAILED: state names must be at most 80 characters at " + at);
        }
        String type = s.path("Type").asText(null);
        if (type == null || !TYPES.contains(type)) {
            problems.add("SCHEMA_VALIDATION_FAILED: unknown or missing Type '" + type + "' at " + at);
            return;
        }
        boolean terminalType = type.equals("Succeed") || type.equals("Fail") || type.equals("Choice");
        if (!terminalType) {
            boolean hasNext = s.has("Next");
            boolean end = s.path("End").asBoolean(false);
            if (hasNext == end) {
                problems.add("SCHEMA_VALIDATION_FAILED: a " + type + " state needs exactly one of Next or End at "
                        + at);
            }
            if (hasNext) {
                target(s.get("Next").asText(), siblings, at + "/Next");
            }
        } else if (s.has("Next") || s.has("End")) {
            problems.add("SCHEMA_VALIDATION_FAILED: a " + type + " state cannot have Next or End at " + at);
        }
        for (String path : List.of("ResultPath")) {
            if (s.hasNonNull(path)) {
                try {
                    JsonPaths.referencePath(s.get(path).asText());
                } catch (JsonPaths.PathFailure f) {
                    problems.add("INVALID_JSON_PATH: " + f.getMessage() + " at " + at + "/" + path);
                }
            }
        }
        switch (type) {
            case "Task":
                String resource = s.path("Resource").asText("");
                if (!resource.equals(LAMBDA_INVOKE) && !resource.equals(LAMBDA_INVOKE_WAIT)
                        && !LAMBDA_ARN.matcher(resource).matches()) {
                    problems.add("SCHEMA_VALIDATION_FAILED: the resource '" + resource + "' is not supported by "
                            + "the local engine (lambda:invoke, lambda:invoke.waitForTaskToken or a Lambda "
                            + "function ARN) at " + at + "/Resource");
                }
                errorHandling(s, siblings, at);
                break;
            case "Parallel":
                if (!s.path("Branches").isArray() || s.path("Branches").isEmpty()) {
                    problems.add("SCHEMA_VALIDATION_FAILED: Parallel needs a non-empty Branches array at " + at);
                } else {
                    for (int i = 0; i < s.get("Branches").size(); i++) {
                        machine(s.get("Branches").get(i), at + "/Branches[" + i + "]");
                    }
                }
                errorHandling(s, siblings, at);
                break;
            case "Map":
                JsonNode processor = s.has("ItemProcessor") ? s.get("ItemProcessor") : s.get("Iterator");
                if (processor == null) {
                    problems.add("SCHEMA_VALIDATION_FAILED: Map needs an ItemProcessor at " + at);
                } else {
                    machine(processor, at + "/ItemProcessor");
                }
                if (s.has("ItemReader")) {
                    problems.add("SCHEMA_VALIDATION_FAILED: ItemReader is not supported by the local engine at "
                            + at + "/ItemReader");
                }
                errorHandling(s, siblings, at);
                break;
            case "Choice":
                JsonNode choices = s.get("Choices");
                if (choices == null || !choices.isArray() || choices.isEmpty()) {
                    problems.add("SCHEMA_VALIDATION_FAILED: Choice needs a non-empty Choices array at " + at);
                } else {
                    for (int i = 0; i < choices.size(); i++) {
                        JsonNode c = choices.get(i);
                        target(c.path("Next").asText(null), siblings, at + "/Choices[" + i + "]/Next");
                        rule(c, at + "/Choices[" + i + "]");
                    }
                }
                if (s.has("Default")) {
                    target(s.get("Default").asText(), siblings, at + "/Default");
                }
                break;
            case "Wait":
                int n = 0;
                for (String f : List.of("Seconds", "Timestamp", "SecondsPath", "TimestampPath")) {
                    n += s.has(f) ? 1 : 0;
                }
                if (n != 1) {
                    problems.add("SCHEMA_VALIDATION_FAILED: a Wait state needs exactly one of Seconds, Timestamp, "
                            + "SecondsPath or TimestampPath at " + at);
                }
                break;
            default:
                break;
        }
    }

    private void rule(JsonNode r, String at) {
        if (r.has("And") || r.has("Or")) {
            JsonNode list = r.has("And") ? r.get("And") : r.get("Or");
            if (!list.isArray() || list.isEmpty()) {
                problems.add("SCHEMA_VALIDATION_FAILED: And/Or need a non-empty array at " + at);
                return;
            }
            for (JsonNode x : list) {
                rule(x, at);
            }
        } else if (r.has("Not")) {
            rule(r.get("Not"), at);
        } else {
            if (!r.has("Variable")) {
                problems.add("SCHEMA_VALIDATION_FAILED: a Choice rule needs a Variable at " + at);
            }
            try {
                ChoiceRules.operatorOf(r);
            } catch (StateFailure f) {
                problems.add("SCHEMA_VALIDATION_FAILED: a Choice rule needs a comparison operator at " + at);
            }
        }
    }

    private void errorHandling(JsonNode s, JsonNode siblings, String at) {
        for (String field : List.of("Retry", "Catch")) {
            JsonNode list = s.get(field);
            if (list == null) {
                continue;
            }
            if (!list.isArray()) {
                problems.add("SCHEMA_VALIDATION_FAILED: " + field + " must be an array at " + at);
                continue;
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode r = list.get(i);
                String rat = at + "/" + field + "[" + i + "]";
                JsonNode eq = r.get("ErrorEquals");
                if (eq == null || !eq.isArray() || eq.isEmpty()) {
                    problems.add("SCHEMA_VALIDATION_FAILED: ErrorEquals must be a non-empty array at " + rat);
                    continue;
                }
                for (JsonNode e : eq) {
                    if (e.asText().equals("States.ALL") && (eq.size() != 1 || i != list.size() - 1)) {
                        problems.add("SCHEMA_VALIDATION_FAILED: States.ALL must appear alone and in the last "
                                + (field.equals("Retry") ? "retrier" : "catcher") + " at " + rat);
                    }
                }
                if (field.equals("Catch")) {
                    target(r.path("Next").asText(null), siblings, rat + "/Next");
                } else if (r.has("BackoffRate") && r.get("BackoffRate").asDouble() < 1.0) {
                    problems.add("SCHEMA_VALIDATION_FAILED: BackoffRate must be at least 1.0 at " + rat);
                }
            }
        }
    }

    private void target(String next, JsonNode siblings, String at) {
        if (next == null || !siblings.has(next)) {
            problems.add("MISSING_TRANSITION_TARGET: Missing 'Next' target: " + next + " at " + at);
        }
    }
}
