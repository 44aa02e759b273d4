package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Fail: the machine fails with Error and Cause, literal or from ErrorPath / CausePath (a path or an intrinsic
 * function that must give a string; anything else is States.Runtime).
 */
final class FailExecutor implements StateExecutor<State.Fail> {

    private final DataFlow data;

    FailExecutor(DataFlow data) {
        this.data = data;
    }

    @Override
    public Step execute(State.Fail st, Input in) throws StateFailure {
        String error = field(st, in, "Error", st.error(), st.errorPath());
        String cause = field(st, in, "Cause", st.cause(), st.causePath());
        throw new StateFailure(error == null ? "" : error, cause == null ? "" : cause);
    }

    private String field(State.Fail st, Input in, String field, String literal, String expr) throws StateFailure {
        if (literal != null) {
            return literal;
        }
        if (expr == null) {
            return null;
        }
        JsonNode ctx = data.context(st.name(), in.entered(), 0, null);
        JsonNode v;
        try {
            v = expr.startsWith("States.") ? data.intrinsics().evaluate(expr, in.raw(), ctx)
                    : JsonPaths.read(expr, in.raw(), ctx);
        } catch (JsonPaths.PathFailure | Intrinsics.IntrinsicFailure f) {
            throw StateFailure.runtime("The " + field + "Path '" + expr + "' could not be evaluated: "
                    + f.getMessage());
        }
        if (!v.isTextual()) {
            throw StateFailure.runtime("The " + field + "Path '" + expr + "' did not select a string");
        }
        return v.asText();
    }
}
