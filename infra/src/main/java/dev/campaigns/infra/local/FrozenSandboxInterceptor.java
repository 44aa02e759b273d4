package dev.campaigns.infra.local;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Stops the AWS SDK calls of a local Lambda invocation that has timed out. In AWS the execution environment of a
 * timed-out invocation is stopped, so nothing it would still have done happens; a Java thread cannot be stopped, so
 * {@link LocalLambdas} interrupts it and marks it frozen, and this interceptor (registered for every SDK client of
 * the JVM through {@code software/amazon/awssdk/global/handlers/execution.interceptors}) refuses each request such a
 * thread makes afterwards, before it is sent. The functions are unchanged; outside a frozen sandbox it does nothing.
 */
public final class FrozenSandboxInterceptor implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        LocalLambdas.currentInvocation().filter(LocalLambdas.Invocation::frozen).ifPresent(invocation -> {
            throw SdkClientException.create("the execution environment of " + invocation.function()
                    + " was stopped: invocation " + invocation.requestId() + " timed out (local Lambda runtime)");
        });
    }
}
