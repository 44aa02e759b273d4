package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.local.LocalAppSync;
import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.infra.local.LocalWebSite;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code campaigns serve}: keeps the embedded stack up for the user's own GraphQL client, git and browser (the web
 * page on the GraphQL port, as {@link LocalAppSync#DEFAULT_USER}), with sample repositories to run campaigns on, and
 * prints the endpoints. Stops on Ctrl-C.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Keep the embedded local AWS and code host running and print their endpoints.")
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "4000", description = "GraphQL port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: any).")
    int port;

    @Option(names = "--repos", defaultValue = "10", description = "Sample repositories to create (default: ${DEFAULT-VALUE}).")
    int repos;

    @Option(names = "--token", defaultValue = "local-token", description = "The token the local code host accepts (default: ${DEFAULT-VALUE}).")
    String token;

    @Option(names = "--webhook-secret", description = "The secret webhook deliveries are signed with "
            + "(X-Hub-Signature-256) and checked against; default: a random one, printed at start.")
    String webhookSecret;

    @Option(names = "--code-host", defaultValue = "github", description = "The local code host's kind: github, "
            + "gitlab or bitbucket-server (default: ${DEFAULT-VALUE}).")
    String codeHost;

    @Option(names = "--sync-minutes", defaultValue = "1", description = "Minutes between scheduled changeset syncs (default: ${DEFAULT-VALUE}).")
    int syncMinutes;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        dev.campaigns.codehost.CodeHostKind kind;
        try {
            kind = dev.campaigns.codehost.CodeHostKind.parse(codeHost);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("--code-host: " + e.getMessage());
            return 2;
        }
        LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(token).withGraphqlPort(port)
                .withWebhookSecret(webhookSecret)
                .withCodeHost(new dev.campaigns.infra.codehost.LocalCodeHost.Options().kind(kind)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }));
        StringBuilder sample = new StringBuilder();
        for (int i = 1; i <= repos; i++) {
            String base = stack.codeHost().createRepository(SampleCampaign.repository(i), SampleCampaign.files(i));
            if (i == 1) {
                sample.append(SampleCampaign.repository(i)).append(" at ").append(base);
            }
        }
        out.println("Campaigns is serving (Ctrl-C to stop):");
        out.println("  Web page:            " + (LocalWebSite.bundled() ? stack.webUrl() + "   (as "
                + LocalAppSync.DEFAULT_USER + ")" : "not built into this jar (build with Node.js and npm)"));
        out.println("  GraphQL (AppSync):   POST " + stack.graphqlUrl() + "   header " + LocalAppSync.USER_HEADER
                + ": <your name>");
        out.println("  Step Functions API:  " + stack.stepFunctionsEndpoint() + "   state machine " + stack.stateMachineArn());
        out.println("  DynamoDB Local:      " + stack.dynamoEndpoint());
        out.println("  Code host (" + kind.id() + "): " + stack.codeHost().baseUrl() + "   REST " + stack.codeHost().apiUrl()
                + "   token " + "'" + token + "'");
        out.println("  git clone " + stack.codeHost().gitUrl(SampleCampaign.repository(1)));
        out.println("  " + repos + " sample repositories acme/service-001..; e.g. " + sample);
        out.println("  Webhooks:            the code host delivers pull request events to " + stack.webhookUrl());
        out.println("                       with secret '" + stack.webhookSecret() + "' " + switch (kind) {
            case GITLAB -> "(send your own: X-Gitlab-Token: <the secret>, with X-Gitlab-Event and "
                    + "X-Gitlab-Event-UUID)";
            case BITBUCKET_SERVER -> "(sign your own: X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>, with "
                    + "X-Event-Key and X-Request-Id)";
            case GITHUB -> "(sign your own: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>, with "
                    + "X-GitHub-Event and X-GitHub-Delivery)";
        });
        out.println(switch (kind) {
            case GITLAB -> "  Change a merge request as GitLab's API does (PRIVATE-TOKEN header): PUT "
                    + ".../merge_requests/N {\"state_event\":\"close\"}, PUT .../merge_requests/N/merge";
            case BITBUCKET_SERVER -> "  Change a pull request as Bitbucket's API does (Bearer token): POST "
                    + ".../pull-requests/N/decline?version=V, POST .../pull-requests/N/merge?version=V";
            case GITHUB -> "  Change a pull request as GitHub's API does (token header as above): PUT .../pulls/N/merge,"
                    + " PATCH .../pulls/N {\"state\":\"closed\"}, POST .../pulls/N/reviews {\"event\":\"APPROVE\"},"
                    + " POST .../check-runs {\"name\",\"head_sha\",\"status\",\"conclusion\"},"
                    + " POST .../statuses/SHA {\"state\",\"context\"}";
        });
        out.println("  Scheduled changeset sync: every " + syncMinutes + " minute(s)");
        java.util.concurrent.ScheduledExecutorService schedule = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "serve-schedules");
                    t.setDaemon(true);
                    return t;
                });
        schedule.scheduleWithFixedDelay(() -> {
            try {
                stack.runSchedules();
            } catch (RuntimeException e) {
                System.err.println("scheduled sync failed: " + e.getMessage());
            }
        }, syncMinutes, syncMinutes, java.util.concurrent.TimeUnit.MINUTES);
        out.println("Try: curl -s " + stack.graphqlUrl()
                + " -H 'content-type: application/json' -d '{\"query\":\"{ campaigns { nodes { id name } } }\"}'");
        out.flush();
        stopped.await();
        return 0;
    }
}
