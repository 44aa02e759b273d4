package dev.campaigns.service;

import java.time.Instant;
import java.util.List;

/**
 * Changeset jobs that {@code cancelCampaign} caught in the middle of their pull request (a claim taken, or a pull
 * request recorded but not yet its changeset), to be recorded as the campaign's changesets in the background by the
 * function that has the code host token ({@link InFlightPullRequests}). A message of the close queue (its consumer
 * tells the two kinds apart by {@link #describes}); a slice of at most {@link #MAX_JOBS}.
 *
 * @param campaignId     the cancelled campaign
 * @param inFlightJobIds its jobs caught by the cancel
 * @param lookUntil      until when a pull request not found yet may still appear (a step that claimed before the
 *                       cancel may still be at the code host; none is after this), ISO-8601
 */
public record InFlightPullRequestsRequest(String campaignId, List<String> inFlightJobIds, String lookUntil) {
    /** Jobs per message: each costs at most 7 code host requests (find, then the changeset's read). */
    public static final int MAX_JOBS = 50;

    public InFlightPullRequestsRequest {
        inFlightJobIds = inFlightJobIds == null ? List.of() : List.copyOf(inFlightJobIds);
    }

    public InFlightPullRequestsRequest(String campaignId, List<String> jobIds, Instant lookUntil) {
        this(campaignId, jobIds, lookUntil.toString());
    }

    /** {@link #lookUntil} as an instant. */
    public Instant lookUntilInstant() {
        return Instant.parse(lookUntil);
    }

    public String toJson() {
        return QueueMessages.toJson(this);
    }

    /** Whether a message of the close queue is one of these (rather than a {@link CloseChangesetsRequest}). */
    public static boolean describes(String json) {
        return QueueMessages.hasField(json, "inFlightJobIds");
    }

    /** @throws InvalidInputException the message is not such a request */
    public static InFlightPullRequestsRequest fromJson(String json) {
        InFlightPullRequestsRequest r = QueueMessages.fromJson(json, InFlightPullRequestsRequest.class,
                "a request to record in-flight pull requests");
        if (r.campaignId() == null || r.campaignId().isBlank()) {
            throw new InvalidInputException("a request to record in-flight pull requests needs its campaignId");
        }
        try {
            r.lookUntilInstant();
        } catch (RuntimeException e) {
            throw new InvalidInputException("a request to record in-flight pull requests needs lookUntil as an"
                    + " ISO-8601 instant, not " + r.lookUntil());
        }
        return r;
    }
}
