package dev.campaigns.domain;

import dev.campaigns.git.DiffStat;

/**
 * One job of a campaign plan: a patch for one repository at one base revision.
 *
 * @param jobId        the job's position in the plan, zero-padded (so jobs sort in plan order)
 * @param repository   the repository's name on the code host, "owner/name"
 * @param baseRevision the commit the patch applies to (as given; resolved to a SHA at execution)
 * @param baseRef      the branch the pull request targets, e.g. "main"
 * @param patchKey     where the patch's bytes are in the {@code BlobStore}
 * @param diffStat     lines added/changed/deleted, once executed successfully
 * @param error        why the job cannot become a changeset, once executed unsuccessfully
 */
public record CampaignJob(String planId, String jobId, String repository, String baseRevision, String baseRef,
                          String patchKey, JobState state, DiffStat diffStat, String error) {
}
