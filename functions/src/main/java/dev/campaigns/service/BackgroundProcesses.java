package dev.campaigns.service;

import java.util.Map;

/**
 * Starts the background process (a Step Functions execution of {@code statemachine.asl.json}) that executes a
 * campaign plan's jobs or creates a campaign's changesets. Starting one with a name already used is not an error:
 * the process with that name runs once.
 */
public interface BackgroundProcesses {
    void start(String name, Map<String, Object> input);
}
