package dev.campaigns.infra.sfn;

/** Succeed: the machine ends with InputPath then OutputPath applied to the input. */
final class SucceedExecutor implements StateExecutor<State.Succeed> {

    private final DataFlow data;

    SucceedExecutor(DataFlow data) {
        this.data = data;
    }

    @Override
    public Step execute(State.Succeed st, Input in) throws StateFailure {
        return new Step(data.output(st.paths(), data.input(st.paths(), in.raw())), null);
    }
}
