package dev.campaigns.infra.cli;

import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.PlanUploader;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.local.LocalAppSync;
import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.infra.local.LocalWebSite;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code campaigns demo}: a whole campaign on the embedded default. Starts the local stack (DynamoDB Local, the
 * local Step Functions engine running statemachine.asl.json, the Lambda handlers, the local AppSync and the local
 * code host), creates sample repositories, builds a campaign plan of real diffs, calls createCampaign through the
 * GraphQL endpoint, shows the changeset-creation status live, and prints the pull requests and the final status.
 * It runs as the web page's user and prints the campaign page's address ({@code --stay} keeps it served).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a whole campaign end to end on the embedded local AWS and code host.")
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--repos", defaultValue = "10", description = "How many sample repositories (default: ${DEFAULT-VALUE}).")
    int repos;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "How long to wait for the campaign (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--port", defaultValue = "0", description = "GraphQL and web page port on 127.0.0.1 (default: any free port).")
    int port;

    @Option(names = "--code-host", defaultValue = "github", description = "The local code host's kind: github, "
            + "gitlab or bitbucket-server; or mixed: the three at once, repositories spread over them, one campaign"
            + " across all (default: ${DEFAULT-VALUE}).")
    String codeHost;

    @Option(names = "--stay", description = "After the campaign, keep serving the web page and the API until Ctrl-C.")
    boolean stay;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (repos < 1 || repos > 10_000) {
            spec.commandLine().getErr().println("--repos must be between 1 and 10000");
            return 2;
        }
        dev.campaigns.codehost.CodeHostKind kind;
        boolean mixed = "mixed".equalsIgnoreCase(codeHost.strip());
        try {
            kind = mixed ? dev.campaigns.codehost.CodeHostKind.GITHUB : dev.campaigns.codehost.CodeHostKind.parse(codeHost);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("--code-host: " + e.getMessage());
            return 2;
        }
        out.println("Starting the embedded local AWS (DynamoDB Local, Step Functions, Lambdas, AppSync) and code host...");
        out.flush();
        List<LocalCampaigns.NamedCodeHost> others = mixed ? List.of(
                new LocalCampaigns.NamedCodeHost("gitlab.local", new dev.campaigns.infra.codehost.LocalCodeHost.Options()
                        .kind(dev.campaigns.codehost.CodeHostKind.GITLAB)),
                new LocalCampaigns.NamedCodeHost("bitbucket.local", new dev.campaigns.infra.codehost.LocalCodeHost.Options()
                        .kind(dev.campaigns.codehost.CodeHostKind.BITBUCKET_SERVER))) : List.of();
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("demo-token")
                .withDefaultUser(LocalAppSync.DEFAULT_USER)
                .withGraphqlPort(port)
                .withCodeHost(new dev.campaigns.infra.codehost.LocalCodeHost.Options().kind(kind)
                        .contentLimits(100_000, 1_000_000))
                .withOtherCodeHosts(others))) {
            // Where repository i lives: the default host (named OWNER/NAME), or with --code-host mixed one of the
            // three in turn (HOST/OWNER/NAME on the others).
            List<String> prefixes = new ArrayList<>(List.of(""));
            List<dev.campaigns.infra.codehost.LocalCodeHost> hosts = new ArrayList<>(List.of(stack.codeHost()));
            for (LocalCampaigns.NamedCodeHost other : others) {
                prefixes.add(other.name() + "/");
                hosts.add(stack.codeHost(other.name()));
            }
            // As the web page's user, so that the printed page shows the campaign.
            CampaignsApi api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), LocalAppSync.DEFAULT_USER));
            out.println("GraphQL endpoint: " + stack.graphqlUrl());
            for (int h = 0; h < hosts.size(); h++) {
                out.println((h == 0 ? "Code host:        " : "                  ") + hosts.get(h).baseUrl() + " ("
                        + hosts.get(h).kind().id() + ", API " + hosts.get(h).apiUrl() + ")"
                        + (h == 0 ? (mixed ? ": repositories OWNER/NAME" : "") : ": repositories " + prefixes.get(h)
                        + "OWNER/NAME"));
            }
            List<Patch> patches = new ArrayList<>();
            for (int i = 1; i <= repos; i++) {
                int h = (i - 1) % hosts.size();
                String base = hosts.get(h).createRepository(SampleCampaign.repository(i), SampleCampaign.files(i));
                patches.add(new Patch(prefixes.get(h) + SampleCampaign.repository(i), base, "main",
                        SampleCampaign.patch()));
            }
            out.println("Created " + repos + " repositories; the plan upgrades their CI workflow's GitHub Actions.");
            PlanUploader.Upload upload = api.uploadPlan(patches);
            String planId = upload.planId();
            out.println("Campaign plan " + planId + " uploaded in " + upload.calls() + " calls: executing its jobs...");
            out.flush();
            Map<String, Object> plan = api.awaitPlan(planId, timeout);
            Map<String, Object> planStatus = CampaignsApi.status(plan, "status");
            out.println("Plan " + planStatus.get("state") + ": " + planStatus.get("completedCount") + " jobs apply"
                    + errors(planStatus));
            Map<String, Object> campaign = api.createCampaign(Map.of("name", "Upgrade GitHub Actions",
                    "description", "Use actions/checkout@v4 and actions/setup-java@v4 with Java 17.",
                    "branch", "campaigns/upgrade-actions", "plan", planId, "idempotencyKey", "demo-" + planId));
            String id = (String) campaign.get("id");
            String page = stack.webUrl() + "campaigns/" + id;
            out.println("Campaign " + id + ": creating changesets...");
            if (LocalWebSite.bundled()) {
                out.println("Follow it in your browser: " + page + (stay ? "" : "   (add --stay to keep it open)"));
            }
            out.flush();
            Map<String, Object> status = follow(api, id, ((Number) planStatus.get("completedCount")).intValue());
            Map<String, Object> finished = api.campaign(id, 100, null);
            out.println();
            out.println("Pull requests on the local code host" + (mixed ? "s:" : ":"));
            int prs = 0;
            for (int i = 0; i < patches.size(); i++) {
                int h = i % hosts.size();
                dev.campaigns.infra.codehost.LocalCodeHost host = hosts.get(h);
                for (LocalPullRequest pr : host.pullRequests(SampleCampaign.repository(i + 1))) {
                    out.printf(mixed ? "  %-33s #%d %-6s %s <- %s  %s  %s%n" : "  %-22s #%d %-6s %s <- %s  %s  %s%n", prefixes.get(h) + pr.repository(), pr.number(),
                            pr.state(), pr.baseRef(), pr.headRef(), pr.title(), host.baseUrl() + "/"
                                    + pr.repository() + "/pull/" + pr.number());
                    prs++;
                }
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> changesets = (Map<String, Object>) finished.get("changesets");
            out.println();
            out.println("Changesets: " + changesets.get("totalCount") + ", pull requests: " + prs);
            out.println("changesetCreationStatus: " + status.get("state") + " (completed " + status.get("completedCount")
                    + ", pending " + status.get("pendingCount") + ")" + errors(status));
            if (LocalWebSite.bundled()) {
                out.println("Campaign page: " + page);
            }
            out.flush();
            int exit = "COMPLETED".equals(status.get("state")) ? 0 : 1;
            if (stay) {
                out.println("Serving the web page and the API until Ctrl-C...");
                out.flush();
                awaitInterrupt();
            }
            return exit;
        }
    }

    private Map<String, Object> follow(CampaignsApi api, String id, int total) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("changesets").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(100).continuousUpdate()
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.out)).build()) {
            while (true) {
                Map<String, Object> status = CampaignsApi.status(api.campaign(id, 1, null), "changesetCreationStatus");
                int completed = ((Number) status.get("completedCount")).intValue();
                int pending = ((Number) status.get("pendingCount")).intValue();
                bar.stepTo(total - pending);
                bar.setExtraMessage(completed + " done, " + pending + " pending");
                if (!"PROCESSING".equals(status.get("state"))) {
                    return status;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the campaign is still processing after " + timeout);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Blocks until the JVM is asked to stop (Ctrl-C). */
    private static void awaitInterrupt() {
        java.util.concurrent.CountDownLatch stopping = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopping::countDown));
        try {
            stopping.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String errors(Map<String, Object> status) {
        Object errors = status.get("errors");
        return errors instanceof List<?> l && !l.isEmpty() ? "; errors: " + l : "";
    }
}
