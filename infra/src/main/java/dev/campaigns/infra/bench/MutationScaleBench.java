package dev.campaigns.infra.bench;

import dev.campaigns.codehost.PullRequest;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.Campaign;
import dev.campaigns.domain.CampaignJob;
import dev.campaigns.domain.CampaignPlan;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetJob;
import dev.campaigns.domain.ChangesetOperation;
import dev.campaigns.domain.ChangesetReviewState;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.domain.JobCounters;
import dev.campaigns.domain.JobState;
import dev.campaigns.git.DiffStat;
import dev.campaigns.infra.local.LocalDynamoDb;
import dev.campaigns.infra.local.SamTemplate;
import dev.campaigns.service.CampaignCancellation;
import dev.campaigns.service.ChangesetOperations;
import dev.campaigns.service.Limits;
import dev.campaigns.store.CampaignStore;
import dev.campaigns.store.ChangesetStore;
import dev.campaigns.store.DynamoChangesetOperationStore;
import dev.campaigns.store.DynamoTable;
import dev.campaigns.store.JobIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Issue 16's two size-proportional mutations at the largest plan the service accepts ({@code --changesets}, default
 * 10,000), on DynamoDB Local in this JVM with the template's tables, through the real store and service classes as
 * the resolver builds them (Services), with a process stopper and an operation queue that only record their calls:
 *
 * <ul>
 *   <li>{@code cancelCampaign} ({@link CampaignCancellation#cancel}) of a campaign whose execution reached 70% of its
 *       jobs: 10% of all jobs COMPLETED (with their changesets), the rest of those reached PENDING, five of them with
 *       a pull-request claim in flight that records its pull request 2 s later (the cancel waits for them), 30% never
 *       reached (the cancel records them CANCELLED);</li>
 *   <li>{@code runChangesetOperation} ({@link ChangesetOperations#start}): a COMMENT on the OPEN changesets of a
 *       campaign of N open changesets (30% approved, 20% with failing checks): all N selected, one PENDING result
 *       each, queued in messages of {@code ChangesetOperationRequest.MAX_CHANGESETS}.</li>
 * </ul>
 *
 * Prints each one's wall time, DynamoDB requests by operation ({@link DynamoDbCounter}) and capacity units, queue
 * messages, and an estimate for AWS: the requests run one after the other, so the sum of requests × a per-request
 * latency ({@link #LATENCY_MS}), plus the cancel's wait for in-flight claims, against AppSync's 30 s resolver limit.
 * Last line: {@code mutation-scale: N changesets, cancel S s (R requests, AWS est. E s), bulk start S s (R requests,
 * AWS est. E s), AppSync limit 30 s}.
 */
public final class MutationScaleBench {
    /**
     * Assumed latency per request on AWS, in the same region (ms). DynamoDB documents single-digit milliseconds for
     * single-item operations; a Query page of up to 1,000 items and the 25- or 100-item batch and transaction calls
     * are taken at 25 ms; SQS SendMessage at 10 ms. Stated assumptions, not measurements.
     */
    static final Map<String, Integer> LATENCY_MS = Map.of("GetItem", 10, "PutItem", 10, "UpdateItem", 10,
            "DeleteItem", 10, "Query", 25, "BatchGetItem", 25, "BatchWriteItem", 25, "TransactWriteItems", 25,
            "SendMessage", 10);
    static final double APPSYNC_LIMIT_SECONDS = 30;
    private static final int CLAIMS_IN_FLIGHT = 5;
    /** Threads that seed the table (setup only; the timed mutations run on the caller's thread as in Lambda). */
    private static final int SEEDERS = 4;
    private static final Duration CLAIM_ENDS_AFTER = Duration.ofSeconds(2);

    private MutationScaleBench() {
    }

    /** One mutation's figures. */
    record Figures(String name, double seconds, double waitSeconds, DynamoDbCounter.Snapshot dynamo, long messages) {
        double awsEstimateSeconds() {
            double ms = 0;
            for (Map.Entry<String, Long> e : dynamo.requests().entrySet()) {
                ms += e.getValue() * LATENCY_MS.getOrDefault(e.getKey(), 25);
            }
            return ms / 1000 + messages * LATENCY_MS.get("SendMessage") / 1000.0 + waitSeconds;
        }

        long requests() {
            return dynamo.totalRequests() + messages;
        }
    }

    public static void main(String[] args) throws Exception {
        int n = 10_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--changesets" -> n = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --changesets N)");
            }
        }
        if (n < 10 || n > Limits.DEFAULT.maxJobs()) {
            throw new IllegalArgumentException("--changesets must be 10.." + Limits.DEFAULT.maxJobs() + ": " + n);
        }
        try (LocalDynamoDb dynamo = LocalDynamoDb.start(SamTemplate.fromClasspath().tables())) {
            DynamoTable table = new DynamoTable(dynamo.client(), "CampaignsTable");
            CampaignStore store = new CampaignStore(table);
            ChangesetStore changesets = new ChangesetStore(table);
            ExecutorService pool = Executors.newFixedThreadPool(SEEDERS);
            try {
                Figures cancel = cancel(store, changesets, pool, n);
                Figures bulk = bulkStart(store, changesets, table, pool, n);
                print(cancel);
                print(bulk);
                System.out.printf("mutation-scale: %d changesets, cancel %.1f s (%d requests, AWS est. %.1f s), bulk"
                                + " start %.1f s (%d requests, AWS est. %.1f s), AppSync limit %.0f s%n", n,
                        cancel.seconds(), cancel.requests(), cancel.awsEstimateSeconds(), bulk.seconds(),
                        bulk.requests(), bulk.awsEstimateSeconds(), APPSYNC_LIMIT_SECONDS);
            } finally {
                pool.shutdownNow();
            }
        }
        System.exit(0); // DynamoDB Local leaves a non-daemon thread that keeps the JVM up for minutes
    }

    private static Figures cancel(CampaignStore store, ChangesetStore changesets, ExecutorService pool, int n)
            throws Exception {
        Instant t0 = Instant.now();
        long seedStart = System.nanoTime();
        store.createPlan(new CampaignPlan("plan-cancel", "bench", t0, new JobCounters(0, 0, 0), null));
        List<CampaignStore.NewCampaignJob> planJobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            planJobs.add(new CampaignStore.NewCampaignJob(new CampaignJob("plan-cancel", JobIds.of(i), repo("c", i),
                    "b".repeat(40), "main", "patch-" + i, JobState.PENDING, null, null), 10));
        }
        store.addCampaignJobs("plan-cancel", planJobs, Limits.DEFAULT.maxJobs(), Limits.DEFAULT.maxPlanBytes());
        parallel(pool, n, i -> store.completeCampaignJob("plan-cancel", JobIds.of(i), new DiffStat(1, 0, 0)));
        String id = "cancel";
        store.createCampaign(new Campaign(id, "bench", "cancel at scale", "", "campaigns/cancel", "plan-cancel", false,
                t0, new JobCounters(n, 0, 0), 1), "digest-cancel");
        int reached = n * 7 / 10;
        int completed = n / 10;
        parallel(pool, reached, i -> {
            String jobId = JobIds.of(i);
            store.createChangesetJob(new ChangesetJob(id, jobId, repo("c", i), "main", JobState.PENDING, null, false,
                    0, null, null, null, 0));
            if (i < completed) {
                store.recordCommit(id, jobId, "e".repeat(40));
                store.recordPush(id, jobId);
                store.recordPullRequest(id, jobId, i + 1, url(repo("c", i), i + 1));
                Changeset c = changesets.observe(status(repo("c", i), i + 1, ChangesetReviewState.PENDING,
                        ChangesetCheckState.PENDING, t0), t0, id);
                store.completeChangesetJob(id, jobId, c);
            }
        });
        // Pull-request steps at the code host when the cancel comes: claimed just now, recorded 2 s later.
        List<String> claimed = new ArrayList<>();
        for (int k = 0; k < CLAIMS_IN_FLIGHT; k++) {
            String jobId = JobIds.of(completed + k);
            store.recordCommit(id, jobId, "f".repeat(40));
            store.recordPush(id, jobId);
            if (!store.claimPullRequest(id, jobId, Instant.now())) {
                throw new IllegalStateException("claim of " + jobId + " refused before the cancel");
            }
            claimed.add(jobId);
        }
        System.out.printf("cancel: seeded %d plan jobs, %d changeset jobs (%d COMPLETED, %d claims in flight) in "
                + "%.1f s%n", n, reached, completed, claimed.size(), (System.nanoTime() - seedStart) / 1e9);
        Future<?> opener = pool.submit(() -> {
            Thread.sleep(CLAIM_ENDS_AFTER.toMillis());
            for (int k = 0; k < claimed.size(); k++) {
                store.recordPullRequest(id, claimed.get(k), 900_000 + k, url(repo("c", completed + k), 900_000 + k));
            }
            return null;
        });

        AtomicLong stopped = new AtomicLong();
        AtomicLong slept = new AtomicLong();
        AtomicLong handedOver = new AtomicLong(); // messages to the close queue: the jobs caught mid pull request
        CampaignCancellation cancellation = new CampaignCancellation(store, store,
                (name, cause) -> stopped.incrementAndGet(), () -> (request, delay) -> handedOver.incrementAndGet(),
                Clock.systemUTC(), d -> {
                    long s = System.nanoTime();
                    Thread.sleep(d.toMillis());
                    slept.addAndGet(System.nanoTime() - s);
                });
        Campaign before = store.campaign(id).orElseThrow();
        DynamoDbCounter.enable();
        DynamoDbCounter.Snapshot start = DynamoDbCounter.snapshot();
        long c0 = System.nanoTime();
        Campaign after = cancellation.cancel(before);
        double seconds = (System.nanoTime() - c0) / 1e9;
        DynamoDbCounter.Snapshot used = DynamoDbCounter.snapshot().minus(start);
        opener.get(1, TimeUnit.MINUTES);
        JobCounters expected = new JobCounters(n, completed, 0, n - completed);
        if (!after.counters().equals(expected) || stopped.get() != 1) {
            throw new IllegalStateException("cancel ended with " + after.counters() + " (expected " + expected
                    + "), " + stopped.get() + " stop calls");
        }
        System.out.printf("cancel: %s; execution stopped once; %d message(s) handing over the jobs caught mid pull"
                + " request%n", after.counters(), handedOver.get());
        return new Figures("cancelCampaign", seconds, slept.get() / 1e9, used, 0);
    }

    private static Figures bulkStart(CampaignStore store, ChangesetStore changesets, DynamoTable table,
                                     ExecutorService pool, int n)
            throws Exception {
        Instant t0 = Instant.now();
        long seedStart = System.nanoTime();
        String id = "bulk";
        store.createCampaign(new Campaign(id, "bench", "bulk at scale", "", "campaigns/bulk", null, false, t0,
                new JobCounters(0, 0, 0), 0), "digest-bulk");
        parallel(pool, n, i -> {
            ChangesetReviewState review = i % 10 < 3 ? ChangesetReviewState.APPROVED : ChangesetReviewState.PENDING;
            ChangesetCheckState checks = i % 5 == 0 ? ChangesetCheckState.FAILED : ChangesetCheckState.PASSED;
            Changeset c = changesets.observe(status(repo("b", i), i + 1, review, checks, t0), t0, null);
            if (!store.addToCampaign(id, c)) {
                throw new IllegalStateException(c.id() + " already in the campaign");
            }
        });
        System.out.printf("bulk: seeded %d open changesets in %.1f s%n", n, (System.nanoTime() - seedStart) / 1e9);

        AtomicLong messages = new AtomicLong();
        AtomicInteger queued = new AtomicInteger();
        ChangesetOperations.Changesets reads = new ChangesetOperations.Changesets() {
            @Override
            public List<String> campaignChangesetIds(String campaignId) {
                return store.allCampaignChangesetIds(campaignId);
            }

            @Override
            public List<Changeset> changesets(List<String> ids) {
                return changesets.changesets(ids);
            }

            @Override
            public void refresh(String owner, Changeset changeset) {
                throw new UnsupportedOperationException("start does not refresh");
            }
        };
        ChangesetOperations operations = new ChangesetOperations(new DynamoChangesetOperationStore(table), reads,
                (owner, campaignId) -> store.campaign(campaignId).filter(c -> c.owner().equals(owner)).orElseThrow(),
                () -> {
                    throw new UnsupportedOperationException("start does not talk to the code host");
                },
                () -> (request, delay) -> {
                    messages.incrementAndGet();
                    queued.addAndGet(request.changesetIds().size());
                },
                (repository, key) -> {
                    throw new UnsupportedOperationException("start does not pace");
                }, Clock.systemUTC(), d -> {
                    throw new UnsupportedOperationException("start does not sleep");
                });
        DynamoDbCounter.Snapshot start = DynamoDbCounter.snapshot();
        long s0 = System.nanoTime();
        ChangesetOperation op = operations.start("bench", new ChangesetOperations.Input(id,
                ChangesetOperation.Kind.COMMENT, new ChangesetOperation.Filter(Set.of(ChangesetState.OPEN), Set.of(),
                Set.of()), "Please review: this campaign's change is ready.", null, false, List.of(), List.of()));
        double seconds = (System.nanoTime() - s0) / 1e9;
        DynamoDbCounter.Snapshot used = DynamoDbCounter.snapshot().minus(start);
        if (op.total() != n || queued.get() != n) {
            throw new IllegalStateException("operation selected " + op.total() + " and queued " + queued.get()
                    + " of " + n + " open changesets");
        }
        System.out.printf("bulk: operation %s selected %d changesets, queued in %d messages%n", op.id(), op.total(),
                messages.get());
        return new Figures("runChangesetOperation (start)", seconds, 0, used, messages.get());
    }

    private static void print(Figures f) {
        System.out.printf("%s: local %.1f s (of which waiting for in-flight claims %.1f s)%n", f.name(), f.seconds(),
                f.waitSeconds());
        System.out.printf("  DynamoDB: %d requests %s, %.0f RCU, %.0f WCU; queue messages: %d%n",
                f.dynamo().totalRequests(), f.dynamo().requests(), f.dynamo().readUnits(), f.dynamo().writeUnits(),
                f.messages());
        System.out.printf("  AWS estimate: %.1f s (requests one after the other x %s ms%s) of AppSync's %.0f s%n",
                f.awsEstimateSeconds(), LATENCY_MS, f.waitSeconds() > 0 ? " + the claim wait" : "",
                APPSYNC_LIMIT_SECONDS);
    }

    private static String repo(String prefix, int i) {
        return "scale-" + prefix + "/service-" + String.format("%05d", i);
    }

    private static String url(String repository, long number) {
        return "https://code.example/" + repository + "/pull/" + number;
    }

    private static PullRequestStatus status(String repository, long number, ChangesetReviewState review,
                                            ChangesetCheckState checks, Instant at) {
        PullRequest pr = new PullRequest(repository, number, url(repository, number), PullRequestState.OPEN,
                "Campaign change", "body", "campaigns/x", "main", "e".repeat(40), false, List.of(), List.of());
        return new PullRequestStatus(pr, review, checks, at, at, null, null, at, at);
    }

    /** Runs {@code task} for 0..n-1 on the pool (seeding only), failing on the first error. */
    private static void parallel(ExecutorService pool, int n, IntConsumer task) throws Exception {
        int threads = SEEDERS;
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            parts.add(pool.submit(() -> {
                for (int i = first; i < n; i += threads) {
                    task.accept(i);
                }
                return null;
            }));
        }
        for (Future<?> p : parts) {
            p.get(30, TimeUnit.MINUTES);
        }
    }
}
