package dev.campaigns.infra.sfn;

import java.time.Instant;

/** What DescribeStateMachine returns (type is always STANDARD, status ACTIVE). */
public record StateMachineDescription(String stateMachineArn, String name, String definition, String roleArn,
                                      Instant creationDate) {
}
