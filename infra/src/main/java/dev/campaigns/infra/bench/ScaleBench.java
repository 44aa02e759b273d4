package dev.campaigns.infra.bench;

import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.local.LocalCampaigns;
import java.time.Duration;

/**
 * Benchmarks 3 and 6, scale and cost: a campaign of {@code --jobs} jobs (default 10,000) through the local stack
 * (DynamoDB Local, the local Step Functions engine running statemachine.asl.json, the template's functions, the
 * local code host with one repository per job), after a 10-job campaign on the same stack. Prints wall time, jobs
 * per second, the largest history-event count and payload of any execution, state transitions, Lambda invocations
 * and GB-seconds, DynamoDB requests and capacity units per job, the status query's DynamoDB reads for 10 jobs and
 * for N, and the cost per 1,000 changesets at AWS list prices (us-east-1; see docs/performance.md).
 *
 * <p>Pacing stays on but is configured high ({@code CodeHostContentLimits=6000/min}, the local code host's limits
 * off), on one real-time clock: a 10,000-job campaign at GitHub's 500/h would take 20 hours by design.
 * Last line: {@code scale: N jobs in S s, max events E, max payload P bytes, status reads A vs B, cost $C per 1000
 * changesets}.
 */
public final class ScaleBench {
    // AWS list prices, us-east-1 (docs/performance.md).
    static final double SFN_PER_TRANSITION = 0.025 / 1000;
    static final double LAMBDA_ARM_PER_GB_SECOND = 0.0000133334;
    static final double LAMBDA_PER_REQUEST = 0.20 / 1_000_000;
    static final double DYNAMO_PER_WRU = 0.625 / 1_000_000;
    static final double DYNAMO_PER_RRU = 0.125 / 1_000_000;

    private ScaleBench() {
    }

    public static void main(String[] args) {
        int jobs = 10_000;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--jobs")) {
                jobs = Integer.parseInt(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i] + " (use --jobs N)");
            }
        }
        try (LocalCampaigns stack = LocalCampaigns.start(options("ghp_scaleBench0123456789"))) {
            ScaleRun.Figures small = ScaleRun.run(stack, "small", 10, Duration.ofMinutes(10));
            System.out.println("10 jobs: " + small.status() + String.format(" in %.1f s", small.totalSeconds()));
            System.out.println("  status query (10 jobs): " + ScaleRun.describe(small.statusQuery()));
            long repoStart = System.nanoTime();
            ScaleRun.Figures big = ScaleRun.run(stack, "scale", jobs, Duration.ofHours(2));
            print(small, big, (System.nanoTime() - repoStart) / 1e9);
        }
    }

    /** The stack of the scale runs: pacing high, code-host limits off, one real-time clock. */
    public static LocalCampaigns.Options options(String token) {
        return LocalCampaigns.Options.defaults(token).withSharedClock(1)
                .withParameter("CodeHostContentLimits", "6000/min")
                .withCodeHost(new LocalCodeHost.Options().contentLimits(0, 0).primaryLimitPerHour(0));
    }

    static void print(ScaleRun.Figures small, ScaleRun.Figures big, double withRepositories) {
        int n = big.jobs();
        System.out.println(n + " jobs: " + big.status());
        System.out.printf("  wall time: plan %.1f s + campaign %.1f s = %.1f s (%.1f jobs/s); with creating the "
                        + "repositories %.1f s%n", big.planSeconds(), big.campaignSeconds(), big.totalSeconds(),
                n / big.totalSeconds(), withRepositories);
        System.out.printf("  executions: %d; largest history %d events (quota 25,000); largest payload %d bytes "
                + "(quota 262,144)%n", big.executions(), big.maxHistoryEvents(), big.maxPayloadBytes());
        System.out.printf("  state transitions: %d (%.1f per job)%n", big.stateTransitions(),
                big.stateTransitions() / (double) n);
        System.out.printf("  Lambda: %d invocations (%.1f per job), %.1f GB-s (%.3f per job, busy time x MemorySize)%n",
                big.lambdaInvocations(), big.lambdaInvocations() / (double) n, big.lambdaGbSeconds(),
                big.lambdaGbSeconds() / n);
        big.perFunction().forEach((f, r) -> System.out.printf("    %-34s %7d calls, %8.1f s busy, %6.0f ms each%n",
                f, r[0], r[1] / 1000.0, r[1] / (double) r[0]));
        System.out.println("  DynamoDB: " + ScaleRun.describe(big.dynamo()));
        System.out.printf("  DynamoDB per job: %.1f requests, %.2f RCU, %.2f WCU%n",
                big.dynamo().totalRequests() / (double) n, big.dynamo().readUnits() / n,
                big.dynamo().writeUnits() / n);
        System.out.println("  status query (" + n + " jobs): " + ScaleRun.describe(big.statusQuery()));
        Object completed = big.status().get("completedCount");
        double changesets = completed instanceof Number c ? c.doubleValue() : n;
        double sfn = big.stateTransitions() * SFN_PER_TRANSITION;
        double lambda = big.lambdaGbSeconds() * LAMBDA_ARM_PER_GB_SECOND + big.lambdaInvocations() * LAMBDA_PER_REQUEST;
        double dynamo = big.dynamo().writeUnits() * DYNAMO_PER_WRU + big.dynamo().readUnits() * DYNAMO_PER_RRU;
        double per1000 = (sfn + lambda + dynamo) / changesets * 1000;
        System.out.printf("  cost per 1,000 changesets: Step Functions $%.4f + Lambda $%.4f + DynamoDB $%.4f = $%.4f%n",
                sfn / changesets * 1000, lambda / changesets * 1000, dynamo / changesets * 1000, per1000);
        System.out.printf("scale: %d jobs in %.0f s, max events %d, max payload %d bytes, status reads %d vs %d, "
                        + "cost $%.2f per 1000 changesets%n", n, big.totalSeconds(), big.maxHistoryEvents(),
                big.maxPayloadBytes(), small.statusQuery().totalRequests(), big.statusQuery().totalRequests(),
                per1000);
    }
}
