package dev.campaigns.service;

import com.fasterxml.jackson.databind.ObjectMapper;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    public CloseChangesetsRequest {
        changesetIds = changesetIds == null ? List.of() : List.copyOf(changesetIds);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws InvalidInputException the message is not a close request */
    public static CloseChangesetsRequest fromJson(String json) {
        try {
            CloseChangesetsRequest r = JSON.readValue(json, CloseChangesetsRequest.class);
            if (r.campaignId() == null || r.campaignId().isBlank()) {
                throw new InvalidInputException("a close request needs its campaignId");
            }
            return r;
        } catch (java.io.IOException e) {
            throw new InvalidInputException("not a close request: " + e.getMessage());
        }
    }
}
