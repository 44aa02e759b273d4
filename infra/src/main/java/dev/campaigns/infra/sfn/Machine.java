package dev.campaigns.infra.sfn;

import java.util.Map;

/**
 * A parsed machine: a state machine's top level, a Parallel branch or a Map's item processor.
 *
 * @param startAt        the first state
 * @param states         every state by name (each transition names one of them: checked at parse time)
 * @param timeoutSeconds the execution's TimeoutSeconds (top level only), or null
 */
record Machine(String startAt, Map<String, State> states, Long timeoutSeconds) {

    State state(String name) {
        return states.get(name);
    }
}
