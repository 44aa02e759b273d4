package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.PlanUploader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code campaigns plan (--repo R... | --repos-file F | --org O [--topic T] | --search Q) -- COMMAND [ARGS...]}:
 * runs COMMAND in a shallow clone of every selected repository ({@link RepositorySelector}, {@link RepositoryRun}),
 * in parallel, and uploads every change as a campaign plan ({@link PlanUploader}, within the API's limits). Prints
 * each repository's outcome and ends with {@code plan PLAN_ID: N repositories, C with changes, U unchanged, E
 * errors}; exit 1 when any repository failed (the others are planned), 0 otherwise.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Run a command in every selected repository and upload the changes it makes as a campaign plan.",
        footer = {"", "Example:", "  campaigns plan --org acme -- sh -c 'sed -i s/checkout@v2/checkout@v4/ "
                + ".github/workflows/*.yml'"})
final class PlanCommand extends ApiCommand {
    /** The API's limits for a plan (docs/limits.md). */
    static final long MAX_PATCH_BYTES = 10L * 1024 * 1024;
    static final long MAX_PLAN_BYTES = 200L * 1024 * 1024;
    static final int MAX_PATCHES = 10_000;

    static final class Selection {
        @Option(names = "--repo", paramLabel = "OWNER/NAME", description = "A repository (repeatable).")
        List<String> repos;

        @Option(names = "--repos-file", paramLabel = "FILE", description = "A file of OWNER/NAME, one a line (# comments).")
        Path reposFile;

        @Option(names = "--org", paramLabel = "ORG", description = "Every repository of the organisation.")
        String org;

        @Option(names = "--search", paramLabel = "QUERY", description = "The code host's repository search "
                + "(GitHub syntax, e.g. 'org:acme topic:java').")
        String search;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    @Option(names = "--topic", description = "With --org: only repositories with this topic.")
    String topic;

    @Option(names = "--base-ref", paramLabel = "REF", description = "The branch to start from (default: each "
            + "repository's default branch).")
    String baseRef;

    @Option(names = "--parallel", defaultValue = "4", description = "Repositories at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "How long the command may run in one repository (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--dry-run", description = "Print the diffs; upload nothing.")
    boolean dryRun;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the plan's patches to FILE (JSON).")
    Path outFile;

    @Option(names = "--code-host", paramLabel = "API_URL", description = "The code host's REST API (default: "
            + "CAMPAIGNS_CODE_HOST_API, the config file, the local serve's when the endpoint is local, else "
            + "https://api.github.com).")
    String codeHost;

    @Option(names = "--code-host-token", paramLabel = "TOKEN", description = "Token to read repositories with "
            + "(default: GITHUB_TOKEN, CAMPAIGNS_CODE_HOST_TOKEN, the config file; the local serve's 'local-token').")
    String codeHostToken;

    @Option(names = "--plan-timeout", defaultValue = "PT30M", hidden = true,
            description = "How long to wait for the uploaded plan's execution (default: ${DEFAULT-VALUE}).")
    Duration planTimeout;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command (after --) and its arguments; "
            + "it runs in the repository's root with REPOSITORY=OWNER/NAME.")
    List<String> command;

    PlanCommand(CliEnvironment env) {
        super(env);
    }

    /** serve's code host REST API (its default port). */
    static final String LOCAL_CODE_HOST_API = "http://127.0.0.1:4001/api/v3";

    @Override
    int run(CampaignsApi api) throws Exception {
        if (parallel < 1 || parallel > 64) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--parallel must be 1 to 64");
        }
        if (timeoutSeconds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--timeout must be at least 1");
        }
        if (topic != null && selection.org == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--topic goes with --org (or use "
                    + "--search 'topic:T')");
        }
        boolean local = apiOptions.isLocal(env);
        String hostApi = env.setting(codeHost, "CAMPAIGNS_CODE_HOST_API", "codeHostApi",
                local ? LOCAL_CODE_HOST_API : "https://api.github.com");
        String token = codeHostToken(local);
        RepositorySelector selector = new RepositorySelector(hostApi, token);
        List<RepositorySelector.Selected> repos = select(selector);
        if (repos.isEmpty()) {
            throw new IllegalArgumentException("no repository matches the selection on " + hostApi);
        }
        if (!json) {
            out().println("running " + String.join(" ", command) + " in " + repos.size() + " repositories ("
                    + parallel + " at once)...");
            out().flush();
        }
        List<RepositoryRun.Outcome> outcomes = runAll(repos, token);
        List<Patch> patches = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            RepositoryRun.Outcome o = outcomes.get(i);
            if (o.kind() != RepositoryRun.Outcome.Kind.CHANGED) {
                continue;
            }
            long bytes = o.diff().patch().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_PATCH_BYTES) {
                outcomes.set(i, RepositoryRun.Outcome.error(o.repository(), String.format("the diff is %.1f MiB, over "
                        + "the API's limit of 10 MiB for one repository", bytes / 1048576.0)));
                continue;
            }
            total += bytes;
            patches.add(new Patch(o.repository(), o.baseRevision(), o.baseRef(), o.diff().patch()));
        }
        if (total > MAX_PLAN_BYTES || patches.size() > MAX_PATCHES) {
            throw new IllegalArgumentException(String.format("the plan has %d patches and %.1f MiB, over the API's "
                    + "limits of %d patches and 200 MiB: select fewer repositories", patches.size(),
                    total / 1048576.0, MAX_PATCHES));
        }
        if (outFile != null) {
            Files.writeString(outFile, JSON.writeValueAsString(patches), StandardCharsets.UTF_8);
        }
        int changed = patches.size();
        int errors = (int) outcomes.stream().filter(o -> o.kind() == RepositoryRun.Outcome.Kind.ERROR).count();
        int unchanged = outcomes.size() - changed - errors;
        String planId = null;
        List<Object> planErrors = List.of();
        if (!dryRun && changed > 0) {
            PlanUploader.Upload upload = api.uploadPlan(patches);
            planId = upload.planId();
            if (!json) {
                out().println("uploaded plan " + planId + " (" + changed + " patches, " + upload.calls()
                        + " calls); checking that every patch applies...");
                out().flush();
            }
            Map<String, Object> status = awaitPlan(api, planId);
            planErrors = new ArrayList<>(errors(status));
            if ("PROCESSING".equals(status.get("state"))) {
                planErrors.add("the plan is still being checked after " + planTimeout + "; see it with the web "
                        + "page or campaignPlan(id)");
            }
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("plan", planId);
            doc.put("dryRun", dryRun);
            List<Map<String, Object>> list = new ArrayList<>();
            for (RepositoryRun.Outcome o : outcomes) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("repository", o.repository());
                r.put("outcome", o.kind().name().toLowerCase(java.util.Locale.ROOT));
                if (o.diff() != null) {
                    r.put("baseRevision", o.baseRevision());
                    r.put("files", o.diff().files());
                    r.put("added", o.diff().added());
                    r.put("deleted", o.diff().deleted());
                    if (dryRun && o.kind() == RepositoryRun.Outcome.Kind.CHANGED) {
                        r.put("patch", o.diff().patch());
                    }
                }
                if (o.error() != null) {
                    r.put("error", o.error());
                }
                list.add(r);
            }
            doc.put("repositories", list);
            doc.put("planErrors", planErrors);
            doc.put("counts", Map.of("repositories", outcomes.size(), "changed", changed, "unchanged", unchanged,
                    "errors", errors));
            printJson(doc);
        } else {
            if (dryRun) {
                for (RepositoryRun.Outcome o : outcomes) {
                    if (o.kind() == RepositoryRun.Outcome.Kind.CHANGED) {
                        out().println("# " + o.repository() + " at " + o.baseRevision() + " (" + o.baseRef() + ")");
                        out().print(o.diff().patch());
                    }
                }
            }
            for (Object e : planErrors) {
                out().println("plan error: " + e);
            }
            out().println("plan " + (dryRun ? "(dry run)" : planId == null ? "none (nothing changed)" : planId) + ": "
                    + outcomes.size() + " repositories, " + changed + " with changes, " + unchanged + " unchanged, "
                    + errors + " errors");
            out().flush();
        }
        return errors > 0 || !planErrors.isEmpty() ? 1 : 0;
    }

    private List<RepositorySelector.Selected> select(RepositorySelector selector) throws Exception {
        if (selection.repos != null) {
            return selector.named(selection.repos);
        }
        if (selection.reposFile != null) {
            if (!Files.isRegularFile(selection.reposFile)) {
                throw new IllegalArgumentException("--repos-file " + selection.reposFile + " is not a file");
            }
            return selector.named(Files.readAllLines(selection.reposFile, StandardCharsets.UTF_8));
        }
        if (selection.org != null) {
            return selector.organisation(selection.org, topic);
        }
        return selector.search(selection.search);
    }

    /** The code host token: the flag, GITHUB_TOKEN, CAMPAIGNS_CODE_HOST_TOKEN, the config file, serve's. */
    private String codeHostToken(boolean local) {
        return env.setting(codeHostToken, "GITHUB_TOKEN", "codeHostToken",
                env.setting(null, "CAMPAIGNS_CODE_HOST_TOKEN", "codeHostToken", local ? "local-token" : null));
    }

    private List<RepositoryRun.Outcome> runAll(List<RepositorySelector.Selected> repos, String token)
            throws Exception {
        Path scratch = Files.createTempDirectory("campaigns-plan-");
        RepositoryRun runner = new RepositoryRun(command, Duration.ofSeconds(timeoutSeconds), baseRef, token,
                scratch);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, repos.size()));
        ProgressBar bar = System.console() != null && !json ? new ProgressBarBuilder().setTaskName("repositories")
                .setInitialMax(repos.size()).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true))).build() : null;
        try {
            List<Future<RepositoryRun.Outcome>> futures = new ArrayList<>();
            for (RepositorySelector.Selected repo : repos) {
                futures.add(pool.submit(() -> {
                    RepositoryRun.Outcome o = runner.run(repo);
                    if (!json) {
                        synchronized (this) {
                            out().println(o.describe());
                            out().flush();
                        }
                    }
                    if (bar != null) {
                        bar.step();
                    }
                    return o;
                }));
            }
            List<RepositoryRun.Outcome> outcomes = new ArrayList<>();
            for (Future<RepositoryRun.Outcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a repository run failed unexpectedly: " + e.getCause(), e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
            if (bar != null) {
                bar.close();
            }
            RepositoryRun.delete(scratch);
        }
    }

    private Map<String, Object> awaitPlan(CampaignsApi api, String planId) throws InterruptedException {
        long deadline = System.nanoTime() + planTimeout.toNanos();
        while (true) {
            Map<String, Object> status = CampaignsApi.status(api.planStatus(planId), "status");
            if (!"PROCESSING".equals(status.get("state")) || System.nanoTime() > deadline) {
                return status;
            }
            Thread.sleep(250);
        }
    }
}
