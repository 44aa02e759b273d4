package dev.campaigns.infra.sfn;

/**
 * Figures of one execution for benchmarks and cost estimates.
 *
 * @param historyEventCount events in its history (the 25,000-event quota applies to this)
 * @param maxPayloadBytes   the largest state input, state output or task result seen, in UTF-8 bytes (the
 *                          256 KiB quota applies to each)
 * @param stateTransitions  billable state transitions: every state entered plus every retry
 */
public record ExecutionStats(long historyEventCount, long maxPayloadBytes, long stateTransitions) {
}
