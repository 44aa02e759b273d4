package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** A created state machine (or the synthetic one of a distributed Map's child executions). */
record StateMachine(String arn, String name, String definitionText, JsonNode definition, String roleArn,
                    Instant creationDate) {

    StateMachineDescription describe() {
        return new StateMachineDescription(arn, name, definitionText, roleArn, creationDate);
    }
}
