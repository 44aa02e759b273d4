package dev.campaigns.handlers;

import dev.campaigns.blob.BlobStore;
import dev.campaigns.codehost.CodeHost;
import dev.campaigns.codehost.CodeHostConfig;
import dev.campaigns.codehost.CodeHostConnection;
import dev.campaigns.codehost.CodeHostRegistry;
import dev.campaigns.codehost.CodeHostTokens;
import dev.campaigns.codehost.CodeHosts;
import dev.campaigns.codehost.HostConnections;
import dev.campaigns.domain.OwnerRule;
import dev.campaigns.git.GitEngine;
import dev.campaigns.git.GitEngineConfig;
import dev.campaigns.service.BackgroundProcesses;
import dev.campaigns.service.CampaignPlanService;
import dev.campaigns.service.CampaignCancellation;
import dev.campaigns.service.InFlightPullRequestQueue;
import dev.campaigns.service.CampaignService;
import dev.campaigns.service.ChangesetCloseQueue;
import dev.campaigns.service.ChangesetEventQueue;
import dev.campaigns.service.ChangesetJobSteps;
import dev.campaigns.service.ChangesetOperationQueue;
import dev.campaigns.service.ChangesetOperations;
import dev.campaigns.service.ChangesetService;
import dev.campaigns.service.CodeHostAccess;
import dev.campaigns.service.Limits;
import dev.campaigns.service.OnDemandCodeHostAccess;
import dev.campaigns.service.PullRequestPacing;
import dev.campaigns.pacing.Pacer;
import dev.campaigns.store.DynamoPacingStore;
import dev.campaigns.store.CampaignStore;
import dev.campaigns.store.DynamoTable;
import dev.campaigns.store.ChangesetStore;
import dev.campaigns.store.DynamoBlobStore;
import dev.campaigns.store.DynamoChangesetOperationStore;
import dev.campaigns.store.DynamoIdempotencyRecords;
import dev.campaigns.store.Idempotency;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The composition root of every Lambda: builds each collaborator from configuration (the function's environment
 * variables in AWS; the same names, pointing at local endpoints, in the embedded runtime) when first asked, so a
 * handler pays only for what it uses. Nothing here knows whether it runs locally: endpoints are configuration.
 * Handlers do not keep it: each is given only the pieces it uses, as {@code Supplier}s (see {@link Handlers}).
 *
 * <p>Configuration: {@code CAMPAIGNS_TABLE}, {@code IDEMPOTENCY_TABLE}, {@code BLOBS_TABLE},
 * {@code STATE_MACHINE_ARN}, {@code CODE_HOST_TYPE} ({@code github} (default), {@code gitlab},
 * {@code bitbucket-server}), {@code CODE_HOST_API_URL}, {@code CODE_HOST_GIT_URL}, the token as
 * {@code CODE_HOST_TOKEN_SECRET_ARN} (Secrets Manager, read only by what talks to the code host: a token, or a GitHub
 * App as {@code {"appId","installationId","privateKey"}}, see {@link CodeHostTokens}); or several hosts as
 * {@code CODE_HOSTS} (see {@link CodeHostConfig#parseList}; each host's secret read when first reached, see
 * {@link CodeHostRegistry}), {@code BOT_NAME},
 * {@code BOT_EMAIL}, {@code CODE_HOST_TIMEOUT_SECONDS} (optional), pacing ({@code PACING_TABLE},
 * {@code CODE_HOST_CONTENT_LIMITS} e.g. {@code 80/min,500/h}, {@code PACING_MARGIN_SECONDS}), {@code GIT_CACHE_DIR}
 * (default: under java.io.tmpdir), {@code GIT_CACHE_MAX_MB} (default 256), {@code AWS_REGION}, and optional endpoints {@code AWS_ENDPOINT_URL_DYNAMODB},
 * {@code AWS_ENDPOINT_URL_SFN}, {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, {@code AWS_ENDPOINT_URL_SQS} (the SDK's
 * standard names); for changesets {@code CHANGESET_EVENTS_QUEUE_URL}, {@code CLOSE_CHANGESETS_QUEUE_URL},
 * {@code WEBHOOK_SECRET_ARN} (Secrets Manager), {@code SYNC_REQUEST_BUDGET}, {@code SYNC_RESERVE_REQUESTS}; for the resolvers
 * {@code SESSION_OWNED_ROLES}.
 */
public final class Services {
    private final Configuration config;
    private final Clock clock;
    private final Lazy<DynamoTable> campaignsTable;
    private final Lazy<DynamoDbClient> dynamo;
    private final Lazy<SfnClient> sfn;
    private final Lazy<CampaignStore> store;
    private final Lazy<BlobStore> blobs;
    private final Lazy<Idempotency> idempotency;
    private final Lazy<GitEngine> git;
    private final OnDemandCodeHostAccess codeHost;
    private final Lazy<StepFunctionsBackgroundProcesses> processes;
    private final Lazy<CampaignCancellation> cancellation;
    private final Lazy<CampaignPlanService> plans;
    private final Lazy<CampaignService> campaigns;
    private final Lazy<ChangesetJobSteps> steps;
    private final Lazy<Pacer> pacer;
    private final Lazy<PullRequestPacing> pacing;
    private final Lazy<ChangesetStore> changesetStore;
    private final Lazy<dev.campaigns.service.CampaignUpdate> campaignUpdate;
    private final Lazy<ChangesetService> changesets;
    private final Lazy<SqsClient> sqs;
    private final Lazy<String> webhookSecret;
    /** Shared by this function's AWS clients; TLS is set up on its first https connection only (AwsHttpClient). */
    private final Lazy<SdkHttpClient> http = new Lazy<>(AwsHttpClient::create);
    private final Map<String, String> hostWebhookSecrets = new java.util.concurrent.ConcurrentHashMap<>();
    private final Lazy<ChangesetOperations> changesetOperations;
    private final Lazy<dev.campaigns.service.AutoMerge> autoMerge;

    public Services(Map<String, String> env) {
        this(env, Clock.systemUTC(), null);
    }

    /**
     * @param codeHostOverride a code host to use instead of the one configured (tests use a local one); null for
     *                         the configured GitHub or GitHub Enterprise
     */
    public Services(Map<String, String> env, Clock clock, CodeHost codeHostOverride) {
        this.config = Configuration.from(env);
        this.clock = clock;
        this.dynamo = new Lazy<>(() -> client(DynamoDbClient.builder(), "DYNAMODB").build());
        this.sfn = new Lazy<>(() -> client(SfnClient.builder(), "SFN").build());
        this.campaignsTable = new Lazy<>(() -> new DynamoTable(dynamo.get(),
                require(config.campaignsTable(), "CAMPAIGNS_TABLE")));
        this.store = new Lazy<>(() -> new CampaignStore(campaignsTable.get()));
        this.blobs = new Lazy<>(() -> new DynamoBlobStore(dynamo.get(), require(config.blobsTable(), "BLOBS_TABLE")));
        this.idempotency = new Lazy<>(() -> new Idempotency(new DynamoIdempotencyRecords(dynamo.get(),
                require(config.idempotencyTable(), "IDEMPOTENCY_TABLE")), clock));
        this.git = new Lazy<>(() -> new GitEngine(gitConfig(), blobs.get()));
        // Built, and a host's token read, only by what talks to that code host (see OnDemandCodeHostAccess).
        this.codeHost = new OnDemandCodeHostAccess(() -> new CodeHostAccess(new CodeHostRegistry(config.codeHosts(),
                host -> connect(host, codeHostOverride)), config.bot()));
        this.processes = new Lazy<>(() -> new StepFunctionsBackgroundProcesses(sfn.get(),
                require(config.stateMachineArn(), "STATE_MACHINE_ARN")));
        // Only the resolvers start executions (and have STATE_MACHINE_ARN): the client is built on first start.
        BackgroundProcesses startOnDemand = (name, input) -> processes.get().start(name, input);
        this.plans = new Lazy<>(() -> new CampaignPlanService(store.get(), blobs.get(), git.get(), codeHost,
                startOnDemand, clock, Limits.DEFAULT, config.codeHosts().isEmpty() ? null
                        : config.codeHosts().get(0).name()));
        this.campaigns = new Lazy<>(() -> new CampaignService(store.get(), store.get(), idempotency.get(), plans.get(),
                startOnDemand, clock, Limits.DEFAULT));
        this.changesetStore = new Lazy<>(() -> new ChangesetStore(campaignsTable.get()));
        this.campaignUpdate = new Lazy<>(() -> new dev.campaigns.service.CampaignUpdate(store.get(), store.get(),
                changesetStore.get(), campaigns.get(), plans.get(), startOnDemand, this::changesetCloseQueue, clock,
                Limits.DEFAULT));
        this.cancellation = new Lazy<>(() -> new CampaignCancellation(store.get(), store.get(),
                (name, cause) -> processes.get().stop(name, cause), this::inFlightPullRequestQueue, clock,
                d -> Thread.sleep(d.toMillis()),
                new dev.campaigns.service.ChangesetJobPlanner(store.get(), store.get(), changesetStore.get())));
        this.steps = new Lazy<>(() -> new ChangesetJobSteps(store.get(), store.get(), changesetStore.get(), blobs.get(), git.get(),
                codeHost, Limits.DEFAULT, clock));
        this.changesets = new Lazy<>(() -> new ChangesetService(changesetStore.get(), store.get(), campaigns.get(),
                idempotency.get(), codeHost, this::changesetCloseQueue, clock, this::autoMerge));
        this.sqs = new Lazy<>(() -> client(SqsClient.builder(), "SQS").build());
        this.webhookSecret = new Lazy<>(() -> secret(config.webhookSecretArn()));
        this.changesetOperations = new Lazy<>(() -> changesetOperations(clock));
        this.autoMerge = new Lazy<>(() -> new dev.campaigns.service.AutoMerge(
                new dev.campaigns.store.DynamoAutoMergeStore(campaignsTable.get()),
                (owner, campaignId) -> campaigns.get().campaign(owner, campaignId), codeHost));
        this.pacer = new Lazy<>(() -> new Pacer(new DynamoPacingStore(dynamo.get(),
                require(config.pacingTable(), "PACING_TABLE")), config.pacing(), clock));
        this.pacing = new Lazy<>(() -> new PullRequestPacing(store.get(), pacer.get(),
                repository -> codeHost.get().pacingKey(repository), clock));
    }

    /**
     * SnapStart priming without side effects: builds the DynamoDB client (no request is sent, no credentials are
     * resolved) and loads the classes of the SDK's marshalling, the git engine and the code host client. The code
     * host token is not fetched: it must not live in a snapshot.
     */
    public void prime() {
        DynamoDbClient client = dynamo.get();
        client.serviceName();
        // The JDK's default TLS context, which AwsHttpClient's https connections use, set up before the snapshot.
        javax.net.ssl.HttpsURLConnection.getDefaultSSLSocketFactory();
        software.amazon.awssdk.services.dynamodb.model.GetItemRequest.builder().tableName("t")
                .key(Map.of("PK", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("x"))).build();
        SnapStartPriming.load("software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest",
                "software.amazon.awssdk.services.dynamodb.model.QueryRequest",
                "software.amazon.awssdk.protocols.json.internal.unmarshall.JsonProtocolUnmarshaller",
                "org.eclipse.jgit.lib.Repository", "org.eclipse.jgit.internal.storage.dfs.InMemoryRepository",
                "org.eclipse.jgit.transport.Transport", "org.eclipse.jgit.transport.TransportHttp",
                "org.eclipse.jgit.patch.Patch", "org.kohsuke.github.GitHub", "org.kohsuke.github.GHPullRequest",
                "org.kohsuke.github.GitHubBuilder");
    }

    /** The configuration of a Lambda function in AWS: its environment. */
    public static Services fromEnvironment() {
        return new Services(System.getenv());
    }

    public CampaignPlanService plans() {
        return plans.get();
    }

    public CampaignService campaigns() {
        return campaigns.get();
    }

    /** cancelCampaign, and close/delete of a campaign still processing (STATE_MACHINE_ARN: StopExecution). */
    public CampaignCancellation cancellation() {
        return cancellation.get();
    }

    /** updateCampaign (issue 16): only the campaign resolver builds it (and has the close queue's URL). */
    public dev.campaigns.service.CampaignUpdate campaignUpdate() {
        return campaignUpdate.get();
    }

    public ChangesetJobSteps steps() {
        return steps.get();
    }

    /** Pull-request pacing: {@code PACING_TABLE}, {@code CODE_HOST_CONTENT_LIMITS}, {@code PACING_MARGIN_SECONDS}. */
    public PullRequestPacing pacing() {
        return pacing.get();
    }

    public ChangesetService changesets() {
        return changesets.get();
    }

    /** The queue of pull requests to close in the background ({@code CLOSE_CHANGESETS_QUEUE_URL}). */
    public ChangesetCloseQueue changesetCloseQueue() {
        String url = require(config.closeChangesetsQueueUrl(), "CLOSE_CHANGESETS_QUEUE_URL");
        return (request, delay) -> sendDelayed(url, request.toJson(), delay);
    }

    /**
     * Where cancelCampaign hands the jobs it caught mid pull request, and the close queue's consumer puts back those
     * to look at again: the close queue too ({@code CLOSE_CHANGESETS_QUEUE_URL}), whose consumer has the token.
     */
    public InFlightPullRequestQueue inFlightPullRequestQueue() {
        String url = require(config.closeChangesetsQueueUrl(), "CLOSE_CHANGESETS_QUEUE_URL");
        return (request, delay) -> sendDelayed(url, request.toJson(), delay);
    }

    /** Bulk operations on a campaign's changesets (issue 16): the resolver starts them, the queue's consumer runs them. */
    public ChangesetOperations changesetOperations() {
        return changesetOperations.get();
    }

    /** Auto-merge (issue 16): the campaigns' setting, and the merge the sync path makes when a changeset is ready. */
    public dev.campaigns.service.AutoMerge autoMerge() {
        return autoMerge.get();
    }

    /** The queue of bulk operation requests ({@code CHANGESET_OPERATIONS_QUEUE_URL}). */
    public ChangesetOperationQueue changesetOperationQueue() {
        String url = require(config.changesetOperationsQueueUrl(), "CHANGESET_OPERATIONS_QUEUE_URL");
        return (request, delay) -> sendDelayed(url, request.toJson(), delay);
    }

    /** Sends {@code body} to the queue at {@code url}, delivered no sooner than {@code delay} (SQS: 0 to 900 s). */
    private void sendDelayed(String url, String body, java.time.Duration delay) {
        sqs.get().sendMessage(b -> b.queueUrl(url).messageBody(body)
                .delaySeconds((int) Math.min(900, Math.max(0, delay.toSeconds()))));
    }

    private ChangesetOperations changesetOperations(Clock clock) {
        ChangesetStore stored = changesetStore.get();
        ChangesetOperations.Changesets reads = new ChangesetOperations.Changesets() {
            @Override
            public java.util.List<String> campaignChangesetIds(String campaignId) {
                return store.get().allCampaignChangesetIds(campaignId);
            }

            @Override
            public java.util.List<dev.campaigns.domain.Changeset> changesets(java.util.List<String> ids) {
                return stored.changesets(ids);
            }

            @Override
            public void refresh(String owner, dev.campaigns.domain.Changeset changeset) {
                changesets.get().syncChangeset(owner, changeset.id());
            }
        };
        // Writes to the code host share the pull requests' pacer budget (same host and token); the pacer is built
        // on the consumer's first paced write only, so the resolver needs no pacing table.
        ChangesetOperations.Pacing paced = (repository, key) -> pacer.get().reserve(
                codeHost.get().pacingKey(repository), "operation/" + key).slot();
        return new ChangesetOperations(new DynamoChangesetOperationStore(campaignsTable.get()), reads,
                (owner, campaignId) -> campaigns.get().campaign(owner, campaignId), codeHost,
                this::changesetOperationQueue, paced, clock, d -> Thread.sleep(d.toMillis()));
    }

    /** The queue verified webhook deliveries go to ({@code CHANGESET_EVENTS_QUEUE_URL}). */
    public ChangesetEventQueue changesetEventQueue() {
        String url = require(config.changesetEventsQueueUrl(), "CHANGESET_EVENTS_QUEUE_URL");
        return delivery -> sqs.get().sendMessage(b -> b.queueUrl(url).messageBody(delivery.toJson()));
    }

    /** The webhook secret, from Secrets Manager ({@code WEBHOOK_SECRET_ARN}). Never logged. */
    public String webhookSecret() {
        return webhookSecret.get();
    }

    /**
     * The secret {@code host} signs its webhook deliveries with: its own {@code webhookSecretArn}, read on first use,
     * else {@link #webhookSecret()}. Never logged.
     */
    public String webhookSecret(CodeHostConfig host) {
        if (host.webhookSecretArn() == null) {
            return webhookSecret();
        }
        return hostWebhookSecrets.computeIfAbsent(host.webhookSecretArn(), this::secret);
    }

    /**
     * Who a caller is ({@link OwnerRule}): {@code SESSION_OWNED_ROLES}, the comma-separated IAM role names whose
     * sessions are separate owners (a trailing {@code *} matches a prefix); unset: {@link OwnerRule#DEFAULT}.
     */
    public OwnerRule ownerRule() {
        return config.ownerRule();
    }

    /** Code host requests one scheduled sync run may spend ({@code SYNC_REQUEST_BUDGET}, default 250). */
    public int syncRequestBudget() {
        return config.syncRequestBudget();
    }

    /** Requests of the token's rate-limit window the sync leaves to others ({@code SYNC_RESERVE_REQUESTS}, 1000). */
    public int syncReserveRequests() {
        return config.syncReserveRequests();
    }

    /** The code host access; the first call reads the token (only functions that talk to the code host call it). */
    public CodeHostAccess codeHost() {
        return codeHost.get();
    }

    /**
     * {@code text} with the code host token redacted if this function has read the token; never reads it, never
     * fails (errors are redacted with it on their way out of every handler).
     */
    public String redact(String text) {
        return codeHost.redact(text);
    }

    public DynamoDbClient dynamo() {
        return dynamo.get();
    }

    GitEngineConfig gitConfig() {
        GitEngineConfig engine = config.gitCacheDir() == null ? GitEngineConfig.defaults()
                : GitEngineConfig.defaults().withCacheDir(config.gitCacheDir());
        if (config.gitSnapshotReads() != null) {
            engine = engine.withSnapshotReads(config.gitSnapshotReads());
        }
        if (config.gitCacheMaxMb() != null) {
            engine = engine.withCacheMaxBytes((long) config.gitCacheMaxMb() << 20);
        }
        return config.codeHostTimeout() == null ? engine : engine.withTimeout(config.codeHostTimeout());
    }

    /** The configuration this function was built with. */
    public Configuration configuration() {
        return config;
    }

    /**
     * The connections of a configured host: its credentials secret read now (the first time the function talks to
     * this host); {@code override} replaces the client (tests), keeping the configured sign-in.
     */
    private HostConnections connect(CodeHostConfig host, CodeHost override) {
        if (host.apiUrl() == null) {
            throw new Configuration.ConfigurationException("CODE_HOST_API_URL", "is not set");
        }
        if (host.gitUrl() == null && override == null) {
            throw new Configuration.ConfigurationException("CODE_HOST_GIT_URL", "is not set");
        }
        String secret = secret(host.secretArn());
        if (override == null) {
            return CodeHosts.connect(host, secret, clock, config.codeHostTimeout());
        }
        CodeHostTokens tokens = CodeHostTokens.fromSecret(host.kind(), secret, host.apiUrl(), clock,
                config.codeHostTimeout());
        return HostConnections.single(new CodeHostConnection(override, tokens.token(), host.apiUrl().toString(),
                tokens.pacingIdentity()));
    }

    /**
     * The {@code SecretString} of the Secrets Manager secret whose ARN (or name) {@code arnVariable} holds; empty
     * when none is configured (no token: anonymous remotes; no webhook secret: every delivery refused).
     */
    private String secret(String secretArn) {
        if (secretArn == null) {
            return "";
        }
        try (SecretsManagerClient secrets = client(SecretsManagerClient.builder(), "SECRETS_MANAGER").build()) {
            return secrets.getSecretValue(b -> b.secretId(secretArn)).secretString().strip();
        }
    }

    private <B extends AwsClientBuilder<B, C>, C> B client(B builder, String service) {
        builder.region(Region.of(config.aws().region()));
        String endpoint = config.aws().endpoint(service);
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        builder.credentialsProvider(credentials());
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClient(http.get());
        }
        return builder;
    }

    /**
     * The function's credentials as its environment gives them: a key, a secret and, as Lambda hands an execution
     * role's temporary credentials over, a session token; without them in the environment (SnapStart functions get
     * theirs from the container endpoint), the SDK's default chain.
     */
    private AwsCredentialsProvider credentials() {
        Configuration.Aws aws = config.aws();
        if (aws.hasStaticCredentials()) {
            return StaticCredentialsProvider.create(aws.sessionToken() == null
                    ? AwsBasicCredentials.create(aws.accessKeyId(), aws.secretAccessKey())
                    : AwsSessionCredentials.create(aws.accessKeyId(), aws.secretAccessKey(), aws.sessionToken()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static String require(String value, String variable) {
        return Configuration.require(value, variable);
    }

    /** A value built once, on first use, thread-safely. */
    private static final class Lazy<T> implements Supplier<T> {
        private final Supplier<T> factory;
        private volatile T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = factory.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
