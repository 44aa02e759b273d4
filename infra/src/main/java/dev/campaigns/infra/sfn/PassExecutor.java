package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

/** Pass: InputPath, Parameters, then Result (or the effective input) placed by ResultPath, then OutputPath. */
final class PassExecutor implements StateExecutor<State.Pass> {

    private final DataFlow data;

    PassExecutor(DataFlow data) {
        this.data = data;
    }

    @Override
    public Step execute(State.Pass st, Input in) throws StateFailure {
        JsonNode eff = data.input(st.paths(), in.raw());
        if (st.parameters() != null) {
            eff = data.template(st.parameters(), eff, data.context(st.name(), in.entered(), 0, null), "Parameters");
        }
        JsonNode result = st.result() != null ? st.result() : eff;
        return new Step(data.output(st.paths(), DataFlow.placeResult(st.paths().resultPath(), in.raw(), result)),
                st.next());
    }
}
