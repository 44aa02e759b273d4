package dev.campaigns.service;

/**
 * The documented limits of a campaign plan. Checked when the plan is created, before anything is written.
 *
 * @param maxJobs         patches in one plan
 * @param maxPatchBytes   bytes of one patch (the git engine refuses larger ones too)
 * @param maxPlanBytes    bytes of all patches of one plan
 * @param pageSize        jobs per page of the background process (one child execution each)
 */
public record Limits(int maxJobs, int maxPatchBytes, long maxPlanBytes, int pageSize) {
    public static final Limits DEFAULT = new Limits(10_000, 10 * 1024 * 1024, 200L * 1024 * 1024, 100);
}
