package dev.campaigns.handlers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.service.BackgroundProcesses;
import dev.campaigns.service.ProcessStopper;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

/**
 * Background processes as executions of the campaigns state machine. An execution's name is unique per state
 * machine (for 90 days), so starting the same process twice runs it once: {@code ExecutionAlreadyExists} means
 * an earlier call started it, which is success.
 */
public final class StepFunctionsBackgroundProcesses implements BackgroundProcesses, ProcessStopper {
    private static final ObjectMapper JSON = dev.campaigns.util.Json.MAPPER;
    private final SfnClient sfn;
    private final String stateMachineArn;

    public StepFunctionsBackgroundProcesses(SfnClient sfn, String stateMachineArn) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    @Override
    public void start(String name, Map<String, Object> input) {
        String json;
        try {
            json = JSON.writeValueAsString(input);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        try {
            sfn.startExecution(b -> b.stateMachineArn(stateMachineArn).name(name).input(json));
        } catch (ExecutionAlreadyExistsException started) {
            // started by an earlier, identical call
        }
    }

    /**
     * StopExecution of the execution named {@code name} (its ARN: the state machine's, {@code :stateMachine:} made
     * {@code :execution:}, then {@code :name}); Step Functions stops the distributed Map's child executions with it.
     * An execution that has ended is left as it is; one that does not exist was never started: nothing to stop.
     */
    @Override
    public void stop(String name, String cause) {
        String executionArn = stateMachineArn.replaceFirst(":stateMachine:", ":execution:") + ":" + name;
        try {
            sfn.stopExecution(b -> b.executionArn(executionArn).error("Campaigns.Cancelled").cause(cause));
        } catch (ExecutionDoesNotExistException neverStarted) {
            // nothing to stop
        }
    }
}
