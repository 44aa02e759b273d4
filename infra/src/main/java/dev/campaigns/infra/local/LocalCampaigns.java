package dev.campaigns.infra.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.campaigns.handlers.Services;
import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.local.iam.LocalIam;
import dev.campaigns.infra.local.iam.LocalService;
import dev.campaigns.infra.sfn.DefinitionSubstitutions;
import dev.campaigns.infra.sfn.InvocationResult;
import dev.campaigns.infra.sfn.LocalStepFunctions;
import dev.campaigns.infra.sfn.SfnConfig;
import dev.campaigns.infra.sfn.StepFunctionsHttpServer;
import dev.campaigns.infra.sfn.TimeSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The embedded default: Campaigns on one machine, built from {@code template.yaml} and
 * {@code statemachine.asl.json} exactly as they deploy. DynamoDB Local holds the template's tables; the local Step
 * Functions engine runs the state machine (over HTTP, so the resolvers use the real SDK client); the template's
 * handler classes run in process, each configured from its own environment as the template defines it, with only
 * the endpoints and the code host pointing at local servers; a local AppSync serves the GraphQL schema; a local
 * code host speaks git smart HTTP and GitHub's REST API.
 *
 * <p>IAM is enforced as in AWS ({@link LocalIam}): each function runs with its own role's credentials, and every call
 * it makes to DynamoDB, SQS, Step Functions and Secrets Manager passes a gateway that checks the signature and the
 * role's {@code Policies}; the code host token and the webhook secret are secrets in the local Secrets Manager,
 * passed as the template's {@code CodeHostTokenSecretArn} and {@code WebhookSecretArn}.
 */
public final class LocalCampaigns implements AutoCloseable {
    /** The stack name the local runtime gives {@code AWS::StackName}. */
    public static final String STACK_NAME = "campaigns-local";
    private final LocalCodeHost codeHost;
    private final Map<String, LocalCodeHost> otherCodeHosts = new LinkedHashMap<>();
    private final LocalDynamoDb dynamo;
    private final LocalStepFunctions stepFunctions;
    private final StepFunctionsHttpServer stepFunctionsServer;
    private final LocalLambdas lambdas;
    private final LocalAppSync appSync;
    private final LocalSqs sqs;
    private final LocalFunctionUrls functionUrls;
    private final LocalEventSources eventSources;
    private final List<SamTemplate.FunctionEvent> functionEvents;
    private final String webhookSecret;
    private final String stateMachineArn;
    private final Path workDir;
    private final Map<String, Map<String, String>> functionEnvironments = new java.util.concurrent.ConcurrentHashMap<>();
    private final LocalIam iam;

    /**
     * How to start the stack.
     *
     * @param parameters template parameters to override (e.g. {@code CodeHostContentLimits}); others keep their
     *                   {@code Default}
     * @param defaultUser who a GraphQL request without identity acts as; null: refused (see {@link AppSyncCallers})
     * @param sharedClockFactor when &gt; 0, one clock running this many times faster than real time is shared by the
     *                   code host (its rate limits), the Step Functions engine (Wait states, retry intervals) and
     *                   the functions (the pacer), so pacing benchmarks run hours of rate limits in minutes; task
     *                   timeouts stay real. 0: the code host and functions use real time, the engine
     *                   {@code timeScale}.
     */
    public record Options(String codeHostToken, double timeScale, int graphqlPort, Path workDir,
                          LocalCodeHost.Options codeHostOptions, SfnConfig sfnConfig,
                          Map<String, String> parameters, double sharedClockFactor, String webhookSecret,
                          String templateYaml, String defaultUser, List<NamedCodeHost> otherCodeHosts) {
        /** A stack with a fresh code host accepting {@code token}, Step Functions time sped up 1000×. */
        public static Options defaults(String token) {
            return new Options(token, 0.001, 0, null, null, null, Map.of(), 0, null, null, null, List.of());
        }

        /** The secret the code host signs webhook deliveries with and the receiver checks; null: a random one. */
        public Options withWebhookSecret(String secret) {
            return new Options(codeHostToken, timeScale, graphqlPort, workDir, codeHostOptions, sfnConfig, parameters,
                    sharedClockFactor, secret, templateYaml, defaultUser, otherCodeHosts);
        }

        public Options withGraphqlPort(int port) {
            return new Options(codeHostToken, timeScale, port, workDir, codeHostOptions, sfnConfig, parameters,
                    sharedClockFactor, webhookSecret, templateYaml, defaultUser, otherCodeHosts);
        }

        public Options withCodeHost(LocalCodeHost.Options options) {
            return new Options(codeHostToken, timeScale, graphqlPort, workDir, options, sfnConfig, parameters,
                    sharedClockFactor, webhookSecret, templateYaml, defaultUser, otherCodeHosts);
        }

        public Options withSfnConfig(SfnConfig config) {
            return new Options(codeHostToken, timeScale, graphqlPort, workDir, codeHostOptions, config, parameters,
                    sharedClockFactor, webhookSecret, templateYaml, defaultUser, otherCodeHosts);
        }

        /** Overrides template parameter {@code name} (e.g. {@code CodeHostContentLimits}). */
        public Options withParameter(String name, String value) {
            Map<String, String> p = new HashMap<>(parameters);
            p.put(name, value);
            return new Options(codeHostToken, timeScale, graphqlPort, workDir, codeHostOptions, sfnConfig, Map.copyOf(p),
                    sharedClockFactor, webhookSecret, templateYaml, defaultUser, otherCodeHosts);
        }

        /**
         * Runs {@code yaml} instead of the project's template.yaml (e.g. a copy with a grant removed, to show what
         * the local IAM refuses); its usage does not count in the unused-grants report.
         */
        public Options withTemplate(String yaml) {
            return new Options(codeHostToken, timeScale, graphqlPort, workDir, codeHostOptions, sfnConfig, parameters,
                    sharedClockFactor, webhookSecret, yaml, defaultUser, otherCodeHosts);
        }

        /**
         * Who a GraphQL request without any identity (no SigV4 signature, no {@code x-campaigns-user}) acts as, like
         * {@code serve}'s user; null (the default): such requests are refused, as AppSync refuses them.
         */
        public Options withDefaultUser(String user) {
            return new Options(codeHostToken, timeScale, graphqlPort, workDir, codeHostOptions, sfnConfig, parameters,
                    sharedClockFactor, webhookSecret, templateYaml, user, otherCodeHosts);
        }

        /**
         * More code hosts beside the default one (a campaign spanning hosts): each is started with its options and a
         * token of its own ({@code <token>-<name>}) and a webhook secret of its own, each in its own secret, named in the template's {@code CodeHosts} (the default host first, as
         * {@code <kind>.local}, e.g. {@code github.local}) and delivers its webhooks to the receiver's URL/{@code name}.
         */
        public Options withOtherCodeHosts(List<NamedCodeHost> hosts) {
            return new Options(codeHostToken, timeScale, graphqlPort, workDir, codeHostOptions, sfnConfig, parameters,
                    sharedClockFactor, webhookSecret, templateYaml, defaultUser, List.copyOf(hosts));
        }

        /** One clock for code host, engine and functions, {@code factor} times faster than real time. */
        public Options withSharedClock(double factor) {
            return new Options(codeHostToken, timeScale, graphqlPort, workDir, codeHostOptions, sfnConfig, parameters,
                    factor, webhookSecret, templateYaml, defaultUser, otherCodeHosts);
        }
    }

    /** A code host of the stack beside the default one: its name in repository names ({@code gitlab.local}). */
    public record NamedCodeHost(String name, LocalCodeHost.Options options) {
    }

    public static LocalCampaigns start(Options options) {
        return start(options, Hooks.NONE);
    }

    /**
     * Where a test harness may stand between the parts, as the real world's failures do (see
     * {@code dev.campaigns.infra.chaos}): around the Lambda invoker that Step Functions calls, and in the environment
     * each function is configured from (e.g. its DynamoDB endpoint pointed at a fault-injecting proxy). The
     * functions themselves are unchanged.
     *
     * @param invoker             wraps the in-process Lambda runtime as Step Functions sees it
     * @param functionEnvironment rewrites one function's resolved environment
     */
    public record Hooks(java.util.function.UnaryOperator<dev.campaigns.infra.sfn.LambdaInvoker> invoker,
                        java.util.function.UnaryOperator<Map<String, String>> functionEnvironment) {
        public static final Hooks NONE = new Hooks(i -> i, e -> e);
    }

    public static LocalCampaigns start(Options options, Hooks hooks) {
        try {
            return new LocalCampaigns(options, hooks);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private LocalCampaigns(Options options, Hooks hooks) throws IOException {
        SamTemplate template = options.templateYaml() == null ? SamTemplate.fromClasspath()
                : SamTemplate.parse(new java.io.ByteArrayInputStream(
                        options.templateYaml().getBytes(StandardCharsets.UTF_8)));
        this.webhookSecret = options.webhookSecret() != null && !options.webhookSecret().isBlank()
                ? options.webhookSecret() : "whsec-" + java.util.UUID.randomUUID();
        this.workDir = options.workDir() != null ? options.workDir() : Files.createTempDirectory("campaigns-local");
        LocalCodeHost.Options hostOptions = options.codeHostOptions() != null ? options.codeHostOptions()
                : new LocalCodeHost.Options();
        double shared = options.sharedClockFactor();
        if (shared > 0) {
            hostOptions.timeScale(shared);
        }
        this.codeHost = LocalCodeHost.start(hostOptions.token(options.codeHostToken(), LocalCodeHost.Access.WRITE));
        for (NamedCodeHost other : options.otherCodeHosts()) {
            if (shared > 0) {
                other.options().timeScale(shared);
            }
            otherCodeHosts.put(other.name(), LocalCodeHost.start(other.options().token(otherToken(options, other),
                    LocalCodeHost.Access.WRITE)));
        }
        this.dynamo = LocalDynamoDb.start(template.tables());
        java.time.Clock functionsClock = shared > 0 ? codeHost.clock() : java.time.Clock.systemUTC();
        SfnConfig sfn = options.sfnConfig() != null ? options.sfnConfig() : SfnConfig.defaults();
        this.sqs = LocalSqs.start(template.queues(), sfn.region(), sfn.accountId());
        this.functionEvents = template.functionEvents();
        if (shared > 0) {
            sfn = sfn.withTimeSource(sharedClock(functionsClock, shared));
        } else if (options.sfnConfig() == null) {
            sfn = sfn.withTimeSource(fastWaitsRealTimeouts(options.timeScale()));
        }
        String region = sfn.region();
        this.iam = new LocalIam(region, sfn.accountId(), STACK_NAME, options.templateYaml() == null);
        String tokenSecretArn = iam.secrets().create("campaigns/code-host-token", options.codeHostToken());
        String webhookSecretArn = iam.secrets().create("campaigns/webhook-secret", webhookSecret);

        SamTemplate.StateMachine machine = template.stateMachine();
        String accountRegion = sfn.region() + ":" + sfn.accountId();
        Map<String, String> localValues = new HashMap<>();
        localValues.put("AWS::Region", sfn.region());
        localValues.put("AWS::AccountId", sfn.accountId());
        localValues.put("AWS::Partition", "aws");
        localValues.put("AWS::StackName", STACK_NAME);
        for (SamTemplate.Table table : template.tables()) {
            localValues.put(table.logicalId(), table.logicalId());
            localValues.put(table.logicalId() + ".Arn", "arn:aws:dynamodb:" + accountRegion + ":table/"
                    + table.logicalId());
        }
        for (SamTemplate.Function f : template.functions()) {
            String arn = "arn:aws:lambda:" + accountRegion + ":function:" + f.logicalId();
            localValues.put(f.logicalId(), f.logicalId());
            localValues.put(f.logicalId() + ".Arn", arn);
            localValues.put(f.logicalId() + ".Alias", arn + ":live");
        }
        localValues.put("CodeHostType", codeHost.kind().id());
        localValues.put("CodeHostApiUrl", codeHost.apiUrl());
        localValues.put("CodeHostGitUrl", codeHost.baseUrl());
        localValues.put("CodeHostTokenSecretArn", tokenSecretArn);
        localValues.put("WebhookSecretArn", webhookSecretArn);
        localValues.put("SyncRequestBudget", "250");
        if (!otherCodeHosts.isEmpty()) {
            // the template's CodeHosts: the default host first, then each other one with a secret of its own
            com.fasterxml.jackson.databind.node.ArrayNode hosts = JSON.createArrayNode();
            hosts.add(hostEntry(codeHost.kind().id() + ".local", codeHost, tokenSecretArn));
            StringBuilder otherSecrets = new StringBuilder();
            StringBuilder otherWebhookSecrets = new StringBuilder();
            for (Map.Entry<String, LocalCodeHost> other : otherCodeHosts.entrySet()) {
                NamedCodeHost named = options.otherCodeHosts().stream().filter(o -> o.name().equals(other.getKey()))
                        .findFirst().orElseThrow();
                String arn = iam.secrets().create("campaigns/code-host-token-" + other.getKey(),
                        otherToken(options, named));
                String webhookArn = iam.secrets().create("campaigns/webhook-secret-" + other.getKey(),
                        otherWebhookSecret(other.getKey()));
                hosts.add(((com.fasterxml.jackson.databind.node.ObjectNode) hostEntry(other.getKey(), other.getValue(),
                        arn)).put("webhookSecretArn", webhookArn));
                otherSecrets.append(',').append(arn);
                otherWebhookSecrets.append(',').append(webhookArn);
            }
            localValues.put("CodeHosts", hosts.toString());
            localValues.put("CodeHostSecretArns", otherSecrets.toString());
            localValues.put("WebhookSecretArns", otherWebhookSecrets.toString());
        }
        for (Map.Entry<String, String> q : sqs.urls().entrySet()) {
            localValues.put(q.getKey(), q.getValue());
            localValues.put(q.getKey() + ".Arn", sqs.arns().get(q.getKey()));
            localValues.put(q.getKey() + ".QueueName", q.getKey());
        }
        localValues.put("BotName", "campaigns-bot");
        localValues.put("BotEmail", "campaigns-bot@users.noreply.github.com");
        template.parameterDefaults().forEach(localValues::putIfAbsent);
        localValues.putAll(options.parameters());
        Function<String, String> refs = name -> {
            String v = localValues.get(name);
            if (v == null) {
                throw new IllegalStateException("template.yaml refers to " + name + ", unknown to the local runtime");
            }
            return v;
        };
        // The state machine is named as the template names it (its Name), so its ARN is the one policies name.
        JsonNode nameProperty = template.resources("AWS::Serverless::StateMachine").get(machine.logicalId())
                .path("Properties").path("Name");
        String machineName = nameProperty.isMissingNode() ? machine.logicalId()
                : SamTemplate.resolve(nameProperty, refs);
        this.stateMachineArn = "arn:aws:states:" + accountRegion + ":stateMachine:" + machineName;
        localValues.put(machine.logicalId(), stateMachineArn);
        localValues.put(machine.logicalId() + ".Arn", stateMachineArn);
        localValues.put(machine.logicalId() + ".Name", machineName);
        iam.addRoles(template, refs);

        LambdasHolder holder = new LambdasHolder();
        this.stepFunctions = new LocalStepFunctions(holder, sfn, iam::denialForRole);
        try {
            this.stepFunctionsServer = new StepFunctionsHttpServer(stepFunctions, 0);
        } catch (Exception e) {
            throw new IllegalStateException("the local Step Functions endpoint did not start", e);
        }
        iam.start(dynamo.endpoint(), sqs.endpoint(), stepFunctionsServer.endpoint());
        Map<String, String> substitutions = new LinkedHashMap<>();
        machine.substitutions().forEach((k, v) -> substitutions.put(k, SamTemplate.resolve(v, refs)));
        String definition = DefinitionSubstitutions.apply(read(machine.definitionUri()), substitutions);
        String created = stepFunctions.createStateMachine(machineName, definition,
                iam.principal(machine.logicalId()).roleArn());
        if (!created.equals(stateMachineArn)) {
            throw new IllegalStateException("state machine ARN " + created + " != " + stateMachineArn);
        }

        Map<String, String> endpoints = Map.of(
                "AWS_REGION", sfn.region(),
                "AWS_ENDPOINT_URL_DYNAMODB", iam.endpoint(LocalService.DYNAMODB).toString(),
                "AWS_ENDPOINT_URL_SFN", iam.endpoint(LocalService.STEP_FUNCTIONS).toString(),
                "AWS_ENDPOINT_URL_SQS", iam.endpoint(LocalService.SQS).toString(),
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", iam.endpoint(LocalService.SECRETS_MANAGER).toString());
        this.lambdas = LocalLambdas.wired(template.functions(), f -> {
            Map<String, String> env = new HashMap<>(endpoints);
            env.putAll(iam.functionCredentials(f.logicalId()));
            for (Map.Entry<String, JsonNode> e : f.environment().entrySet()) {
                env.put(e.getKey(), SamTemplate.resolve(e.getValue(), refs));
            }
            env.put("GIT_CACHE_DIR", workDir.resolve("git-cache").resolve(f.logicalId()).toString());
            Map<String, String> resolved = hooks.functionEnvironment().apply(env);
            functionEnvironments.put(f.logicalId(), Map.copyOf(resolved));
            return new Services(resolved, functionsClock, null);
        });
        holder.lambdas = hooks.invoker().apply(lambdas);
        Map<String, LocalAppSync.InvokeCheck> dataSourceRoles = new HashMap<>();
        for (SamTemplate.DataSource ds : template.dataSources()) {
            String role = ds.serviceRoleArn().path("Fn::GetAtt").path(0).asText();
            String functionArn = SamTemplate.resolve(ds.functionArn(), refs);
            dataSourceRoles.put(ds.functionLogicalId(), fn -> iam.denial(role, "lambda:InvokeFunction", functionArn));
        }
        this.appSync = LocalAppSync.start(template, lambdas, options.graphqlPort(), new LocalWebSite(), fn -> {
            LocalAppSync.InvokeCheck check = dataSourceRoles.get(fn);
            return check == null ? "no data source of template.yaml invokes " + fn : check.denial(fn);
        }, new AppSyncCallers(options.defaultUser(), region, sfn.accountId(), java.time.Clock.systemUTC()));
        this.functionUrls = new LocalFunctionUrls(template.functionUrls(), lambdas);
        this.eventSources = new LocalEventSources(functionEvents, sqs, lambdas, fn -> pollerClient(fn, region));
        codeHost.webhooks().target(functionUrls.url("WebhookReceiverFunction"), webhookSecret);
        otherCodeHosts.forEach((name, host) -> host.webhooks().target(functionUrls.url("WebhookReceiverFunction")
                + "/" + name, otherWebhookSecret(name)));
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Another host's webhook secret: the stack's, suffixed with its name (each host signs with its own). */
    private String otherWebhookSecret(String name) {
        return webhookSecret + "-" + name;
    }

    /** Another host's token: the stack's, suffixed with its name, so each host has credentials of its own. */
    private static String otherToken(Options options, NamedCodeHost other) {
        String t = options.codeHostToken();
        return t.strip().startsWith("{") ? t : t + "-" + other.name();
    }

    private static JsonNode hostEntry(String name, LocalCodeHost host, String secretArn) {
        return JSON.createObjectNode().put("name", name).put("type", host.kind().id()).put("apiUrl", host.apiUrl())
                .put("gitUrl", host.baseUrl()).put("secretArn", secretArn);
    }

    /** The code host called {@code name}: one of {@link Options#withOtherCodeHosts}, or the default one's name. */
    public LocalCodeHost codeHost(String name) {
        if (name.equals(codeHost.kind().id() + ".local")) {
            return codeHost;
        }
        LocalCodeHost host = otherCodeHosts.get(name);
        if (host == null) {
            throw new IllegalArgumentException("no code host " + name + " in this stack");
        }
        return host;
    }

    /** The SQS client an event source mapping polls with: the consuming function's role, through the gateway. */
    private SqsClient pollerClient(String function, String region) {
        Map<String, String> role = iam.functionCredentials(function);
        return SqsClient.builder().endpointOverride(iam.endpoint(LocalService.SQS)).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        role.get("AWS_ACCESS_KEY_ID"), role.get("AWS_SECRET_ACCESS_KEY"), role.get("AWS_SESSION_TOKEN"))))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /**
     * Local time for the engine: Wait states and Retry intervals are sped up by {@code timeScale}, so a retried
     * step does not keep a test waiting; task and execution timeouts stay in real time, because the functions
     * they bound run here at real speed.
     */
    static TimeSource fastWaitsRealTimeouts(double timeScale) {
        TimeSource scaled = TimeSource.scaled(timeScale);
        return new TimeSource() {
            @Override
            public java.time.Instant now() {
                return scaled.now();
            }

            @Override
            public void sleep(java.time.Duration virtual) throws InterruptedException {
                scaled.sleep(virtual);
            }

            @Override
            public long realNanos(java.time.Duration virtual) {
                return virtual.toNanos();
            }
        };
    }

    /**
     * The engine's time on a clock shared with the code host and the functions, running {@code factor} times
     * faster than real time: waits and retry intervals last {@code 1/factor} of their virtual duration; task
     * timeouts stay real (the functions run at real speed).
     */
    static TimeSource sharedClock(java.time.Clock clock, double factor) {
        return new TimeSource() {
            @Override
            public java.time.Instant now() {
                return clock.instant();
            }

            @Override
            public void sleep(java.time.Duration virtual) throws InterruptedException {
                long nanos = (long) (virtual.toNanos() / factor);
                if (nanos > 0) {
                    Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
                }
            }

            @Override
            public long realNanos(java.time.Duration virtual) {
                return virtual.toNanos();
            }
        };
    }

    private static String read(String file) {
        try (InputStream in = SamTemplate.resource(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String graphqlUrl() {
        return appSync.url();
    }

    /** The web page's address (served on the GraphQL port, see {@link LocalWebSite}). */
    public String webUrl() {
        return appSync.origin() + "/";
    }

    public LocalAppSync appSync() {
        return appSync;
    }

    public LocalCodeHost codeHost() {
        return codeHost;
    }

    public LocalStepFunctions stepFunctions() {
        return stepFunctions;
    }

    public String stepFunctionsEndpoint() {
        return stepFunctionsServer.endpoint().toString();
    }

    public String stateMachineArn() {
        return stateMachineArn;
    }

    public DynamoDbClient dynamo() {
        return dynamo.client();
    }

    public String dynamoEndpoint() {
        return dynamo.endpoint().toString();
    }

    /**
     * The environment function {@code logicalId} runs with here (the template's, resolved locally, with the local
     * endpoints), e.g. to start the function in another JVM (the cold-start benchmark).
     */
    public Map<String, String> functionEnvironment(String logicalId) {
        Map<String, String> env = functionEnvironments.get(logicalId);
        if (env == null) {
            throw new IllegalArgumentException("template.yaml has no function " + logicalId);
        }
        return env;
    }

    public LocalLambdas lambdas() {
        return lambdas;
    }

    /** The webhook endpoint (the receiver function's URL); the local code host delivers to it. */
    public String webhookUrl() {
        return functionUrls.url("WebhookReceiverFunction");
    }

    /** The secret the local code host signs webhook deliveries with (random per stack). */
    public String webhookSecret() {
        return webhookSecret;
    }

    public LocalSqs sqs() {
        return sqs;
    }

    /** The stack's IAM: its roles, the gateway the functions' AWS calls pass, the calls it decided. */
    public LocalIam iam() {
        return iam;
    }

    /**
     * Fires the template's {@code Schedule} events once (EventBridge's scheduled event), e.g. the changeset sync, and
     * returns each function's answer.
     */
    public Map<String, String> runSchedules() {
        Map<String, String> answers = new LinkedHashMap<>();
        for (SamTemplate.FunctionEvent e : functionEvents) {
            if ("Schedule".equals(e.type()) || "ScheduleV2".equals(e.type())) {
                String event = "{\"version\":\"0\",\"id\":\"" + java.util.UUID.randomUUID()
                        + "\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"time\":\""
                        + java.time.Instant.now() + "\",\"resources\":[],\"detail\":{}}";
                // EventBridge invokes asynchronously (the 1 MB Event payload limit); locally the answer is awaited
                InvocationResult answer = lambdas.startEvent(e.functionLogicalId(), event).await();
                if (answer.isFunctionError()) {
                    throw new IllegalStateException(e.functionLogicalId() + " failed: " + answer.errorType() + ": "
                            + answer.errorMessage());
                }
                answers.put(e.functionLogicalId(), answer.payloadJson());
            }
        }
        return answers;
    }

    /**
     * Waits until the webhook deliveries the code host made so far have been received, queued and consumed (the
     * queues empty and no batch in flight), or {@code timeout} passes.
     */
    public void awaitChangesetEvents(java.time.Duration timeout) {
        codeHost.webhooks().awaitSent();
        otherCodeHosts.values().forEach(h -> h.webhooks().awaitSent());
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (System.nanoTime() < deadline) {
            boolean empty = !eventSources.busy();
            for (String url : sqs.urls().values()) {
                if (url.contains("DeadLetter")) {
                    continue;
                }
                var attrs = sqs.client().getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings(
                        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
                empty &= "0".equals(attrs.get("ApproximateNumberOfMessages"))
                        && "0".equals(attrs.get("ApproximateNumberOfMessagesNotVisible"));
            }
            quiet = empty ? quiet + 1 : 0;
            if (quiet >= 3) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("changeset events were not consumed within " + timeout);
    }

    @Override
    public void close() {
        codeHost.webhooks().target(null, null);
        otherCodeHosts.values().forEach(h -> h.webhooks().target(null, null));
        try {
            codeHost.webhooks().awaitSent(); // deliveries already queued reach the function URL before it stops
            otherCodeHosts.values().forEach(h -> h.webhooks().awaitSent());
        } catch (IllegalStateException e) {
            // closing anyway
        }
        eventSources.close();
        functionUrls.close();
        appSync.close();
        try {
            stepFunctionsServer.close();
        } catch (Exception e) {
            // closing anyway
        }
        stepFunctions.close();
        lambdas.close();
        iam.close();
        dynamo.close();
        sqs.close();
        codeHost.close();
        otherCodeHosts.values().forEach(LocalCodeHost::close);
    }

    /** The engine needs its invoker before the functions exist (they need the engine's endpoint). */
    private static final class LambdasHolder implements dev.campaigns.infra.sfn.LambdaInvoker {
        volatile dev.campaigns.infra.sfn.LambdaInvoker lambdas;

        @Override
        public dev.campaigns.infra.sfn.InvocationResult invoke(String functionName, String payloadJson) {
            return lambdas.invoke(functionName, payloadJson);
        }
    }

}
