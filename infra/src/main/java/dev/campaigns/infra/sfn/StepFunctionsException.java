package dev.campaigns.infra.sfn;

/**
 * An API-level error of the local Step Functions service, named exactly as the AWS API names it
 * ({@link #errorCode()} is the {@code __type} the HTTP front returns, so the AWS SDK raises the matching typed
 * exception, e.g. {@code ExecutionAlreadyExistsException}).
 */
public class StepFunctionsException extends RuntimeException {

    /** The error codes this engine raises, as spelled by the Step Functions API. */
    public enum Code {
        ExecutionAlreadyExists, ExecutionDoesNotExist, StateMachineDoesNotExist, StateMachineAlreadyExists,
        InvalidDefinition, InvalidArn, InvalidName, InvalidExecutionInput, InvalidOutput, InvalidToken,
        TaskDoesNotExist, TaskTimedOut, ResourceNotFound, ValidationException, UnknownOperationException
    }

    private final Code code;

    public StepFunctionsException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    /** The API error name, e.g. {@code ExecutionAlreadyExists}. */
    public String errorCode() {
        return code.name();
    }
}
