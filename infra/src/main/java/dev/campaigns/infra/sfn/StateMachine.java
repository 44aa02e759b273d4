package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A created state machine (or the synthetic one of a distributed Map's child executions): its definition as
 * given (text and JSON, to compare a repeated CreateStateMachine) and as parsed once ({@code machine}).
 */
record StateMachine(String arn, String name, String definitionText, JsonNode definition, Machine machine,
                    String roleArn, Instant creationDate) {

    StateMachineDescription describe() {
        return new StateMachineDescription(arn, name, definitionText, roleArn, creationDate);
    }
}
