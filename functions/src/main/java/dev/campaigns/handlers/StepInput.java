package dev.campaigns.handlers;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The payload the state machine sends to a step: which campaign plan or campaign, which page or job, and, for the
 * failure recorders, the error that Step Functions caught ({@code {"Error": ..., "Cause": ...}}), and for the
 * finish step the number of the campaign's execution it ends.
 */
public record StepInput(String campaignPlanId, String campaignId, Integer page, String jobId, JsonNode error,
                        Integer execution) {
}
