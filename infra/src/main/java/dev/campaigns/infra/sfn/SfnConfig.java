package dev.campaigns.infra.sfn;

import java.util.Objects;
import java.util.Random;

/**
 * Settings of a {@link LocalStepFunctions} engine. The defaults are AWS's: region {@code us-east-1}, a fake
 * account, 25,000 history events per execution, 256 KiB (262,144 UTF-8 bytes) per payload, real time.
 * Tests lower the quotas and speed time up with {@link #withTimeSource(TimeSource)}.
 *
 * @param region            region used in ARNs
 * @param accountId         account used in ARNs
 * @param maxHistoryEvents  the execution-history quota (AWS: 25,000, a hard quota)
 * @param maxPayloadBytes   the payload quota for state input/output and task results (AWS: 262,144)
 * @param timeSource        virtual time (Wait, retry intervals, timeouts)
 * @param random            randomness for retry jitter and {@code States.MathRandom} without a seed
 * @param maxInlineMapConcurrency cap on concurrent iterations of an inline Map whose MaxConcurrency is 0
 *                          (AWS runs at most 40 concurrently)
 * @param maxChildConcurrency cap on concurrent child executions of a distributed Map (AWS allows 10,000; a local
 *                          JVM uses threads, so this bounds them)
 */
public record SfnConfig(String region, String accountId, int maxHistoryEvents, int maxPayloadBytes,
                        TimeSource timeSource, Random random, int maxInlineMapConcurrency,
                        int maxChildConcurrency) {

    public static final int AWS_MAX_HISTORY_EVENTS = 25_000;
    public static final int AWS_MAX_PAYLOAD_BYTES = 262_144;

    public SfnConfig {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(timeSource, "timeSource");
        Objects.requireNonNull(random, "random");
        if (maxHistoryEvents < 3 || maxPayloadBytes < 2 || maxInlineMapConcurrency < 1 || maxChildConcurrency < 1) {
            throw new IllegalArgumentException("quotas and concurrency caps must be positive");
        }
    }

    /** AWS's defaults in us-east-1, account 000000000000, real time. */
    public static SfnConfig defaults() {
        return new SfnConfig("us-east-1", "000000000000", AWS_MAX_HISTORY_EVENTS, AWS_MAX_PAYLOAD_BYTES,
                TimeSource.system(), new Random(), 40, 64);
    }

    public SfnConfig withRegion(String r) {
        return new SfnConfig(r, accountId, maxHistoryEvents, maxPayloadBytes, timeSource, random,
                maxInlineMapConcurrency, maxChildConcurrency);
    }

    public SfnConfig withAccountId(String a) {
        return new SfnConfig(region, a, maxHistoryEvents, maxPayloadBytes, timeSource, random,
                maxInlineMapConcurrency, maxChildConcurrency);
    }

    public SfnConfig withMaxHistoryEvents(int n) {
        return new SfnConfig(region, accountId, n, maxPayloadBytes, timeSource, random,
                maxInlineMapConcurrency, maxChildConcurrency);
    }

    public SfnConfig withMaxPayloadBytes(int n) {
        return new SfnConfig(region, accountId, maxHistoryEvents, n, timeSource, random,
                maxInlineMapConcurrency, maxChildConcurrency);
    }

    public SfnConfig withTimeSource(TimeSource t) {
        return new SfnConfig(region, accountId, maxHistoryEvents, maxPayloadBytes, t, random,
                maxInlineMapConcurrency, maxChildConcurrency);
    }

    /** Shorthand for {@code withTimeSource(TimeSource.scaled(timeScale))}. */
    public SfnConfig withTimeScale(double timeScale) {
        return withTimeSource(TimeSource.scaled(timeScale));
    }

    public SfnConfig withRandom(Random r) {
        return new SfnConfig(region, accountId, maxHistoryEvents, maxPayloadBytes, timeSource, r,
                maxInlineMapConcurrency, maxChildConcurrency);
    }

    public SfnConfig withMaxInlineMapConcurrency(int n) {
        return new SfnConfig(region, accountId, maxHistoryEvents, maxPayloadBytes, timeSource, random,
                n, maxChildConcurrency);
    }

    public SfnConfig withMaxChildConcurrency(int n) {
        return new SfnConfig(region, accountId, maxHistoryEvents, maxPayloadBytes, timeSource, random,
                maxInlineMapConcurrency, n);
    }
}
