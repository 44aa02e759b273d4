package dev.campaigns.service;

import dev.campaigns.blob.BlobStore;
import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.git.CommitRequest;
import dev.campaigns.git.CommitResult;
import dev.campaigns.git.GitEngine;
import dev.campaigns.store.CampaignStore;
import dev.campaigns.store.JobIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Campaign plans: created from patches, then executed in the background, one campaign job at a time: does the
 * repository and its base revision exist, does the patch apply (the git engine's dry run)? Each job records its
 * diff stat or its error.
 */
public final class CampaignPlanService {
    private final CampaignStore store;
    private final BlobStore blobs;
    private final GitEngine git;
    private final OnDemandCodeHostAccess codeHost;
    private final BackgroundProcesses processes;
    private final Clock clock;
    private final Limits limits;

    /**
     * @param codeHost the code host access, built (its token read) only by the step that reaches the code host (a
     *                 job's dry run), so that the resolvers and the other steps never read the token secret
     */
    public CampaignPlanService(CampaignStore store, BlobStore blobs, GitEngine git, OnDemandCodeHostAccess codeHost,
                               BackgroundProcesses processes, Clock clock, Limits limits) {
        this.store = store;
        this.blobs = blobs;
        this.git = git;
        this.codeHost = codeHost;
        this.processes = processes;
        this.clock = clock;
        this.limits = limits;
    }

    /** One patch of a plan, as the user gives it. */
    public record PatchInput(String repository, String baseRevision, String baseRef, String patch) {
    }

    /** Validates every patch, then stores the plan and starts its execution. Invalid input writes nothing. */
    public CampaignPlan createCampaignPlanFromPatches(String owner, List<PatchInput> patches) {
        if (patches == null || patches.isEmpty()) {
            throw new InvalidInputException("patches must hold at least one patch");
        }
        if (patches.size() > limits.maxJobs()) {
            throw new InvalidInputException("a campaign plan holds at most " + limits.maxJobs()
                    + " patches, got " + patches.size());
        }
        String planId = UUID.randomUUID().toString();
        Set<String> repositories = new HashSet<>();
        List<CampaignJob> jobs = new ArrayList<>();
        List<byte[]> patchBytes = new ArrayList<>();
        long planBytes = 0;
        for (int i = 0; i < patches.size(); i++) {
            PatchInput p = patches.get(i);
            String at = "patches[" + i + "].";
            if (p == null) {
                throw new InvalidInputException("patches[" + i + "] is null");
            }
            String repository = Validation.repository(at + "repository", p.repository());
            if (!repositories.add(repository.toLowerCase())) {
                throw new InvalidInputException(at + "repository " + repository
                        + " appears twice in the plan: give one patch per repository");
            }
            String baseRevision = Validation.revision(at + "baseRevision", p.baseRevision());
            String baseRef = Validation.branch(at + "baseRef", p.baseRef());
            byte[] bytes = Validation.required(at + "patch", p.patch()).getBytes(StandardCharsets.UTF_8);
            if (bytes.length > limits.maxPatchBytes()) {
                throw new InvalidInputException(at + "patch is " + bytes.length + " bytes; the limit is "
                        + limits.maxPatchBytes());
            }
            planBytes += bytes.length;
            if (planBytes > limits.maxPlanBytes()) {
                throw new InvalidInputException("the plan's patches exceed " + limits.maxPlanBytes()
                        + " bytes in all");
            }
            String patchKey = "patch/" + sha256(bytes);
            patchBytes.add(bytes);
            jobs.add(new CampaignJob(planId, JobIds.of(i), repository, baseRevision, baseRef, patchKey,
                    JobState.PENDING, null, null));
        }
        for (int i = 0; i < jobs.size(); i++) {
            blobs.put(jobs.get(i).patchKey(), patchBytes.get(i));
        }
        CampaignPlan plan = new CampaignPlan(planId, owner, clock.instant(), new JobCounters(jobs.size(), 0, 0));
        store.createPlan(plan, jobs);
        processes.start("plan-" + planId, Map.of("campaignPlanId", planId, "pages", pages(jobs.size())));
        return plan;
    }

    /** The plan, if it exists and belongs to {@code owner}. */
    public CampaignPlan campaignPlan(String owner, String planId) {
        return store.plan(Validation.required("id", planId)).filter(p -> p.owner().equals(owner))
                .orElseThrow(() -> new NotFoundException("campaign plan", planId));
    }

    public BackgroundProcessStatus status(CampaignPlan plan) {
        return BackgroundProcessStatus.of(plan.counters(),
                plan.counters().errored() == 0 ? List.of()
                        : store.planErrors(plan.id(), BackgroundProcessStatus.MAX_ERRORS));
    }

    /** A slice of the plan's jobs, by position. */
    public List<CampaignJob> jobs(CampaignPlan plan, int first, int offset) {
        int from = Math.max(0, offset);
        int to = Math.min(plan.counters().total(), from + first);
        return from >= to ? List.of() : store.campaignJobs(plan.id(), from, to);
    }

    // ---- steps of the background process ----------------------------------------------------------------

    /** The pending jobs of one page, for the process's inline Map. */
    public List<String> pendingJobIds(String planId, int page) {
        List<String> ids = new ArrayList<>();
        for (CampaignJob job : store.campaignJobs(planId, page * limits.pageSize(), (page + 1) * limits.pageSize())) {
            if (job.state() == JobState.PENDING) {
                ids.add(job.jobId());
            }
        }
        return ids;
    }

    /**
     * Executes one job: the git engine's dry run of its patch on its repository's base revision. Permanent
     * failures (a patch that does not apply, a missing revision) propagate as the git engine's typed exceptions,
     * for the workflow to record with {@link #recordFailure}; a job already executed is left as it is.
     */
    public void executeCampaignJob(String planId, String jobId) {
        CampaignJob job = store.campaignJob(planId, jobId)
                .orElseThrow(() -> new NotFoundException("campaign job", planId + "/" + jobId));
        if (job.state().terminal()) {
            return;
        }
        byte[] patch = blobs.get(job.patchKey())
                .orElseThrow(() -> new IllegalStateException("patch " + job.patchKey() + " is missing"));
        CodeHostAccess access = codeHost.get();
        CommitResult preview = git.preview(new CommitRequest(access.cloneUrl(job.repository()),
                access.credentials(), job.baseRevision(), patch, "preview", access.bot(), clock.instant()));
        store.completeCampaignJob(planId, jobId, preview.diffStat());
    }

    /**
     * Records a job's error (once; a job already terminal keeps its state). The error was redacted by the step that
     * failed; this step does not read the token.
     */
    public void recordFailure(String planId, String jobId, String error) {
        store.failCampaignJob(planId, jobId, Errors.forUser(codeHost.redact(error)));
    }

    /**
     * The last step of a plan's execution: any job still pending (its page failed as a whole, which the Map
     * tolerates) is marked errored, so that the plan's status always ends.
     */
    public void finish(String planId) {
        CampaignPlan plan = store.plan(planId).orElseThrow(() -> new NotFoundException("campaign plan", planId));
        if (plan.counters().pending() > 0) {
            store.failPendingCampaignJobs(planId, plan.counters().total(),
                    "the execution ended before this job was executed");
        }
    }

    static List<Map<String, Object>> pages(int jobs, int pageSize) {
        List<Map<String, Object>> pages = new ArrayList<>();
        for (int p = 0; p * pageSize < jobs; p++) {
            pages.add(Map.of("page", p));
        }
        return pages;
    }

    private List<Map<String, Object>> pages(int jobs) {
        return pages(jobs, limits.pageSize());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
