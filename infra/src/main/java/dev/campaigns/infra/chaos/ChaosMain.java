package dev.campaigns.infra.chaos;

import java.time.Duration;

/**
 * {@code bench/chaos.sh [--jobs N] [--fault-rate P] [--seed S] [--retries R] [--code-host K] [--update]}: runs
 * {@link ChaosRun} (with {@code --update}: then updates the campaign under the same faults, on GitHub) and prints its
 * table; the last line is {@code chaos: N jobs, F faults, lost L, duplicates D, miscounted M}. Exits 1 if anything
 * was lost, duplicated or miscounted.
 */
public final class ChaosMain {
    private ChaosMain() {
    }

    public static void main(String[] args) {
        int jobs = 200;
        dev.campaigns.codehost.CodeHostKind kind = dev.campaigns.codehost.CodeHostKind.GITHUB;
        double rate = 0.05;
        long seed = 42;
        int retries = 5;
        boolean update = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--update")) {
                update = true;
                continue;
            }
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--jobs" -> jobs = Integer.parseInt(require(args[i], value));
                case "--fault-rate" -> rate = Double.parseDouble(require(args[i], value));
                case "--seed" -> seed = Long.parseLong(require(args[i], value));
                case "--retries" -> retries = Integer.parseInt(require(args[i], value));
                case "--code-host" -> kind = dev.campaigns.codehost.CodeHostKind.parse(require(args[i], value));
                default -> {
                    System.err.println("usage: chaos [--jobs N] [--fault-rate P] [--seed S] [--retries R] [--code-host github|gitlab|bitbucket-server] [--update]");
                    System.exit(2);
                }
            }
            i++;
        }
        ChaosRun.Result result = update ? ChaosRun.runWithUpdate(jobs, rate, seed, retries, Duration.ofMinutes(30))
                : ChaosRun.run(jobs, rate, seed, retries, Duration.ofMinutes(30), kind);
        System.out.println(result.report());
        CampaignAudit audit = result.audit();
        System.exit(audit.lost() + audit.duplicates() + audit.miscounted() == 0 ? 0 : 1);
    }

    private static String require(String flag, String value) {
        if (value == null) {
            System.err.println(flag + " needs a value");
            System.exit(2);
        }
        return value;
    }
}
