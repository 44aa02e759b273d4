package dev.campaigns.infra.local;

import java.time.Duration;

/** AWS AppSync's quotas that the local AppSync enforces, with AppSync's errors (sources in docs/limits.md). */
public final class AppSyncLimits {
    /** "Request execution time for mutations, queries, and subscriptions": 30 seconds, not adjustable. */
    public static final Duration REQUEST_EXECUTION_TIME = Duration.ofSeconds(30);

    /**
     * "Evaluated resolver template size": 5 MB, not adjustable. For a direct Lambda resolver this bounds the event
     * sent to the function (arguments, identity, source and info, whose {@code variables} repeat what the request
     * passed as variables) and the function's answer.
     */
    public static final int EVALUATED_TEMPLATE_BYTES = 5 * 1024 * 1024;

    /** The error type of a request or answer over {@link #EVALUATED_TEMPLATE_BYTES}. */
    public static final String TOO_LARGE_TYPE = "MappingTemplate";
    public static final String TOO_LARGE_MESSAGE = "Transformation too large";

    /** The error of a Lambda data source call cut off by the request execution time. */
    public static final String TIMEOUT_TYPE = "Lambda:ExecutionTimeoutException";
    public static final String TIMEOUT_MESSAGE = "Execution timed out.";

    private AppSyncLimits() {
    }
}
