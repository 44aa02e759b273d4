package dev.campaigns.domain;

/**
 * A changeset: a pull request on a code host that belongs to a campaign. At most one per (campaign, repository).
 *
 * @param externalID  the pull request's number on the code host
 * @param externalURL the pull request's web page
 * @param state       OPEN, CLOSED, MERGED or DELETED, as last seen on the code host
 */
public record Changeset(String id, String campaignId, String repository, String externalID, String externalURL,
                        String state, String title, String headRef, String baseRef, String headCommit) {
}
