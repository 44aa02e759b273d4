package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;

/**
 * Wait: Seconds / SecondsPath of virtual time, or until Timestamp / TimestampPath on the engine's virtual clock
 * ({@link TimeSource#now()}), which is what the workflow's own timestamps are computed on.
 */
final class WaitExecutor implements StateExecutor<State.Wait> {

    private final DataFlow data;
    private final Threads threads;
    private final TimeSource time;

    WaitExecutor(DataFlow data, Threads threads, TimeSource time) {
        this.data = data;
        this.threads = threads;
        this.time = time;
    }

    @Override
    public Step execute(State.Wait st, Input in) throws StateFailure {
        JsonNode eff = data.input(st.paths(), in.raw());
        Duration d;
        if (st.seconds() != null) {
            d = Duration.ofSeconds(st.seconds());
        } else if (st.secondsPath() != null) {
            JsonNode v = DataFlow.read(st.secondsPath(), eff, data.context(st.name(), in.entered(), 0, null));
            if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
                throw StateFailure.runtime("The SecondsPath '" + st.secondsPath()
                        + "' did not select a non-negative integer");
            }
            d = Duration.ofSeconds(v.asLong());
        } else {
            Instant until = st.timestamp();
            if (until == null) {
                JsonNode ts = DataFlow.read(st.timestampPath(), eff, data.context(st.name(), in.entered(), 0, null));
                until = ChoiceRules.timestamp(ts);
                if (until == null) {
                    throw StateFailure.runtime("The Timestamp '" + ts + "' is not an RFC 3339 timestamp");
                }
            }
            d = Duration.between(time.now(), until);
        }
        threads.sleep(d);
        return new Step(data.output(st.paths(), eff), st.next());
    }
}
