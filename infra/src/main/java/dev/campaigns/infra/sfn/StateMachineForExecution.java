package dev.campaigns.infra.sfn;

/**
 * What DescribeStateMachineForExecution returns: the state machine an execution ran and, for a child execution
 * of a distributed Map, its Map Run and the Map's label (the state machine is then the item processor's).
 */
public record StateMachineForExecution(StateMachineDescription stateMachine, String mapRunArn, String label) {
}
