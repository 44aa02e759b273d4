package dev.campaigns.service;

/**
 * The documented limits of a campaign plan, and how much of one a single API request carries. Checked before anything
 * is written.
 *
 * @param maxJobs          patches in one plan
 * @param maxPatchBytes    bytes of one patch (the git engine refuses larger ones too)
 * @param maxPlanBytes     bytes of all patches of one plan
 * @param pageSize         jobs per page of the background process (one child execution each)
 * @param maxBatchPatches  patches one request adds (createCampaignPlanFromPatches, addPatchesToCampaignPlan)
 * @param maxBatchBytes    bytes of the patches one request carries: AppSync passes a direct Lambda resolver an event
 *                         of at most 5 MB that holds the arguments twice when they come as variables (arguments and
 *                         info.variables), so 2 MiB of patch text, escaped as JSON, fits with room to spare
 * @param patchPartBytes   bytes of one part of a patch uploaded in parts (uploadCampaignPlanPatchPart), base64-encoded
 *                         in the request; maxPatchBytes / patchPartBytes parts make the largest patch
 */
public record Limits(int maxJobs, int maxPatchBytes, long maxPlanBytes, int pageSize, int maxBatchPatches,
                     int maxBatchBytes, int patchPartBytes) {
    public static final Limits DEFAULT = new Limits(10_000, 10 * 1024 * 1024, 200L * 1024 * 1024, 100, 1_000,
            2 * 1024 * 1024, 1024 * 1024);

    /** The most parts a patch uploaded in parts has. */
    public int maxPatchParts() {
        return (maxPatchBytes + patchPartBytes - 1) / patchPartBytes;
    }
}
