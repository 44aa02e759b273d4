package dev.campaigns.git;

/** The commit made (or previewed): its SHA, its tree, the resolved base commit and the patch's line counts. */
public record CommitResult(String commitSha, String treeSha, String baseCommitSha, DiffStat diffStat) {}
