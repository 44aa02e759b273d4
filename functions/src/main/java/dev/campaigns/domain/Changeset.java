package dev.campaigns.domain;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A changeset: a pull request on a code host, identified by (repository, externalID), tracked by one or more
 * campaigns (Sourcegraph's model). A campaign that opened the pull request owns it ({@code ownerCampaignId}); only
 * the owner closes it when the campaign is closed. The state fields are the code host's truth as last synced.
 *
 * @param externalID   the pull request's number on the code host
 * @param externalURL  the pull request's web page
 * @param state        OPEN, CLOSED, MERGED or DELETED, as last seen on the code host
 * @param checkState   null when the head commit has no checks
 * @param createdAt    when the pull request was opened on the code host
 * @param updatedAt    the code host's last change to the pull request, its reviews or its checks
 * @param ownerCampaignId the campaign that created the pull request, or null when it is only tracked
 * @param syncedAt     when the truth was last read from the code host (the start of that read)
 */
public record Changeset(String id, String repository, String externalID, String externalURL, ChangesetState state,
                        ChangesetReviewState reviewState, ChangesetCheckState checkState, String title,
                        List<String> labels, String headRef, String baseRef, String headCommit, Instant createdAt,
                        Instant updatedAt, String ownerCampaignId, Set<String> campaignIds, Instant syncedAt) {

    public Changeset {
        labels = labels == null ? List.of() : List.copyOf(labels);
        campaignIds = campaignIds == null ? Set.of() : Set.copyOf(campaignIds);
    }

    /**
     * The changeset ID of pull request {@code externalID} of {@code repository}: the same for every campaign, so
     * recording one pull request twice (a retried step, two campaigns) finds one changeset. It hashes the name as
     * spelled (see docs/core.md, "The changeset ID").
     */
    public static String idOf(String repository, String externalID) {
        return java.util.UUID.nameUUIDFromBytes(("changeset:" + repository + "#" + externalID)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** Whether campaign {@code campaignId} created (and so may close) this changeset's pull request. */
    public boolean createdBy(String campaignId) {
        return campaignId != null && campaignId.equals(ownerCampaignId);
    }
}
