package dev.campaigns.infra.cli;

import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.local.iam.Principal;
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
 * {@code campaigns serve}: keeps the embedded stack up for the CLI, the user's own GraphQL client, git and browser
 * (the web page on the GraphQL port), with sample repositories to run campaigns on, and prints the endpoints. Stops
 * on Ctrl-C.
 *
 * <p>One clock runs the whole stack in real time (the code host's rate limits, the pacer, Step Functions' waits and
 * retries), so a campaign of any size completes under GitHub's limits without a limit error from the code host;
 * {@code --no-rate-limits} lifts the code host's limits and the pacing for quick trials. Requests without identity
 * act as {@code --user}; SigV4-signed requests act as the local IAM user whose keys signed them (printed).
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

    @Option(names = "--user", defaultValue = LocalAppSync.DEFAULT_USER, description = "Who requests without any "
            + "identity act as: the CLI's, the web page's and curl's user (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--code-host-port", defaultValue = "4001", description = "The code host's port on 127.0.0.1 "
            + "(default: ${DEFAULT-VALUE}, where the CLI looks for it; 0: any).")
    int codeHostPort;

    @Option(names = "--no-rate-limits", description = "Lift the code host's rate limits (GitHub's 80 content "
            + "creations a minute, 500 an hour, 5,000 requests an hour) and the pacing that keeps under them.")
    boolean noRateLimits;

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
        LocalCodeHost.Options host = new LocalCodeHost.Options().port(codeHostPort).kind(kind);
        LocalCampaigns.Options options = LocalCampaigns.Options.defaults(token).withGraphqlPort(port)
                .withWebhookSecret(webhookSecret).withDefaultUser(user).withSharedClock(1);
        if (noRateLimits) {
            host.contentLimits(0, 0).primaryLimitPerHour(0);
            options = options.withParameter("CodeHostContentLimits", "none");
        }
        LocalCampaigns stack = LocalCampaigns.start(options.withCodeHost(host));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping. Code host: " + stack.codeHost().requestCounts().values().stream()
                    .mapToLong(Long::longValue).sum() + " API requests, " + stack.codeHost().secondaryLimitResponses()
                    + " secondary-limit answers, " + stack.codeHost().primaryLimitResponses()
                    + " primary-limit answers");
            out.flush();
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
        out.println("  GraphQL (AppSync):   POST " + stack.graphqlUrl() + "   as '" + user + "' without identity; "
                + "another user: header " + LocalAppSync.USER_HEADER + ": <name>");
        Principal.Credentials keys = stack.appSync().callers().credentials(user);
        out.println("  SigV4 (as AppSync's IAM auth), signing as IAM user '" + user + "': AWS_ACCESS_KEY_ID="
                + keys.accessKeyId() + " AWS_SECRET_ACCESS_KEY=" + keys.secretAccessKey() + " AWS_REGION=us-east-1"
                + " campaigns list --sigv4");
        out.println("  Step Functions API:  " + stack.stepFunctionsEndpoint() + "   state machine " + stack.stateMachineArn());
        out.println("  DynamoDB Local:      " + stack.dynamoEndpoint());
        out.println("  Code host (" + kind.id() + "): " + stack.codeHost().baseUrl() + "   REST " + stack.codeHost().apiUrl()
                + "   token " + "'" + token + "'");
        if (kind == dev.campaigns.codehost.CodeHostKind.GITHUB) {
            String authed = stack.codeHost().baseUrl().replace("http://", "http://x-access-token:" + token + "@");
            out.println("  git clone " + authed + "/" + SampleCampaign.repository(1) + ".git   (user x-access-token, "
                    + "password: the token, as on GitHub)");
            out.println("  Your own repository: curl -s -X POST " + stack.codeHost().apiUrl() + "/orgs/ORG/repos -H "
                    + "'Authorization: Bearer " + token + "' -d '{\"name\":\"NAME\"}'; then git push " + authed
                    + "/ORG/NAME.git main");
            out.println("  Rate limits:         " + (noRateLimits ? "none (--no-rate-limits); pacing off"
                    : "GitHub's (80 content creations/min, 500/h, 5,000 requests/h), paced; one real-time clock"));
        } else {
            out.println("  git clone " + stack.codeHost().gitUrl(SampleCampaign.repository(1)));
        }
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
        out.println("Or the CLI: campaigns plan --org acme -- sh -c 'echo hello > HELLO.md'   then   campaigns apply "
                + "--plan PLAN_ID --name Hello --branch campaigns/hello"
                + (port == 4000 && codeHostPort == 4001 ? "" : "   (with --endpoint " + stack.graphqlUrl()
                + " --code-host " + stack.codeHost().apiUrl() + ")"));
        out.flush();
        stopped.await();
        return 0;
    }
}
