package dev.campaigns.service;

import dev.campaigns.blob.BlobStore;
import dev.campaigns.domain.BackgroundProcessStatus;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.RepositoryName;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.git.CommitRequest;
import dev.campaigns.git.CommitResult;
import dev.campaigns.git.GitOperations;
import dev.campaigns.git.RevisionNotFoundException;
import dev.campaigns.store.PlanJobsRefusedException;
import dev.campaigns.store.PlanRepository;
import dev.campaigns.store.JobIds;
import java.io.ByteArrayOutputStream;
import dev.campaigns.util.Digests;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Campaign plans: created from patches (in one request, or empty then filled in batches, a large patch in parts), then
 * executed in the background, one campaign job at a time: does the repository and its base revision exist, does the
 * patch apply (the git engine's dry run)? Each job records its diff stat or its error. docs/limits.md tells why
 * uploads go in batches that each fit AppSync's and Lambda's request limits.
 */
public final class CampaignPlanService {
    /** The largest patch {@code CampaignJob.patch} returns (1 MiB); a larger one reads as null. */
    public static final int MAX_PATCH_SHOWN_BYTES = 1024 * 1024;

    private final PlanRepository store;
    private final BlobStore blobs;
    private final GitOperations git;
    private final OnDemandCodeHostAccess codeHost;
    private final BackgroundProcesses processes;
    private final Clock clock;
    private final Limits limits;
    private final String defaultCodeHost;

    /**
     * @param codeHost        the code host access, built (its token read) only by the step that reaches the code host
     *                        (a job's dry run), so that the resolvers and the other steps never read the token secret
     * @param defaultCodeHost the name of the code host of repositories named without one (configuration, no secret):
     *                        a patch naming it ({@code github.com/acme/app}) is recorded without it
     *                        ({@link RepositoryName#canonical}); null when not known
     */
    public CampaignPlanService(PlanRepository store, BlobStore blobs, GitOperations git, OnDemandCodeHostAccess codeHost,
                               BackgroundProcesses processes, Clock clock, Limits limits, String defaultCodeHost) {
        this.defaultCodeHost = defaultCodeHost;
        this.store = store;
        this.blobs = blobs;
        this.git = git;
        this.codeHost = codeHost;
        this.processes = processes;
        this.clock = clock;
        this.limits = limits;
    }

    /**
     * One patch of a plan, as the user gives it: the diff itself ({@code patch}), or the SHA-256 of a patch uploaded
     * to the plan in parts ({@code patchDigest}).
     */
    public record PatchInput(String repository, String baseRevision, String baseRef, String patch, String patchDigest) {
        public PatchInput(String repository, String baseRevision, String baseRef, String patch) {
            this(repository, baseRevision, baseRef, patch, null);
        }
    }

    /** A patch uploaded in parts: its digest and whether all its parts are there (then batches may name it). */
    public record PatchUploadStatus(String patchDigest, int parts, int receivedParts, boolean complete) {
    }

    /**
     * Validates every patch, then stores the plan and starts its execution, in one request: for plans that fit one
     * (at most {@link Limits#maxBatchPatches()} patches and {@link Limits#maxBatchBytes()} bytes); larger plans are
     * added in batches ({@link #createCampaignPlan}, {@link #addPatches}, {@link #execute}). Invalid input writes
     * nothing.
     */
    public CampaignPlan createCampaignPlanFromPatches(String owner, List<PatchInput> patches) {
        if (patches == null || patches.isEmpty()) {
            throw new InvalidInputException("patches must hold at least one patch");
        }
        if (patches.size() > limits.maxBatchPatches()) {
            throw new InvalidInputException("createCampaignPlanFromPatches takes at most " + limits.maxBatchPatches()
                    + " patches, got " + patches.size() + ": for larger plans (up to " + limits.maxJobs()
                    + " patches) use createCampaignPlan, addPatchesToCampaignPlan in batches, then executeCampaignPlan");
        }
        for (int i = 0; i < patches.size(); i++) {
            if (patches.get(i) != null && patches.get(i).patchDigest() != null) {
                throw new InvalidInputException("patches[" + i + "].patchDigest names a patch uploaded in parts to a"
                        + " plan: createCampaignPlanFromPatches takes the patches themselves; use createCampaignPlan,"
                        + " uploadCampaignPlanPatchPart and addPatchesToCampaignPlan");
            }
        }
        Batch batch = validate(0, patches, "createCampaignPlanFromPatches",
                "for more use createCampaignPlan, addPatchesToCampaignPlan in batches, then executeCampaignPlan");
        CampaignPlan plan = createCampaignPlan(owner);
        store(plan.id(), batch);
        return execute(owner, plan.id());
    }

    /** Creates an empty plan, to which patches are added with {@link #addPatches}, then executed. */
    public CampaignPlan createCampaignPlan(String owner) {
        CampaignPlan plan = new CampaignPlan(UUID.randomUUID().toString(), owner, clock.instant(),
                new JobCounters(0, 0, 0), null);
        store.createPlan(plan);
        return plan;
    }

    /**
     * Adds a batch of patches to a plan that is not executing yet: patch {@code i} of the batch takes position
     * {@code offset + i} of the plan. Repeating a batch (the same patches at the same positions, e.g. a client retry
     * whose answer was lost) adds nothing twice. Invalid input writes nothing; a batch refused by the plan's limits
     * or by a patch at one of its positions adds nothing that was not there.
     */
    public CampaignPlan addPatches(String owner, String planId, Integer offset, List<PatchInput> patches) {
        if (offset == null || offset < 0) {
            throw new InvalidInputException("offset must be the plan position (0 or more) of the batch's first patch,"
                    + " got " + offset);
        }
        if (patches == null || patches.isEmpty()) {
            throw new InvalidInputException("patches must hold at least one patch");
        }
        if (patches.size() > limits.maxBatchPatches()) {
            throw new InvalidInputException("addPatchesToCampaignPlan takes at most " + limits.maxBatchPatches()
                    + " patches per call, got " + patches.size() + ": send them in several batches");
        }
        if ((long) offset + patches.size() > limits.maxJobs()) {
            throw new InvalidInputException("patches would take plan positions " + offset + " to "
                    + (offset + patches.size() - 1) + ": a campaign plan holds at most " + limits.maxJobs()
                    + " patches (positions 0 to " + (limits.maxJobs() - 1) + ")");
        }
        Batch batch = validate(offset, patches, "addPatchesToCampaignPlan", "send fewer per call");
        CampaignPlan plan = campaignPlan(owner, planId);
        if (plan.executed()) {
            throw alreadyExecuted(plan);
        }
        store(plan.id(), batch.withUploads(uploadedPatches(plan.id(), patches)));
        return campaignPlan(owner, planId);
    }

    /**
     * Receives part {@code part} (0-based) of {@code parts} of a patch too large for one batch, base64-encoded; once
     * every part is there and together they have SHA-256 {@code patchDigest}, the patch is stored and a batch of the
     * same plan may name it by its digest. Parts may come in any order and again (a part sent again replaces the
     * earlier one, until the patch is complete).
     */
    public PatchUploadStatus uploadPatchPart(String owner, String planId, String patchDigest, Integer part,
                                             Integer parts, String data) {
        String digest = digest("patchDigest", patchDigest);
        if (parts == null || parts < 1 || parts > limits.maxPatchParts()) {
            throw new InvalidInputException("parts must be between 1 and " + limits.maxPatchParts() + " (a patch holds"
                    + " at most " + limits.maxPatchBytes() + " bytes, a part " + limits.patchPartBytes() + "), got "
                    + parts);
        }
        if (part == null || part < 0 || part >= parts) {
            throw new InvalidInputException("part must be between 0 and " + (parts - 1) + ", got " + part);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(Validation.required("data", data));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("data must be the part's bytes, base64-encoded: " + e.getMessage());
        }
        if (bytes.length == 0 || bytes.length > limits.patchPartBytes()) {
            throw new InvalidInputException("a part holds 1 to " + limits.patchPartBytes() + " bytes, got "
                    + bytes.length);
        }
        CampaignPlan plan = campaignPlan(owner, planId);
        if (plan.executed()) {
            throw alreadyExecuted(plan);
        }
        Optional<PlanRepository.PatchUpload> earlier = store.patchUpload(plan.id(), digest);
        if (earlier.isPresent() && earlier.get().complete()) {
            return status(earlier.get());
        }
        String partKey = "patch-part/" + Digests.sha256Hex(bytes);
        blobs.put(partKey, bytes);
        PlanRepository.PatchUpload upload;
        try {
            upload = store.recordPatchPart(plan.id(), digest, part, parts, partKey);
        } catch (PlanJobsRefusedException e) {
            throw new InvalidInputException("parts is " + parts + ", but earlier parts of patch " + digest + " said "
                    + e.detail());
        }
        if (upload.partKeys().size() < parts) {
            return status(upload);
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (String key : upload.partKeys().values()) {
            whole.writeBytes(blobs.get(key).orElseThrow(() -> new IllegalStateException("part " + key + " is missing")));
        }
        byte[] patch = whole.toByteArray();
        String actual = Digests.sha256Hex(patch);
        if (!actual.equals(digest)) {
            throw new InvalidInputException("the " + parts + " parts of patch " + digest + " have SHA-256 " + actual
                    + ": a part is wrong; send it again");
        }
        if (new String(patch, StandardCharsets.UTF_8).isBlank()) {
            throw new InvalidInputException("patch " + digest + " is blank");
        }
        blobs.put(patchKey(digest), patch);
        store.completePatchUpload(plan.id(), digest, patch.length);
        return new PatchUploadStatus(digest, parts, parts, true);
    }

    /**
     * Starts the execution of a plan whose patches fill positions 0 to n - 1. A repeated call starts nothing more
     * (the execution is named after the plan) and returns the plan; after it, no patch can be added.
     */
    public CampaignPlan execute(String owner, String planId) {
        CampaignPlan plan = campaignPlan(owner, planId);
        if (!plan.executed()) {
            int jobs = plan.counters().total();
            if (jobs == 0) {
                throw new FailedPreconditionException("campaign plan " + plan.id() + " has no patches: add them with"
                        + " addPatchesToCampaignPlan first");
            }
            Optional<CampaignJob> beyond = store.firstJobFrom(plan.id(), jobs);
            if (beyond.isPresent()) {
                throw new FailedPreconditionException("campaign plan " + plan.id() + " has " + jobs
                        + " patches but one at position " + JobIds.position(beyond.get().jobId())
                        + ": positions 0 to " + JobIds.position(beyond.get().jobId())
                        + " must all hold a patch; add the missing ones");
            }
            try {
                plan = store.startPlanExecution(plan.id(), jobs, clock.instant());
            } catch (PlanJobsRefusedException e) {
                throw new FailedPreconditionException("campaign plan " + plan.id() + " changed while its execution was"
                        + " being started (it now has " + e.detail() + " patches): call executeCampaignPlan again");
            }
        }
        processes.start("plan-" + plan.id(), Map.of("campaignPlanId", plan.id(), "pages",
                pages(plan.counters().total())));
        return plan;
    }

    private static FailedPreconditionException alreadyExecuted(CampaignPlan plan) {
        return new FailedPreconditionException("campaign plan " + plan.id() + " was executed (at " + plan.executedAt()
                + "): no patches can be added to it; create another plan");
    }

    private static PatchUploadStatus status(PlanRepository.PatchUpload upload) {
        return new PatchUploadStatus(upload.digest(), upload.parts(), upload.partKeys().size(), upload.complete());
    }

    /** A validated batch: its jobs' fields and the bytes of the patches it carries (by digest). */
    private record Batch(int offset, List<PatchInput> patches, Map<String, byte[]> inline,
                         Map<String, Long> uploadedSizes) {
        Batch withUploads(Map<String, Long> sizes) {
            return new Batch(offset, patches, inline, sizes);
        }
    }

    /** Checks every field of a batch, without reading or writing anything. */
    private Batch validate(int offset, List<PatchInput> patches, String call, String advice) {
        Set<String> repositories = new HashSet<>();
        Map<String, byte[]> inline = new LinkedHashMap<>();
        List<PatchInput> checked = new ArrayList<>();
        long batchBytes = 0;
        for (int i = 0; i < patches.size(); i++) {
            PatchInput p = patches.get(i);
            String at = "patches[" + i + "].";
            if (p == null) {
                throw new InvalidInputException("patches[" + i + "] is null");
            }
            String repository = RepositoryName.canonical(Validation.repository(at + "repository", p.repository()),
                    defaultCodeHost);
            if (!repositories.add(RepositoryName.identity(repository))) {
                throw new InvalidInputException(at + "repository " + repository
                        + " appears twice in the plan: give one patch per repository");
            }
            String baseRevision = Validation.revision(at + "baseRevision", p.baseRevision());
            String baseRef = Validation.branch(at + "baseRef", p.baseRef());
            if (p.patch() != null && p.patchDigest() != null) {
                throw new InvalidInputException("patches[" + i + "] has both patch and patchDigest: give the patch,"
                        + " or the digest of a patch uploaded in parts");
            }
            String digest;
            if (p.patchDigest() != null) {
                digest = digest(at + "patchDigest", p.patchDigest());
            } else {
                byte[] bytes = Validation.required(at + "patch", p.patch()).getBytes(StandardCharsets.UTF_8);
                if (bytes.length > limits.maxPatchBytes()) {
                    throw new InvalidInputException(at + "patch is " + bytes.length + " bytes; the limit is "
                            + limits.maxPatchBytes());
                }
                batchBytes += bytes.length;
                if (batchBytes > limits.maxBatchBytes()) {
                    throw new InvalidInputException("the patches of one " + call + " request hold at most "
                            + limits.maxBatchBytes() + " bytes; patches[0.." + i + "] hold " + batchBytes + ": "
                            + advice + ", and upload a patch over " + limits.maxBatchBytes()
                            + " bytes in parts (uploadCampaignPlanPatchPart)");
                }
                digest = Digests.sha256Hex(bytes);
                inline.put(digest, bytes);
            }
            checked.add(new PatchInput(repository, baseRevision, baseRef, null, digest));
        }
        return new Batch(offset, checked, inline, Map.of());
    }

    /** The sizes of the patches a batch names by digest: each must have been uploaded whole to this plan. */
    private Map<String, Long> uploadedPatches(String planId, List<PatchInput> patches) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (int i = 0; i < patches.size(); i++) {
            String digest = patches.get(i).patchDigest();
            if (digest == null || sizes.containsKey(digest)) {
                continue;
            }
            PlanRepository.PatchUpload upload = store.patchUpload(planId, digest).orElse(null);
            if (upload == null || !upload.complete()) {
                throw new InvalidInputException("patches[" + i + "].patchDigest " + digest + " names no complete patch"
                        + " of this plan (" + (upload == null ? "no part" : upload.partKeys().size() + " of "
                        + upload.parts() + " parts") + " received): upload every part with uploadCampaignPlanPatchPart"
                        + " first");
            }
            sizes.put(digest, upload.size());
        }
        return sizes;
    }

    /** Writes a validated batch: the patches it carries, then its jobs, within the plan's limits. */
    private void store(String planId, Batch batch) {
        blobs.putAll(batch.inline().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                e -> patchKey(e.getKey()), Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)));
        List<PlanRepository.NewCampaignJob> jobs = new ArrayList<>();
        for (int i = 0; i < batch.patches().size(); i++) {
            PatchInput p = batch.patches().get(i);
            byte[] inline = batch.inline().get(p.patchDigest());
            long bytes = inline != null ? inline.length : batch.uploadedSizes().get(p.patchDigest());
            jobs.add(new PlanRepository.NewCampaignJob(new CampaignJob(planId, JobIds.of(batch.offset() + i),
                    p.repository(), p.baseRevision(), p.baseRef(), patchKey(p.patchDigest()), JobState.PENDING, null,
                    null), bytes));
        }
        try {
            store.addCampaignJobs(planId, jobs, limits.maxJobs(), limits.maxPlanBytes());
        } catch (PlanJobsRefusedException e) {
            throw refusal(planId, batch.offset(), e);
        }
    }

    private RuntimeException refusal(String planId, int offset, PlanJobsRefusedException e) {
        String at = e.job() == null ? "" : "patches[" + (JobIds.position(e.job().jobId()) - offset) + "] ";
        return switch (e.reason()) {
            case NO_PLAN -> new NotFoundException("campaign plan", planId);
            case EXECUTED -> new FailedPreconditionException("campaign plan " + planId + " was executed: no patches"
                    + " can be added to it; create another plan");
            case TOO_MANY_JOBS -> new InvalidInputException("the plan would hold " + e.detail() + " patches; a"
                    + " campaign plan holds at most " + limits.maxJobs());
            case TOO_MANY_BYTES -> new InvalidInputException("the plan's patches would hold " + e.detail()
                    + " bytes; the limit is " + limits.maxPlanBytes() + " bytes for all patches of a plan");
            case POSITION_TAKEN -> new InvalidInputException(at + "(plan position " + JobIds.position(e.job().jobId())
                    + ") is taken by another patch, for " + e.detail() + ": a repeated batch must repeat the same"
                    + " patches at the same offset");
            case REPOSITORY_TWICE -> new InvalidInputException(at + "repository " + e.job().repository()
                    + " appears twice in the plan (also at position " + JobIds.position(e.detail())
                    + "): give one patch per repository");
            case CHANGED, PARTS_CHANGED -> new IllegalStateException(e.getMessage());
        };
    }

    private static String patchKey(String digest) {
        return "patch/" + digest;
    }

    private static String digest(String field, String value) {
        String v = Validation.required(field, value);
        if (!v.matches("[0-9a-f]{64}")) {
            throw new InvalidInputException(field + " must be a SHA-256 in lower-case hex (64 characters), got "
                    + (v.length() > 80 ? v.substring(0, 80) + "…" : v));
        }
        return v;
    }

    /** The plan, if it exists and belongs to {@code owner}. */
    public CampaignPlan campaignPlan(String owner, String planId) {
        return store.plan(Validation.required("id", planId)).filter(p -> p.owner().equals(owner))
                .orElseThrow(() -> new NotFoundException("campaign plan", planId));
    }

    /** PROCESSING (every patch pending) until the plan's execution starts, then its jobs' progress. */
    public BackgroundProcessStatus status(CampaignPlan plan) {
        if (!plan.executed()) {
            return new BackgroundProcessStatus(BackgroundProcessStatus.State.PROCESSING, 0, plan.counters().total(),
                    List.of());
        }
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

    /**
     * The job's patch as it was given, for a page to render; empty when it is larger than
     * {@link #MAX_PATCH_SHOWN_BYTES} (a response that size would be slow to send and to show).
     */
    public java.util.Optional<String> patch(CampaignPlan plan, String jobId) {
        CampaignJob job = store.campaignJob(plan.id(), Validation.required("job", jobId))
                .orElseThrow(() -> new NotFoundException("campaign job", plan.id() + "/" + jobId));
        byte[] patch = blobs.get(job.patchKey())
                .orElseThrow(() -> new IllegalStateException("patch " + job.patchKey() + " is missing"));
        return patch.length > MAX_PATCH_SHOWN_BYTES ? java.util.Optional.empty()
                : java.util.Optional.of(new String(patch, StandardCharsets.UTF_8));
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
     * Executes one job: the git engine's dry run of its patch on its repository's base revision, and a check that
     * its base ref (the pull request's base branch) exists in the repository (one ls-remote). Permanent
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
                access.credentials(job.repository()), job.baseRevision(), patch, "preview", access.bot(), clock.instant()));
        // The pull request will be opened against baseRef: a ref the repository lacks errs this job now, not later.
        if (git.branchTip(access.cloneUrl(job.repository()), access.credentials(job.repository()), job.baseRef()).isEmpty()) {
            throw new RevisionNotFoundException("the base ref " + job.baseRef() + " does not exist in "
                    + job.repository() + ": give baseRef as a branch of the repository (the pull request's base)");
        }
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


}
