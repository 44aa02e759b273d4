package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

/** Choice: the first rule that holds names the next state, else Default, else States.NoChoiceMatched. */
final class ChoiceExecutor implements StateExecutor<State.Choice> {

    private final DataFlow data;

    ChoiceExecutor(DataFlow data) {
        this.data = data;
    }

    @Override
    public Step execute(State.Choice st, Input in) throws StateFailure {
        JsonNode eff = data.input(st.paths(), in.raw());
        JsonNode ctx = data.context(st.name(), in.entered(), 0, null);
        for (ChoiceRule.Branch b : st.choices()) {
            if (ChoiceRules.evaluate(b.rule(), eff, ctx)) {
                return new Step(data.output(st.paths(), eff), b.next());
            }
        }
        if (st.defaultNext() != null) {
            return new Step(data.output(st.paths(), eff), st.defaultNext());
        }
        throw new StateFailure("States.NoChoiceMatched", "No Matches!");
    }
}
