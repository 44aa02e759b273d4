package dev.campaigns.infra.sfn;

/**
 * Thrown by a {@link LambdaInvoker} when the Lambda service itself fails (as opposed to the function raising an
 * error). Step Functions reports it with {@link #errorName()}, for example {@code Lambda.ResourceNotFoundException},
 * {@code Lambda.TooManyRequestsException} or {@code Lambda.ServiceException}.
 */
public class LambdaServiceException extends RuntimeException {
    private final String errorName;

    public LambdaServiceException(String errorName, String message) {
        super(message);
        this.errorName = errorName;
    }

    public String errorName() {
        return errorName;
    }
}
