package dev.campaigns.store;

import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetEvent;
import dev.campaigns.domain.ChangesetRead;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.domain.Page;
import dev.campaigns.domain.RepositoryName;
import dev.campaigns.git.DiffStat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The in-memory twin of the DynamoDB repositories ({@link CampaignStore}, {@link ChangesetStore},
 * {@link DynamoIdempotencyRecords}), for fast tests of the services: the same keys' order, the same conditions and the
 * same typed errors ({@code RepositoryContract} runs one suite against both). Thread-safe: every operation holds one
 * lock, as a DynamoDB transaction is atomic. Each repository's cursors are its own (opaque) strings.
 */
public final class InMemoryRepositories implements PlanRepository, CampaignRepository, ChangesetRepository {

    private static final class PlanState {
        final String owner;
        final Instant createdAt;
        int total;
        int completed;
        int errored;
        long patchBytes;
        Instant executedAt;
        final TreeMap<String, CampaignJob> jobs = new TreeMap<>();
        final Map<String, String> repositories = new HashMap<>();

        PlanState(String owner, Instant createdAt) {
            this.owner = owner;
            this.createdAt = createdAt;
        }
    }

    private static final class UploadState {
        int parts;
        final TreeMap<Integer, String> partKeys = new TreeMap<>();
        boolean complete;
        long size;
    }

    private static final class CampaignState {
        Campaign campaign;
        final String inputDigest;
        final TreeMap<String, ChangesetJob> jobs = new TreeMap<>();
        /** membership key (repository#number) to changeset ID. */
        final TreeMap<String, String> members = new TreeMap<>();
        /** job ID to its pull-request claim's time ({@code openingAt}). */
        final Map<String, Instant> claims = new HashMap<>();
        /** closed with its changesets ({@code closeChangesets}). */
        boolean closeChangesets;

        CampaignState(Campaign campaign, String inputDigest) {
            this.campaign = campaign;
            this.inputDigest = inputDigest;
        }
    }

    private final Object lock = new Object();
    private final Map<String, PlanState> plans = new HashMap<>();
    private final Map<String, UploadState> uploads = new HashMap<>();
    private final Map<String, CampaignState> campaigns = new HashMap<>();
    private final Map<String, Changeset> changesets = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, TreeMap<String, ChangesetEvent>> events = new HashMap<>();
    private final TreeMap<String, String> syncOrder = new TreeMap<>();
    private final Map<String, String> syncKeys = new HashMap<>();
    private final InMemoryIdempotencyRecords idempotency = new InMemoryIdempotencyRecords();

    /** The idempotency records of this twin. */
    public IdempotencyRecords idempotencyRecords() {
        return idempotency;
    }

    // ---- plans -----------------------------------------------------------------------------------------------

    @Override
    public void createPlan(CampaignPlan plan) {
        synchronized (lock) {
            if (plans.containsKey(plan.id())) {
                throw new IllegalStateException("campaign plan " + plan.id() + " exists");
            }
            PlanState state = new PlanState(plan.owner(), plan.createdAt());
            state.total = plan.counters().total();
            state.completed = plan.counters().completed();
            state.errored = plan.counters().errored();
            plans.put(plan.id(), state);
        }
    }

    @Override
    public Optional<CampaignPlan> plan(String planId) {
        synchronized (lock) {
            return Optional.ofNullable(plans.get(planId)).map(p -> plan(planId, p));
        }
    }

    private static CampaignPlan plan(String planId, PlanState p) {
        return new CampaignPlan(planId, p.owner, p.createdAt, new JobCounters(p.total, p.completed, p.errored),
                p.executedAt);
    }

    @Override
    public long planPatchBytes(String planId) {
        synchronized (lock) {
            PlanState p = plans.get(planId);
            return p == null ? 0 : p.patchBytes;
        }
    }

    @Override
    public int addCampaignJobs(String planId, List<NewCampaignJob> jobs, int maxJobs, long maxBytes) {
        int added = 0;
        for (int i = 0; i < jobs.size(); i += CampaignStore.JOBS_PER_TRANSACTION) {
            added += addChunk(planId, jobs.subList(i, Math.min(jobs.size(), i + CampaignStore.JOBS_PER_TRANSACTION)),
                    maxJobs, maxBytes);
        }
        return added;
    }

    private int addChunk(String planId, List<NewCampaignJob> chunk, int maxJobs, long maxBytes) {
        synchronized (lock) {
            PlanState p = plans.get(planId);
            List<NewCampaignJob> remaining = new ArrayList<>();
            for (NewCampaignJob j : chunk) {
                CampaignJob there = p == null ? null : p.jobs.get(j.job().jobId());
                String repoJob = p == null ? null : p.repositories.get(RepositoryName.identity(j.job().repository()));
                if (there != null && !sameJob(there, j.job())) {
                    throw new PlanJobsRefusedException(PlanJobsRefusedException.Reason.POSITION_TAKEN, j.job(),
                            there.repository());
                }
                if (repoJob != null && !repoJob.equals(j.job().jobId())) {
                    throw new PlanJobsRefusedException(PlanJobsRefusedException.Reason.REPOSITORY_TWICE, j.job(),
                            repoJob);
                }
                if (!(there != null && repoJob != null)) {
                    remaining.add(j);
                }
            }
            if (remaining.isEmpty()) {
                return 0;
            }
            long bytes = remaining.stream().mapToLong(NewCampaignJob::patchBytes).sum();
            PlanJobsRefusedException.Reason why = null;
            if (p == null) {
                why = PlanJobsRefusedException.Reason.NO_PLAN;
            } else if (p.executedAt != null) {
                why = PlanJobsRefusedException.Reason.EXECUTED;
            } else if (p.total + remaining.size() > maxJobs) {
                why = PlanJobsRefusedException.Reason.TOO_MANY_JOBS;
            } else if (p.patchBytes + bytes > maxBytes) {
                why = PlanJobsRefusedException.Reason.TOO_MANY_BYTES;
            }
            if (why != null) {
                long total = p == null ? 0 : p.total;
                long detail = why == PlanJobsRefusedException.Reason.TOO_MANY_BYTES ? p.patchBytes + bytes
                        : total + remaining.size();
                throw new PlanJobsRefusedException(why, remaining.get(0).job(), Long.toString(detail));
            }
            for (NewCampaignJob j : remaining) {
                p.jobs.put(j.job().jobId(), j.job());
                p.repositories.put(RepositoryName.identity(j.job().repository()), j.job().jobId());
            }
            p.total += remaining.size();
            p.patchBytes += bytes;
            return remaining.size();
        }
    }

    private static boolean sameJob(CampaignJob there, CampaignJob job) {
        return there.repository().equals(job.repository()) && there.baseRevision().equals(job.baseRevision())
                && there.baseRef().equals(job.baseRef()) && there.patchKey().equals(job.patchKey());
    }

    @Override
    public CampaignPlan startPlanExecution(String planId, int jobs, Instant at) {
        synchronized (lock) {
            PlanState p = plans.get(planId);
            if (p == null) {
                throw new PlanJobsRefusedException(PlanJobsRefusedException.Reason.NO_PLAN, null, planId);
            }
            if (p.executedAt == null) {
                if (p.total != jobs) {
                    throw new PlanJobsRefusedException(PlanJobsRefusedException.Reason.CHANGED, null,
                            Long.toString(p.total));
                }
                p.executedAt = at;
            }
            return plan(planId, p);
        }
    }

    @Override
    public Optional<CampaignJob> firstJobFrom(String planId, int from) {
        synchronized (lock) {
            PlanState p = plans.get(planId);
            if (p == null) {
                return Optional.empty();
            }
            return Optional.ofNullable(p.jobs.ceilingEntry(JobIds.of(from))).map(Map.Entry::getValue);
        }
    }

    @Override
    public PatchUpload recordPatchPart(String planId, String digest, int part, int parts, String partKey) {
        synchronized (lock) {
            UploadState u = uploads.get(planId + "#" + digest);
            if (u != null && u.parts != 0 && u.parts != parts) {
                throw new PlanJobsRefusedException(PlanJobsRefusedException.Reason.PARTS_CHANGED, null,
                        Long.toString(u.parts));
            }
            if (u == null) {
                u = new UploadState();
                uploads.put(planId + "#" + digest, u);
            }
            u.parts = parts;
            u.partKeys.put(part, partKey);
            return upload(digest, u);
        }
    }

    @Override
    public void completePatchUpload(String planId, String digest, long size) {
        synchronized (lock) {
            UploadState u = uploads.computeIfAbsent(planId + "#" + digest, k -> new UploadState());
            u.complete = true;
            u.size = size;
        }
    }

    @Override
    public Optional<PatchUpload> patchUpload(String planId, String digest) {
        synchronized (lock) {
            return Optional.ofNullable(uploads.get(planId + "#" + digest)).map(u -> upload(digest, u));
        }
    }

    private static PatchUpload upload(String digest, UploadState u) {
        Map<Integer, String> keys = new TreeMap<>(u.partKeys.headMap(u.parts));
        return new PatchUpload(digest, u.parts, keys, u.complete, u.size);
    }

    @Override
    public Optional<CampaignJob> campaignJob(String planId, String jobId) {
        synchronized (lock) {
            PlanState p = plans.get(planId);
            return p == null ? Optional.empty() : Optional.ofNullable(p.jobs.get(jobId));
        }
    }

    @Override
    public Optional<String> jobIdOf(String planId, String repository) {
        synchronized (lock) {
            PlanState p = plans.get(planId);
            return p == null ? Optional.empty()
                    : Optional.ofNullable(p.repositories.get(RepositoryName.identity(repository)));
        }
    }

    @Override
    public List<CampaignJob> campaignJobs(String planId, int from, int to) {
        synchronized (lock) {
            PlanState p = plans.get(planId);
            return p == null || from >= to ? List.of()
                    : List.copyOf(p.jobs.subMap(JobIds.of(from), true, JobIds.of(to - 1), true).values());
        }
    }

    @Override
    public boolean completeCampaignJob(String planId, String jobId, DiffStat diffStat) {
        synchronized (lock) {
            PlanState p = plans.get(planId);
            CampaignJob job = p == null ? null : p.jobs.get(jobId);
            if (job == null || job.state() != JobState.PENDING) {
                return false;
            }
            p.jobs.put(jobId, new CampaignJob(planId, jobId, job.repository(), job.baseRevision(), job.baseRef(),
                    job.patchKey(), JobState.COMPLETED, diffStat, null));
            p.completed++;
            return true;
        }
    }

    @Override
    public boolean failCampaignJob(String planId, String jobId, String error) {
        synchronized (lock) {
            PlanState p = plans.get(planId);
            CampaignJob job = p == null ? null : p.jobs.get(jobId);
            if (job == null || job.state() != JobState.PENDING) {
                return false;
            }
            p.jobs.put(jobId, new CampaignJob(planId, jobId, job.repository(), job.baseRevision(), job.baseRef(),
                    job.patchKey(), JobState.ERRORED, null, error));
            p.errored++;
            return true;
        }
    }

    @Override
    public void failPendingCampaignJobs(String planId, int jobs, String error) {
        for (CampaignJob job : campaignJobs(planId, 0, jobs)) {
            if (job.state() == JobState.PENDING) {
                failCampaignJob(planId, job.jobId(), error);
            }
        }
    }

    @Override
    public List<String> planErrors(String planId, int limit) {
        synchronized (lock) {
            PlanState p = plans.get(planId);
            List<String> errors = new ArrayList<>();
            if (p != null) {
                for (CampaignJob job : p.jobs.values()) {
                    if (job.state() == JobState.ERRORED && errors.size() < limit) {
                        errors.add(job.repository() + ": " + job.error());
                    }
                }
            }
            return errors;
        }
    }

    // ---- campaigns -------------------------------------------------------------------------------------------

    @Override
    public Campaign createCampaign(Campaign campaign, String inputDigest) {
        synchronized (lock) {
            CampaignState earlier = campaigns.get(campaign.id());
            if (earlier != null) {
                if (!inputDigest.equals(earlier.inputDigest)) {
                    throw new IdempotencyKeyReusedException();
                }
                return earlier.campaign;
            }
            campaigns.put(campaign.id(), new CampaignState(campaign, inputDigest));
            return campaign;
        }
    }

    @Override
    public Optional<Campaign> campaign(String campaignId) {
        synchronized (lock) {
            return Optional.ofNullable(campaigns.get(campaignId)).map(c -> c.campaign);
        }
    }

    @Override
    public Page<Campaign> campaigns(String owner, int first, String after) {
        String from = after == null ? null : decode(after);
        synchronized (lock) {
            TreeMap<String, Campaign> byNewest = new TreeMap<>(java.util.Comparator.reverseOrder());
            for (CampaignState c : campaigns.values()) {
                if (c.campaign.owner().equals(owner)) {
                    byNewest.put(c.campaign.createdAt() + "#" + c.campaign.id(), c.campaign);
                }
            }
            NavigableMap<String, Campaign> rest = from == null ? byNewest : byNewest.tailMap(from, false);
            List<Campaign> nodes = new ArrayList<>();
            String last = null;
            for (Map.Entry<String, Campaign> e : rest.entrySet()) {
                if (nodes.size() == first) {
                    break;
                }
                nodes.add(e.getValue());
                last = e.getKey();
            }
            boolean more = last != null && rest.higherKey(last) != null;
            return new Page<>(nodes, more ? encode(last) : null, -1);
        }
    }

    @Override
    public int addExecution(String campaignId) {
        synchronized (lock) {
            CampaignState c = existing(campaignId);
            Campaign x = c.campaign;
            c.campaign = changed(x, x.counters(), x.executions() + 1, x.closedAt(), x.tracked(), x.cancelledAt());
            return c.campaign.executions();
        }
    }

    @Override
    public boolean publishCampaign(String campaignId, boolean draft) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            if (c == null || c.campaign.executions() != 0) {
                return false;
            }
            Campaign x = c.campaign;
            c.campaign = new Campaign(x.id(), x.owner(), x.name(), x.description(), x.branch(), x.planId(), draft,
                    x.createdAt(), x.counters(), 1, x.closedAt(), x.tracked(), x.cancelledAt(), x.generation(),
                    x.previousPlanId(), x.updatedAt(), x.unpublished());
            return true;
        }
    }

    @Override
    public int publishChangesetJobs(String campaignId, int executions, int unpublished, List<ChangesetJob> jobs,
                                    Boolean draft) {
        if (jobs.isEmpty() || jobs.size() > CampaignStore.PUBLISHES_PER_TRANSACTION) {
            throw new IllegalArgumentException("publishes 1 to " + CampaignStore.PUBLISHES_PER_TRANSACTION
                    + " jobs at once, not " + jobs.size());
        }
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            if (c == null || c.campaign.executions() != executions || c.campaign.closedAt() != null
                    || c.campaign.cancelledAt() != null
                    || jobs.stream().anyMatch(j -> c.jobs.containsKey(j.jobId()))) {
                return 0;
            }
            for (ChangesetJob job : jobs) {
                c.jobs.put(job.jobId(), job);
            }
            Campaign x = c.campaign;
            c.campaign = new Campaign(x.id(), x.owner(), x.name(), x.description(), x.branch(), x.planId(),
                    draft != null ? draft : x.draft(), x.createdAt(), x.counters(), executions + 1, x.closedAt(),
                    x.tracked(), x.cancelledAt(), x.generation(), x.previousPlanId(), x.updatedAt(), unpublished);
            return executions + 1;
        }
    }

    @Override
    public int publishRest(String campaignId, int executions) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            if (c == null || c.campaign.executions() != executions || c.campaign.closedAt() != null
                    || c.campaign.cancelledAt() != null) {
                return 0;
            }
            Campaign x = c.campaign;
            c.campaign = new Campaign(x.id(), x.owner(), x.name(), x.description(), x.branch(), x.planId(), x.draft(),
                    x.createdAt(), x.counters(), executions + 1, x.closedAt(), x.tracked(), x.cancelledAt(),
                    x.generation(), x.previousPlanId(), x.updatedAt(), 0);
            return executions + 1;
        }
    }

    @Override
    public void createChangesetJob(ChangesetJob job) {
        synchronized (lock) {
            existing(job.campaignId()).jobs.putIfAbsent(job.jobId(), job);
        }
    }

    @Override
    public Optional<ChangesetJob> changesetJob(String campaignId, String jobId) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            return c == null ? Optional.empty() : Optional.ofNullable(c.jobs.get(jobId));
        }
    }

    @Override
    public List<ChangesetJob> changesetJobs(String campaignId, int from, int to) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            return c == null || from >= to ? List.of()
                    : List.copyOf(c.jobs.subMap(JobIds.changesetJob(c.campaign.generation(), from), true,
                    JobIds.changesetJob(c.campaign.generation(), to - 1), true).values());
        }
    }

    @Override
    public List<ChangesetJob> changesetJobs(String campaignId, int generation, int from, int to) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            return c == null || from >= to ? List.of()
                    : List.copyOf(c.jobs.subMap(JobIds.changesetJob(generation, from), true,
                    JobIds.changesetJob(generation, to - 1), true).values());
        }
    }

    @Override
    public void recordCommit(String campaignId, String jobId, String commitSha) {
        updatePending(campaignId, jobId, j -> new ChangesetJob(j.campaignId(), j.jobId(), j.repository(), j.baseRef(),
                j.state(), commitSha, j.pushed(), j.pullRequest(), j.pullRequestUrl(), j.changesetId(), j.error(),
                j.attempts(), j.expectedOldSha()));
    }

    @Override
    public void recordPush(String campaignId, String jobId) {
        updatePending(campaignId, jobId, j -> new ChangesetJob(j.campaignId(), j.jobId(), j.repository(), j.baseRef(),
                j.state(), j.commitSha(), true, j.pullRequest(), j.pullRequestUrl(), j.changesetId(), j.error(),
                j.attempts(), j.expectedOldSha()));
    }

    @Override
    public void recordPullRequest(String campaignId, String jobId, long number, String url) {
        updatePending(campaignId, jobId, j -> new ChangesetJob(j.campaignId(), j.jobId(), j.repository(), j.baseRef(),
                j.state(), j.commitSha(), j.pushed(), number, url, j.changesetId(), j.error(), j.attempts(),
                j.expectedOldSha()));
    }

    @Override
    public void recordAttempt(String campaignId, String jobId) {
        updatePending(campaignId, jobId, j -> new ChangesetJob(j.campaignId(), j.jobId(), j.repository(), j.baseRef(),
                j.state(), j.commitSha(), j.pushed(), j.pullRequest(), j.pullRequestUrl(), j.changesetId(), j.error(),
                j.attempts() + 1, j.expectedOldSha()));
    }

    private void updatePending(String campaignId, String jobId, java.util.function.UnaryOperator<ChangesetJob> update) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            ChangesetJob job = c == null ? null : c.jobs.get(jobId);
            if (job == null || job.state() != JobState.PENDING) {
                throw new JobNotPendingException(campaignId, jobId);
            }
            c.jobs.put(jobId, update.apply(job));
        }
    }

    @Override
    public boolean completeChangesetJob(String campaignId, String jobId, Changeset changeset) {
        return complete(campaignId, jobId, changeset, JobState.PENDING);
    }

    /** The job {@code from} → COMPLETED as the changeset's, the membership, and the counters, atomically. */
    private boolean complete(String campaignId, String jobId, Changeset changeset, JobState from) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            ChangesetJob job = c == null ? null : c.jobs.get(jobId);
            String member = membershipKey(changeset.repository(), changeset.externalID());
            // (in an update the changeset is usually the campaign's already, recorded by an earlier generation; a
            // cancelled job's pull request is recorded only if it is not the campaign's yet)
            if (job == null || job.state() != from
                    || (c.members.containsKey(member) && (from == JobState.CANCELLED
                            || !c.members.get(member).equals(changeset.id())))
                    || !changesets.containsKey(changeset.id())) {
                return false;
            }
            c.members.put(member, changeset.id());
            joinCampaign(changeset.id(), campaignId);
            c.jobs.put(jobId, new ChangesetJob(campaignId, jobId, job.repository(), job.baseRef(), JobState.COMPLETED,
                    job.commitSha(), job.pushed(), job.pullRequest(), job.pullRequestUrl(), changeset.id(), null,
                    job.attempts(), job.expectedOldSha()));
            count(c, 1, 0, from == JobState.CANCELLED ? -1 : 0);
            if (job.changesetId() != null && from == JobState.PENDING) {
                // an update's job carrying the campaign's earlier changeset: from tracked to completed
                Campaign x = c.campaign;
                c.campaign = changed(x, x.counters(), x.executions(), x.closedAt(), x.tracked() - 1, x.cancelledAt());
            }
            return true;
        }
    }

    @Override
    public boolean failChangesetJob(String campaignId, String jobId, String error) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            ChangesetJob job = c == null ? null : c.jobs.get(jobId);
            if (job == null || job.state() != JobState.PENDING) {
                return false;
            }
            c.jobs.put(jobId, new ChangesetJob(campaignId, jobId, job.repository(), job.baseRef(), JobState.ERRORED,
                    job.commitSha(), job.pushed(), job.pullRequest(), job.pullRequestUrl(), job.changesetId(), error,
                    job.attempts(), job.expectedOldSha()));
            count(c, 0, 1);
            return true;
        }
    }

    @Override
    public void failPendingChangesetJobs(String campaignId, int jobs, String error) {
        for (ChangesetJob job : changesetJobs(campaignId, 0, jobs)) {
            if (job.state() == JobState.PENDING) {
                failChangesetJob(campaignId, job.jobId(), error);
            }
        }
    }

    @Override
    public void failPendingChangesetJobs(String campaignId, int jobs, String error, int execution) {
        for (ChangesetJob job : changesetJobs(campaignId, 0, jobs)) {
            synchronized (lock) {
                CampaignState c = campaigns.get(campaignId);
                if (job.state() == JobState.PENDING && c != null && c.campaign.executions() <= execution) {
                    failChangesetJob(campaignId, job.jobId(), error);
                }
            }
        }
    }

    @Override
    public int resetErroredChangesetJobs(String campaignId) {
        return resetChangesetJobs(campaignId, JobState.ERRORED);
    }

    /**
     * Every job of the campaign in state {@code from} back to PENDING with the steps it reached, uncounted from
     * that state: an errored job also loses its error, a cancelled one keeps what it had.
     */
    private int resetChangesetJobs(String campaignId, JobState from) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            int reset = 0;
            if (c == null) {
                return 0;
            }
            for (ChangesetJob job : List.copyOf(c.jobs.values())) {
                if (job.state() == from && JobIds.generation(job.jobId()) == c.campaign.generation()) {
                    c.jobs.put(job.jobId(), new ChangesetJob(campaignId, job.jobId(), job.repository(), job.baseRef(),
                            JobState.PENDING, job.commitSha(), job.pushed(), job.pullRequest(), job.pullRequestUrl(),
                            job.changesetId(), from == JobState.ERRORED ? null : job.error(), job.attempts(),
                            job.expectedOldSha()));
                    count(c, 0, from == JobState.ERRORED ? -1 : 0, from == JobState.CANCELLED ? -1 : 0);
                    reset++;
                }
            }
            return reset;
        }
    }

    @Override
    public List<String> campaignErrors(String campaignId, int limit) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            List<String> errors = new ArrayList<>();
            if (c != null) {
                for (ChangesetJob job : c.jobs.values()) {
                    if (job.state() == JobState.ERRORED && errors.size() < limit
                            && JobIds.generation(job.jobId()) == c.campaign.generation()) {
                        errors.add(job.repository() + ": " + job.error());
                    }
                }
            }
            return errors;
        }
    }

    @Override
    public boolean addToCampaign(String campaignId, Changeset changeset) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            String member = membershipKey(changeset.repository(), changeset.externalID());
            if (c == null || c.members.containsKey(member) || !changesets.containsKey(changeset.id())) {
                return false;
            }
            c.members.put(member, changeset.id());
            joinCampaign(changeset.id(), campaignId);
            Campaign x = c.campaign;
            c.campaign = changed(x, x.counters(), x.executions(), x.closedAt(), x.tracked() + 1, x.cancelledAt());
            return true;
        }
    }

    @Override
    public Page<String> campaignChangesetIds(String campaignId, int first, String after, int totalCount) {
        String from = after == null ? null : decode(after);
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            if (c == null) {
                return new Page<>(List.of(), null, totalCount);
            }
            NavigableMap<String, String> rest = from == null ? c.members : c.members.tailMap(from, false);
            List<String> ids = new ArrayList<>();
            String last = null;
            for (Map.Entry<String, String> e : rest.entrySet()) {
                if (ids.size() == first) {
                    break;
                }
                ids.add(e.getValue());
                last = e.getKey();
            }
            boolean more = last != null && rest.higherKey(last) != null;
            return new Page<>(ids, more ? encode(last) : null, totalCount);
        }
    }

    @Override
    public void clearCancelled(String campaignId) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            if (c == null) {
                return;
            }
            Campaign x = c.campaign;
            c.campaign = changed(x, x.counters(), x.executions(), x.closedAt(), x.tracked(), null);
        }
    }

    @Override
    public int resetCancelledChangesetJobs(String campaignId, int jobs) {
        return resetChangesetJobs(campaignId, JobState.CANCELLED);
    }

    @Override
    public boolean claimPullRequest(String campaignId, String jobId, Instant at) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            ChangesetJob job = c == null ? null : c.jobs.get(jobId);
            boolean claimed = job != null && job.state() == JobState.PENDING && c.campaign.cancelledAt() == null
                    && c.campaign.closedAt() == null;
            if (claimed) {
                c.claims.put(jobId, at);
            }
            return claimed;
        }
    }

    @Override
    public Campaign markCancelled(String campaignId, Instant at) {
        synchronized (lock) {
            CampaignState c = existing(campaignId);
            Campaign x = c.campaign;
            if (x.cancelledAt() == null) {
                c.campaign = changed(x, x.counters(), x.executions(), x.closedAt(), x.tracked(), at);
            }
            return c.campaign;
        }
    }

    @Override
    public List<JobClaim> changesetJobClaims(String campaignId, int from, int to) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            List<JobClaim> claims = new ArrayList<>();
            for (ChangesetJob job : changesetJobs(campaignId, from, to)) {
                claims.add(new JobClaim(job, c.claims.get(job.jobId())));
            }
            return claims;
        }
    }

    @Override
    public int cancelChangesetJobs(String campaignId, List<ChangesetJob> pending, List<ChangesetJob> missing) {
        synchronized (lock) {
            CampaignState c = existing(campaignId);
            int cancelled = 0;
            for (ChangesetJob job : pending) {
                ChangesetJob now = c.jobs.get(job.jobId());
                if (now != null && now.state() == JobState.PENDING) {
                    c.jobs.put(job.jobId(), withState(now, JobState.CANCELLED));
                    cancelled++;
                }
            }
            for (ChangesetJob job : missing) {
                if (!c.jobs.containsKey(job.jobId())) {
                    c.jobs.put(job.jobId(), withState(job, JobState.CANCELLED));
                    cancelled++;
                }
            }
            count(c, 0, 0, cancelled);
            return cancelled;
        }
    }

    private static ChangesetJob withState(ChangesetJob j, JobState state) {
        return new ChangesetJob(j.campaignId(), j.jobId(), j.repository(), j.baseRef(), state, j.commitSha(),
                j.pushed(), j.pullRequest(), j.pullRequestUrl(), j.changesetId(), j.error(), j.attempts());
    }

    @Override
    public boolean completeCancelledChangesetJob(String campaignId, String jobId, Changeset changeset) {
        return complete(campaignId, jobId, changeset, JobState.CANCELLED);
    }

    @Override
    public void closeCampaignAndChangesets(String campaignId, Instant at) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            if (c == null) {
                return;
            }
            closeCampaign(campaignId, at);
            c.closeChangesets = true;
        }
    }

    @Override
    public boolean closingChangesets(String campaignId) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            return c != null && c.closeChangesets;
        }
    }

    @Override
    public boolean startGeneration(GenerationStart u) {
        synchronized (lock) {
            CampaignState c = campaigns.get(u.campaignId());
            if (c == null || c.campaign.closedAt() != null || c.campaign.generation() != u.fromGeneration()
                    || c.campaign.executions() != u.fromExecutions()) {
                return false;
            }
            Campaign x = c.campaign;
            c.campaign = new Campaign(x.id(), x.owner(), u.name(), u.description(), x.branch(), u.planId(), x.draft(),
                    x.createdAt(), new JobCounters(u.total(), 0, 0, 0),
                    u.fromExecutions() + (u.fromExecutions() > 0 ? 1 : 0), null, x.tracked() + u.trackedDelta(), null,
                    u.fromGeneration() + 1, u.previousPlanId(), u.at());
            return true;
        }
    }

    @Override
    public void detachFromCampaign(String campaignId, Changeset changeset) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            if (c != null) {
                c.members.remove(membershipKey(changeset.repository(), changeset.externalID()));
            }
            Changeset x = changesets.get(changeset.id());
            if (x != null) {
                Set<String> ids = new HashSet<>(x.campaignIds());
                ids.remove(campaignId);
                changesets.put(x.id(), withCampaigns(x, ids));
            }
        }
    }

    @Override
    public void closeCampaign(String campaignId, Instant at) {
        synchronized (lock) {
            CampaignState c = campaigns.get(campaignId);
            if (c == null || c.campaign.closedAt() != null) {
                return;
            }
            Campaign x = c.campaign;
            c.campaign = changed(x, x.counters(), x.executions(), at, x.tracked(), x.cancelledAt());
        }
    }

    @Override
    public void deleteCampaign(String campaignId) {
        synchronized (lock) {
            CampaignState c = campaigns.remove(campaignId);
            if (c == null) {
                return;
            }
            for (String id : c.members.values()) {
                Changeset x = changesets.get(id);
                if (x != null) {
                    Set<String> ids = new HashSet<>(x.campaignIds());
                    ids.remove(campaignId);
                    changesets.put(id, withCampaigns(x, ids));
                }
            }
        }
    }

    private CampaignState existing(String campaignId) {
        CampaignState c = campaigns.get(campaignId);
        if (c == null) {
            throw new IllegalStateException("campaign " + campaignId + " does not exist");
        }
        return c;
    }

    private static void count(CampaignState c, int completed, int errored) {
        count(c, completed, errored, 0);
    }

    private static void count(CampaignState c, int completed, int errored, int cancelled) {
        Campaign x = c.campaign;
        JobCounters n = x.counters();
        c.campaign = changed(x, new JobCounters(n.total(), n.completed() + completed, n.errored() + errored,
                n.cancelled() + cancelled), x.executions(), x.closedAt(), x.tracked(), x.cancelledAt());
    }

    /** {@code x} with its changeable fields replaced (the rest is fixed at creation). */
    private static Campaign changed(Campaign x, JobCounters counters, int executions, Instant closedAt, int tracked,
                                    Instant cancelledAt) {
        return new Campaign(x.id(), x.owner(), x.name(), x.description(), x.branch(), x.planId(), x.draft(),
                x.createdAt(), counters, executions, closedAt, tracked, cancelledAt, x.generation(), x.previousPlanId(),
                x.updatedAt(), x.unpublished());
    }

    private void joinCampaign(String changesetId, String campaignId) {
        Changeset x = changesets.get(changesetId);
        Set<String> ids = new HashSet<>(x.campaignIds());
        ids.add(campaignId);
        changesets.put(changesetId, withCampaigns(x, ids));
    }

    private static Changeset withCampaigns(Changeset x, Set<String> ids) {
        return new Changeset(x.id(), x.repository(), x.externalID(), x.externalURL(), x.state(), x.reviewState(),
                x.checkState(), x.title(), x.labels(), x.headRef(), x.baseRef(), x.headCommit(), x.createdAt(),
                x.updatedAt(), x.ownerCampaignId(), ids, x.syncedAt());
    }

    private static String membershipKey(String repository, String externalID) {
        return repository + "#" + externalID;
    }

    // ---- changesets ------------------------------------------------------------------------------------------

    @Override
    public Changeset observe(PullRequestStatus status, Instant readAt, String ownerCampaignId) {
        String repository = status.pullRequest().repository();
        String externalID = Long.toString(status.pullRequest().number());
        String id = Changeset.idOf(repository, externalID);
        ChangesetRead read = ChangesetRepository.read(status);
        synchronized (lock) {
            Changeset old = changesets.get(id);
            if (old != null && !readAt.isAfter(old.syncedAt())) {
                return old;
            }
            for (ChangesetEvent e : read.impliedEvents(id, old)) {
                addEvent(e);
            }
            Changeset now = new Changeset(id, repository, externalID, status.pullRequest().url(), read.state(),
                    status.reviewState(), status.checkState(), status.pullRequest().title(),
                    status.pullRequest().labels(), status.pullRequest().headRef(), status.pullRequest().baseRef(),
                    status.pullRequest().headSha(), status.createdAt(), status.updatedAt(),
                    old != null && old.ownerCampaignId() != null ? old.ownerCampaignId() : ownerCampaignId,
                    old == null ? Set.of() : old.campaignIds(), readAt);
            store(now);
            return now;
        }
    }

    @Override
    public void markDeleted(String id, Instant readAt) {
        synchronized (lock) {
            Changeset x = changesets.get(id);
            if (x == null || x.syncedAt().toEpochMilli() >= readAt.toEpochMilli()
                    || x.state() == ChangesetState.DELETED) {
                return;
            }
            store(new Changeset(x.id(), x.repository(), x.externalID(), x.externalURL(), ChangesetState.DELETED,
                    x.reviewState(), x.checkState(), x.title(), x.labels(), x.headRef(), x.baseRef(), x.headCommit(),
                    x.createdAt(), x.updatedAt(), x.ownerCampaignId(), x.campaignIds(), readAt));
            addEvent(new ChangesetEvent(id, readAt, ChangesetEvent.Field.STATE, ChangesetState.DELETED.name()));
        }
    }

    private void store(Changeset c) {
        changesets.put(c.id(), c);
        versions.merge(c.id(), 1L, Long::sum);
        String old = syncKeys.put(c.id(), String.format("%015d#%s", c.syncedAt().toEpochMilli(), c.id()));
        if (old != null) {
            syncOrder.remove(old);
        }
        syncOrder.put(syncKeys.get(c.id()), c.id());
    }

    private void addEvent(ChangesetEvent e) {
        events.computeIfAbsent(e.changesetId(), k -> new TreeMap<>())
                .put(e.at() + "#" + e.field() + "#" + e.value(), e);
    }

    @Override
    public Optional<Changeset> changeset(String id) {
        synchronized (lock) {
            return Optional.ofNullable(changesets.get(id));
        }
    }

    @Override
    public List<Changeset> changesets(List<String> ids) {
        synchronized (lock) {
            List<Changeset> out = new ArrayList<>();
            for (String id : ids) {
                if (changesets.containsKey(id)) {
                    out.add(changesets.get(id));
                }
            }
            return out;
        }
    }

    @Override
    public List<ChangesetEvent> events(String id) {
        synchronized (lock) {
            TreeMap<String, ChangesetEvent> e = events.get(id);
            return e == null ? List.of() : List.copyOf(e.values());
        }
    }

    @Override
    public List<String> stalest(int limit) {
        synchronized (lock) {
            return syncOrder.values().stream().limit(limit).toList();
        }
    }

    // ---- cursors ---------------------------------------------------------------------------------------------

    /** The twins' opaque cursor for {@code key} (also the in-memory bulk-operation store's, in the tests). */
    static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("mem\u0000" + key)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The key of a cursor {@link #encode} made; {@link InvalidCursorException} for anything else. */
    static String decode(String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException();
        }
        if (!text.startsWith("mem\u0000")) {
            throw new InvalidCursorException();
        }
        return text.substring(4);
    }

    // ---- idempotency -----------------------------------------------------------------------------------------

    private static final class InMemoryIdempotencyRecords implements IdempotencyRecords {
        private final Map<String, IdempotencyRecord> records = new HashMap<>();

        @Override
        public synchronized IdempotencyRecord putInProgress(IdempotencyRecord record, long nowMillis) {
            IdempotencyRecord existing = records.get(record.key());
            boolean free = existing == null || existing.expirationSeconds() < nowMillis / 1000
                    || (existing.status() == IdempotencyRecord.Status.INPROGRESS
                    && existing.inProgressExpirationMillis() < nowMillis);
            if (free) {
                records.put(record.key(), record);
                return null;
            }
            return existing;
        }

        @Override
        public synchronized void putCompleted(IdempotencyRecord record) {
            records.put(record.key(), record);
        }

        @Override
        public synchronized void delete(String key) {
            records.remove(key);
        }
    }
}
