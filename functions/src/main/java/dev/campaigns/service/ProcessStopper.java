package dev.campaigns.service;

/**
 * Stops a background process started by {@link BackgroundProcesses#start} (StopExecution of its Step Functions
 * execution, which also stops the distributed Map's child executions). Stopping one that has ended, or that was never
 * started, changes nothing. Once it returns, the process starts no further step; a step already running runs on.
 */
@FunctionalInterface
public interface ProcessStopper {
    void stop(String name, String cause);
}
