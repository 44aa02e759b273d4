package dev.campaigns.infra.local;

/**
 * AWS Lambda's invocation payload quotas, as the local runtime enforces them (sources in docs/limits.md). Lambda's
 * documentation writes MB for 1,024 KB.
 */
public final class LambdaLimits {
    /**
     * A synchronous (RequestResponse) invocation's request payload: 6 MB. Larger is refused before the function
     * runs, with {@code RequestEntityTooLargeException}: "Request must be smaller than 6291456 bytes for the
     * InvokeFunction operation".
     */
    public static final int SYNC_REQUEST_BYTES = 6 * 1024 * 1024;

    /**
     * A synchronous invocation's response payload: 6 MB. Lambda reports a larger response as a function error of type
     * {@code Function.ResponseSizeTooLarge} whose message names 6291556 bytes, the figure used here.
     */
    public static final int SYNC_RESPONSE_BYTES = 6_291_556;

    /**
     * An asynchronous (Event) invocation's request payload: 1 MB since 2025 (256 KB before, 128 KB earlier still).
     * Larger is refused with {@code RequestEntityTooLargeException}: "N byte payload is too large for the Event
     * invocation type (limit 1048576 bytes)".
     */
    public static final int ASYNC_REQUEST_BYTES = 1024 * 1024;

    private LambdaLimits() {
    }

    /** The UTF-8 size of a JSON payload, as Lambda counts it. */
    public static int bytes(String payload) {
        // Counting without encoding: a 6 MB payload is not copied to be measured.
        int n = 0;
        for (int i = 0; i < payload.length(); i++) {
            char c = payload.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < payload.length()
                    && Character.isLowSurrogate(payload.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
