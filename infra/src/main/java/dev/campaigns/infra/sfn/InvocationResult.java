package dev.campaigns.infra.sfn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one {@link LambdaInvoker#invoke} call: either the function's response payload, or an error the
 * function raised (Lambda's {@code X-Amz-Function-Error: Unhandled} case), described as the Lambda runtime
 * serialises it: {@code {"errorMessage", "errorType", "stackTrace"}}.
 */
public final class InvocationResult {
    private final String payloadJson;
    private final String errorType;
    private final String errorMessage;
    private final List<String> stackTrace;

    private InvocationResult(String payloadJson, String errorType, String errorMessage, List<String> stackTrace) {
        this.payloadJson = payloadJson;
        this.errorType = errorType;
        this.errorMessage = errorMessage;
        this.stackTrace = stackTrace;
    }

    /** A successful invocation; {@code payloadJson} is the response as JSON text ({@code null} means JSON null). */
    public static InvocationResult success(String payloadJson) {
        return new InvocationResult(payloadJson == null ? "null" : payloadJson, null, null, List.of());
    }

    /** An error raised by the function, with the error name Step Functions will report. */
    public static InvocationResult functionError(String errorType, String errorMessage, List<String> stackTrace) {
        return new InvocationResult(null, Objects.requireNonNull(errorType, "errorType"), errorMessage,
                stackTrace == null ? List.of() : List.copyOf(stackTrace));
    }

    /**
     * An error raised by a Java handler: as the Java Lambda runtime reports it, the error type is the exception's
     * class name and the stack trace is one string per frame.
     */
    public static InvocationResult functionError(Throwable thrown) {
        List<String> frames = new ArrayList<>();
        for (StackTraceElement e : thrown.getStackTrace()) {
            frames.add(e.toString());
        }
        return functionError(thrown.getClass().getName(), thrown.getMessage(), frames);
    }

    public boolean isFunctionError() {
        return errorType != null;
    }

    /** The response payload (JSON text); {@code null} for a function error. */
    public String payloadJson() {
        return payloadJson;
    }

    public String errorType() {
        return errorType;
    }

    public String errorMessage() {
        return errorMessage;
    }

    public List<String> stackTrace() {
        return stackTrace;
    }

    @Override
    public String toString() {
        return isFunctionError() ? "InvocationResult[error=" + errorType + "]" : "InvocationResult[success]";
    }
}
