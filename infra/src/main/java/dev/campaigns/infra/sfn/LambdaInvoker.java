package dev.campaigns.infra.sfn;

/**
 * How the local Step Functions engine runs a Lambda function. The engine knows nothing about handlers: the
 * project implements this with in-process handler instances (or anything else), which keeps the engine a
 * library with no dependency on the rest of the project.
 *
 * <p>Contract, mirroring the Lambda Invoke API as Step Functions sees it:
 * <ul>
 *   <li>a normal return of {@link InvocationResult#success(String)} is the function's response payload (JSON);</li>
 *   <li>{@link InvocationResult#functionError} is an error <em>raised by the function</em> (for a Java handler,
 *       {@code errorType} is the exception's class name); Step Functions reports it with that error name;</li>
 *   <li>throwing {@link LambdaServiceException} is a failure of the Lambda <em>service</em> (for example
 *       {@code Lambda.ResourceNotFoundException} or {@code Lambda.TooManyRequestsException});</li>
 *   <li>any other {@link RuntimeException} is treated as a client-side failure, {@code Lambda.SdkClientException}.</li>
 * </ul>
 * Implementations must be thread-safe: Map and Parallel states invoke concurrently.
 */
@FunctionalInterface
public interface LambdaInvoker {

    /**
     * Invokes a function synchronously (RequestResponse).
     *
     * @param functionName the bare function name: a full or partial ARN given in the definition is reduced to
     *                     its function-name segment and any version or alias qualifier is dropped
     * @param payloadJson  the request payload as JSON text
     * @return the response payload or the function's error
     */
    InvocationResult invoke(String functionName, String payloadJson);

    /**
     * Reduces {@code my-fn}, {@code my-fn:live}, {@code 123456789012:function:my-fn} or
     * {@code arn:aws:lambda:us-east-1:123456789012:function:my-fn:3} to {@code my-fn}.
     */
    static String functionNameOf(String nameOrArn) {
        String s = nameOrArn;
        int fn = s.indexOf(":function:");
        if (fn >= 0) {
            s = s.substring(fn + ":function:".length());
        }
        int colon = s.indexOf(':');
        return colon >= 0 ? s.substring(0, colon) : s;
    }
}
