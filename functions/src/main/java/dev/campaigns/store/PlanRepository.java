package dev.campaigns.store;

import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.git.DiffStat;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Campaign plans, their campaign jobs and the patches uploaded to them in parts. Every write that moves a job also
 * moves the plan's counters, atomically, conditioned on the job being PENDING, so the counters equal the jobs and a
 * repeated step changes nothing. Implementations: {@link CampaignStore} (DynamoDB) and {@link InMemoryRepositories};
 * {@code RepositoryContract} holds both to the same behaviour.
 */
public interface PlanRepository {

    /** A job to add to a plan, and the size of its patch (counted against the plan's limit). */
    record NewCampaignJob(CampaignJob job, long patchBytes) {
    }

    /** A patch of a plan uploaded in parts: its parts' blob keys so far, whether it is complete and its size. */
    record PatchUpload(String digest, int parts, Map<Integer, String> partKeys, boolean complete, long size) {
    }

    /** Writes a new plan without jobs (patches are added with {@link #addCampaignJobs}). */
    void createPlan(CampaignPlan plan);

    Optional<CampaignPlan> plan(String planId);

    /** The bytes of all patches added to a plan so far (0 for no plan). */
    long planPatchBytes(String planId);

    /**
     * Adds jobs to a plan that is not executing yet, at the positions their IDs name. A job whose position already
     * holds the same job (an earlier attempt of the same batch) is skipped; each repository appears once per plan
     * ({@code RepositoryName.identity}); the plan holds at most {@code maxJobs} jobs and {@code maxBytes} patch bytes.
     *
     * @return how many jobs were added now (the others were there already)
     * @throws PlanJobsRefusedException why nothing more was added (what earlier chunks of the call added stays: a
     *                                  repeated call completes it)
     */
    int addCampaignJobs(String planId, List<NewCampaignJob> jobs, int maxJobs, long maxBytes);

    /**
     * Starts a plan's execution: records when, unless it was recorded already, provided the plan holds exactly
     * {@code jobs} jobs. Returns the plan as stored after.
     *
     * @throws PlanJobsRefusedException NO_PLAN, or CHANGED when the plan's job count is no longer {@code jobs}
     */
    CampaignPlan startPlanExecution(String planId, int jobs, Instant at);

    /** The first job of a plan at position {@code from} or later, if any. */
    Optional<CampaignJob> firstJobFrom(String planId, int from);

    /**
     * Records that part {@code part} of {@code parts} of the plan's patch {@code digest} is the blob {@code partKey}
     * (a part sent again replaces the earlier one) and returns the upload as it stands.
     *
     * @throws PlanJobsRefusedException PARTS_CHANGED when an earlier part gave another number of parts
     */
    PatchUpload recordPatchPart(String planId, String digest, int part, int parts, String partKey);

    /** Marks the plan's patch {@code digest} complete: all its parts are there and add up to {@code size} bytes. */
    void completePatchUpload(String planId, String digest, long size);

    Optional<PatchUpload> patchUpload(String planId, String digest);

    Optional<CampaignJob> campaignJob(String planId, String jobId);

    /**
     * The ID of the plan's job for {@code repository} (the same repository however its name is cased:
     * {@code RepositoryName.identity}), if the plan has one.
     */
    Optional<String> planJobId(String planId, String repository);

    /** Jobs {@code from} (inclusive) to {@code to} (exclusive) of a plan, by position. */
    List<CampaignJob> campaignJobs(String planId, int from, int to);

    /** Records a plan job's successful execution, once. Returns false if the job was already terminal. */
    boolean completeCampaignJob(String planId, String jobId, DiffStat diffStat);

    /** Records a plan job's error, once. Returns false if the job was already terminal. */
    boolean failCampaignJob(String planId, String jobId, String error);

    /** Marks every still-pending job among the plan's first {@code jobs} errored (its execution ended without it). */
    void failPendingCampaignJobs(String planId, int jobs, String error);

    /** "repository: error" of the plan's errored jobs, in job order, at most {@code limit}. */
    List<String> planErrors(String planId, int limit);
}
