package dev.campaigns.service;

import java.util.List;

/**
 * Pull requests a campaign opened, to close on the code host in the background (closeCampaign / deleteCampaign
 * with {@code closeChangesets}). A message of the close queue; a slice of at most {@link #MAX_CHANGESETS}.
 *
 * @param campaignId   the campaign that opened them: only its own changesets are closed
 * @param changesetIds the changesets to close
 */
public record CloseChangesetsRequest(String campaignId, List<String> changesetIds) {
    /** Changesets per message: about 350 code host requests, well inside the consumer's timeout. */
    public static final int MAX_CHANGESETS = 50;

    public CloseChangesetsRequest {
        changesetIds = changesetIds == null ? List.of() : List.copyOf(changesetIds);
    }

    public String toJson() {
        return QueueMessages.toJson(this);
    }

    /** @throws InvalidInputException the message is not a close request */
    public static CloseChangesetsRequest fromJson(String json) {
        CloseChangesetsRequest r = QueueMessages.fromJson(json, CloseChangesetsRequest.class, "a close request");
        if (r.campaignId() == null || r.campaignId().isBlank()) {
            throw new InvalidInputException("a close request needs its campaignId");
        }
        return r;
    }
}
