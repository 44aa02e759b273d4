package dev.campaigns.infra.chaos;

import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.local.LocalCampaigns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The chaos campaign: {@code jobs} repositories, a plan and a campaign driven over GraphQL through the whole local
 * runtime while {@link Chaos} injects faults at every boundary; {@code retryCampaign} while jobs failed (at most
 * {@code maxRetries} times); then the faults stop and {@link CampaignAudit} counts, from the code host and DynamoDB,
 * what was lost, duplicated or miscounted. Used by the reliability test (200 jobs) and by {@code bench/chaos.sh}.
 */
public final class ChaosRun {
    public static final String TABLE = "CampaignsTable";
    public static final String BRANCH = "campaigns/chaos";

    /** What a run did and found. */
    public record Result(int jobs, int planCompleted, int planErrored, Map<FaultKind, Long> faults, long totalFaults,
                         long stepInvocations, long failedInvocations, int retryCampaigns, String finalState,
                         int apiCompleted, int apiErrored, List<String> retriedErrors, CampaignAudit audit,
                         Duration elapsed) {

        /** The summary table, then the last line {@code chaos: N jobs, F faults, lost L, duplicates D, miscounted M}. */
        public String report() {
            StringBuilder out = new StringBuilder();
            out.append(String.format("%-62s %8s%n", "chaos campaign", "count"));
            out.append(String.format("%-62s %8d%n", "jobs", jobs));
            out.append(String.format("%-62s %8d%n", "plan jobs completed", planCompleted));
            out.append(String.format("%-62s %8d%n", "plan jobs errored", planErrored));
            faults.forEach((kind, n) -> out.append(String.format("%-62s %8d%n", "fault: " + kind.label(), n)));
            out.append(String.format("%-62s %8d%n", "faults injected", totalFaults));
            out.append(String.format("%-62s %8d%n", "workflow step invocations", stepInvocations));
            out.append(String.format("%-62s %8d%n", "failed invocations (retried or caught by Step Functions)",
                    failedInvocations));
            out.append(String.format("%-62s %8d%n", "retryCampaign calls", retryCampaigns));
            out.append(String.format("%-62s %8s%n", "final state", finalState));
            out.append(String.format("%-62s %8d%n", "changesets (DynamoDB items)", audit.changesets()));
            out.append(String.format("%-62s %8d%n", "duplicates found", audit.duplicates()));
            out.append(String.format("%-62s %8d%n", "jobs lost", audit.lost()));
            out.append(String.format("%-62s %8d%n", "miscounted", audit.miscounted()));
            out.append(String.format("%-62s %8.1f%n", "seconds", elapsed.toMillis() / 1000.0));
            retriedErrors.stream().limit(10).forEach(e -> out.append("retried after: ").append(e).append('\n'));
            audit.problems().stream().limit(20).forEach(p -> out.append("problem: ").append(p).append('\n'));
            out.append(String.format("chaos: %d jobs, %d faults, lost %d, duplicates %d, miscounted %d", jobs,
                    totalFaults, audit.lost(), audit.duplicates(), audit.miscounted()));
            return out.toString();
        }
    }

    private ChaosRun() {
    }

    /**
     * Runs the chaos campaign on a fresh local stack.
     *
     * @param jobs       repositories (one job each)
     * @param rate       fault rate (see {@link Chaos})
     * @param seed       seed of every random decision
     * @param maxRetries most retryCampaign calls
     * @param timeout    the longest wait for the plan or one execution of the campaign
     */
    public static Result run(int jobs, double rate, long seed, int maxRetries, Duration timeout) {
        return run(jobs, rate, seed, maxRetries, timeout, dev.campaigns.codehost.CodeHostKind.GITHUB);
    }

    /** As {@link #run(int, double, long, int, Duration)} on a local code host of {@code kind}. */
    public static Result run(int jobs, double rate, long seed, int maxRetries, Duration timeout,
                             dev.campaigns.codehost.CodeHostKind kind) {
        return run(jobs, rate, seed, maxRetries, timeout, kind, false);
    }

    /**
     * As {@link #run(int, double, long, int, Duration, dev.campaigns.codehost.CodeHostKind)}, then, with the faults
     * still on, updateCampaign from a second plan (issue 16): of the {@code jobs} repositories every fifth is gone
     * from it, every fifth from the first keeps its diff, the others get a changed diff, and {@code jobs / 10} new
     * repositories join. The update is called until accepted (it is idempotent), retried while it errs, and the
     * audit is of the update's generation: its jobs, plus every gone repository's one pull request closed.
     */
    public static Result runWithUpdate(int jobs, double rate, long seed, int maxRetries, Duration timeout) {
        return run(jobs, rate, seed, maxRetries, timeout, dev.campaigns.codehost.CodeHostKind.GITHUB, true);
    }

    private static Result run(int jobs, double rate, long seed, int maxRetries, Duration timeout,
                              dev.campaigns.codehost.CodeHostKind kind, boolean update) {
        long started = System.nanoTime();
        String token = "ghp_chaos" + Long.toHexString(seed) + "0123456789abcdef";
        try (Chaos chaos = new Chaos(rate, seed);
             LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(token)
                     .withCodeHost(new LocalCodeHost.Options().kind(kind).timeScale(60)), chaos.hooks())) {
            CampaignsApi api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "chaos"));
            List<Patch> patches = new ArrayList<>();
            for (int i = 1; i <= jobs; i++) {
                String repo = "chaos/" + SampleCampaign.repository(i).split("/")[1];
                String base = stack.codeHost().createRepository(repo, SampleCampaign.files(i));
                patches.add(new Patch(repo, base, "main", SampleCampaign.patch()));
            }
            chaos.injectInto(stack.codeHost());

            String planId = api.uploadPlan(patches).planId();
            Map<String, Object> planStatus = CampaignsApi.status(api.awaitPlan(planId, timeout), "status");
            int planCompleted = (Integer) planStatus.get("completedCount");
            int planErrored = jobs - planCompleted - (Integer) planStatus.get("pendingCount");

            String id = (String) api.createCampaign(Map.of("name", "Chaos", "description", "survives faults",
                    "branch", BRANCH, "plan", planId, "idempotencyKey", "chaos-" + seed)).get("id");
            List<String> retriedErrors = new ArrayList<>();
            int retries = retryWhileErrored(api, id, maxRetries, timeout, retriedErrors);
            List<String> gone = List.of();
            int generation = 1;
            if (update) {
                awaitIdle(stack, timeout);
                List<Patch> next = new ArrayList<>();
                List<String> goneRepos = new ArrayList<>();
                for (int i = 1; i <= jobs; i++) {
                    Patch before = patches.get(i - 1);
                    if (i % 5 == 0) {
                        goneRepos.add(before.repository());
                    } else {
                        next.add(new Patch(before.repository(), before.baseRevision(), "main", i % 5 == 1
                                ? SampleCampaign.patch() : SampleCampaign.secondPatch()));
                    }
                }
                for (int i = jobs + 1; i <= jobs + jobs / 10; i++) {
                    String repo = "chaos/" + SampleCampaign.repository(i).split("/")[1];
                    next.add(new Patch(repo, stack.codeHost().createRepository(repo, SampleCampaign.files(i)), "main",
                            SampleCampaign.patch()));
                }
                String nextPlan = api.uploadPlan(next).planId();
                Map<String, Object> nextStatus = CampaignsApi.status(api.awaitPlan(nextPlan, timeout), "status");
                planCompleted = (Integer) nextStatus.get("completedCount");
                planErrored = next.size() - planCompleted - (Integer) nextStatus.get("pendingCount");
                updateWhenAccepted(api, id, nextPlan, timeout);
                retries += retryWhileErrored(api, id, maxRetries, timeout, retriedErrors);
                patches = next;
                planId = nextPlan;
                gone = goneRepos;
                generation = 2;
                jobs = next.size();
            }
            chaos.stop();
            awaitIdle(stack, timeout);
            Map<String, Object> status = CampaignsApi.status(api.campaign(id, 1, null), "changesetCreationStatus");
            List<String> repositories = patches.stream().map(Patch::repository).toList();
            int finalGeneration = generation;
            List<String> finalGone = gone;
            java.util.Set<String> applied = planCompleted == jobs ? java.util.Set.copyOf(repositories)
                    : appliedInPlan(api, planId);
            CampaignAudit audit = awaitGoneClosed(stack, gone, timeout, () -> CampaignAudit.of(stack.dynamo(), TABLE,
                    stack.codeHost(), id, BRANCH, repositories.stream().filter(applied::contains).toList(),
                    finalGeneration, finalGone));
            @SuppressWarnings("unchecked")
            List<String> errors = (List<String>) status.get("errors");
            int apiErrored = errors == null ? 0 : errors.size();
            return new Result(jobs, planCompleted, planErrored, chaos.ledger().byKind(), chaos.ledger().total(),
                    chaos.invocations(), chaos.failedInvocations(), retries, (String) status.get("state"),
                    (Integer) status.get("completedCount"), apiErrored, retriedErrors, audit,
                    Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * updateCampaign until it is accepted: a fault may fail the call (the resolver's Lambda, DynamoDB), and the update
     * is idempotent, so the same call again finishes it. Returns once the campaign is at generation 2.
     */
    private static void updateWhenAccepted(CampaignsApi api, String id, String plan, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, Object> updated = api.updateCampaign(id, plan, "Chaos, updated", null, "CLOSE");
                if (((Number) updated.get("generation")).intValue() == 2) {
                    return;
                }
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            sleep(100);
        }
    }

    /**
     * The gone repositories' pull requests are closed by the close queue's consumer, after the update: the audit is
     * read again (for at most {@code timeout}) until none of them is open.
     */
    private static CampaignAudit awaitGoneClosed(LocalCampaigns stack, List<String> gone, Duration timeout,
                                                 java.util.function.Supplier<CampaignAudit> audit) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!gone.isEmpty() && System.nanoTime() < deadline && gone.stream().anyMatch(r -> stack.codeHost()
                .pullRequests(r).stream().anyMatch(pr -> pr.headRef().equals(BRANCH) && pr.state().equals("open")))) {
            sleep(100);
        }
        return audit.get();
    }

    /**
     * Waits for the campaign's changeset creation to end, then calls retryCampaign while it ends ERRORED, at most
     * {@code maxRetries} times, adding the errors that led to each retry to {@code retriedErrors}. Returns how many
     * retries it made.
     */
    private static int retryWhileErrored(CampaignsApi api, String id, int maxRetries, Duration timeout,
                                         List<String> retriedErrors) {
        Map<String, Object> status = CampaignsApi.status(api.awaitCampaign(id, timeout), "changesetCreationStatus");
        int retries = 0;
        while ("ERRORED".equals(status.get("state")) && retries < maxRetries) {
            retries++;
            @SuppressWarnings("unchecked")
            List<String> before = (List<String>) status.get("errors");
            retriedErrors.addAll(before);
            retryWhenAccepted(api, id, timeout);
            status = CampaignsApi.status(api.awaitCampaign(id, timeout), "changesetCreationStatus");
        }
        return retries;
    }

    /** retryCampaign is refused while the previous execution's changeset creation still counts pending jobs. */
    private static void retryWhenAccepted(CampaignsApi api, String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                api.retryCampaign(id);
                return;
            } catch (GraphQLClient.GraphQLErrorException e) {
                if (!e.getMessage().contains("FailedPrecondition") || System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(100);
            }
        }
    }

    /** Waits until no execution runs (a finish step may still be retrying after the status ended). */
    private static void awaitIdle(LocalCampaigns stack, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (stack.stepFunctions().listExecutions(stack.stateMachineArn(),
                dev.campaigns.infra.sfn.ExecutionStatus.RUNNING).size() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("executions still running after " + timeout);
            }
            sleep(50);
        }
    }

    /** The repositories whose plan job completed (the only ones a campaign makes changesets for). */
    @SuppressWarnings("unchecked")
    private static java.util.Set<String> appliedInPlan(CampaignsApi api, String planId) {
        java.util.Set<String> applied = new java.util.HashSet<>();
        for (int offset = 0; ; offset += 1000) {
            Map<String, Object> plan = (Map<String, Object>) api.client().data("query($id: ID!, $offset: Int) {"
                    + " campaignPlan(id: $id) { jobs(first: 1000, offset: $offset) { repository state } } }",
                    Map.of("id", planId, "offset", offset)).get("campaignPlan");
            List<Map<String, Object>> jobs = (List<Map<String, Object>>) plan.get("jobs");
            jobs.stream().filter(j -> "COMPLETED".equals(j.get("state")))
                    .forEach(j -> applied.add((String) j.get("repository")));
            if (jobs.size() < 1000) {
                return applied;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
