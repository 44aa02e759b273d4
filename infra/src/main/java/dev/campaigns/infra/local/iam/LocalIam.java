package dev.campaigns.infra.local.iam;

import dev.campaigns.infra.local.SamTemplate;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * IAM for one local stack, as AWS runs it for the deployed template: each function runs with its own execution
 * role's temporary credentials (handed over in its environment, as Lambda does), the state machine with its role,
 * AppSync's data sources with their service role; every call a function makes to DynamoDB, SQS, Step Functions
 * and Secrets Manager passes the {@link IamGateway}, and the engine's and AppSync's Lambda invocations are checked
 * with {@link #denial}. Policies come from {@code template.yaml} ({@link TemplatePolicies}).
 */
public final class LocalIam implements AutoCloseable {
    /** The session name AppSync uses when it assumes a data source's service role. */
    public static final String APPSYNC_SESSION = "APPSYNC_ASSUME_ROLE";
    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final String region;
    private final String stackName;
    private final Principals principals;
    private final IamUsage usage = new IamUsage();
    private final LocalSecretsManager secrets;
    private final boolean projectTemplate;
    private volatile IamGateway gateway;

    /**
     * @param projectTemplate whether the stack runs the project's own template.yaml (its usage then counts in the
     *                        unused-grants report)
     */
    public LocalIam(String region, String account, String stackName, boolean projectTemplate) {
        this.region = region;
        this.stackName = stackName;
        this.principals = new Principals(account);
        this.secrets = new LocalSecretsManager(region, account);
        this.projectTemplate = projectTemplate;
    }

    public LocalSecretsManager secrets() {
        return secrets;
    }

    /**
     * Creates the roles of {@code template}: one per function (session: the function's name), one for the state
     * machine (a random session name per stack, as Step Functions uses), and one per {@code AWS::IAM::Role}
     * (session {@value #APPSYNC_SESSION}: the template's roles are AppSync's data source roles).
     *
     * @param refs the local values of the template's logical IDs, parameters and attributes
     */
    public void addRoles(SamTemplate template, Function<String, String> refs) {
        TemplatePolicies policies = new TemplatePolicies(template, refs);
        for (SamTemplate.Function f : template.functions()) {
            principals.add(f.logicalId(), stackName + "-" + f.logicalId() + "Role-" + suffix(f.logicalId()),
                    f.logicalId(), policies.function(f.logicalId()));
        }
        SamTemplate.StateMachine machine = template.stateMachine();
        principals.add(machine.logicalId(), stackName + "-" + machine.logicalId() + "Role-" + suffix(machine.logicalId()),
                randomLetters(32), policies.stateMachine(machine.logicalId()));
        for (String role : template.resources("AWS::IAM::Role").keySet()) {
            principals.add(role, stackName + "-" + role + "-" + suffix(role), APPSYNC_SESSION, policies.role(role));
        }
    }

    /**
     * Starts the gateway in front of the local services.
     *
     * @param dynamoDb      DynamoDB Local's endpoint
     * @param sqs           ElasticMQ's endpoint
     * @param stepFunctions the local Step Functions engine's endpoint
     */
    public void start(URI dynamoDb, URI sqs, URI stepFunctions) {
        Map<LocalService, IamGateway.Backend> backends = new EnumMap<>(LocalService.class);
        backends.put(LocalService.DYNAMODB, IamGateway.Backend.http(dynamoDb));
        backends.put(LocalService.SQS, IamGateway.Backend.http(sqs));
        backends.put(LocalService.STEP_FUNCTIONS, IamGateway.Backend.http(stepFunctions));
        backends.put(LocalService.SECRETS_MANAGER, (operation, body, in) -> secrets.handle(operation, body));
        gateway = new IamGateway(backends, new SigV4Verifier(principals, region, Clock.systemUTC()),
                new RequestActions(region, principals.account(), secrets::arnOf), new IamGateway.Authorizer() {
                    @Override
                    public IamPolicy.Decision evaluate(Principal principal, ServiceCall call) {
                        return principal.policy().evaluate(call.action(), call.resource());
                    }

                    @Override
                    public void record(Principal principal, ServiceCall call, IamPolicy.Decision decision) {
                        usage.record(principal, call, decision);
                    }
                });
    }

    /** The gateway's endpoint for {@code service}: what the functions' {@code AWS_ENDPOINT_URL_*} point at. */
    public URI endpoint(LocalService service) {
        return gateway.endpoint(service);
    }

    /** What Lambda puts in function {@code logicalId}'s environment: its role's temporary credentials. */
    public Map<String, String> functionCredentials(String logicalId) {
        Principal.Credentials c = principals.byName(logicalId).credentials();
        return Map.of("AWS_ACCESS_KEY_ID", c.accessKeyId(), "AWS_SECRET_ACCESS_KEY", c.secretAccessKey(),
                "AWS_SESSION_TOKEN", c.sessionToken());
    }

    public Principal principal(String name) {
        return principals.byName(name);
    }

    public Optional<Principal> principalOfRole(String roleArn) {
        return principals.byRole(roleArn);
    }

    /**
     * Authorises (and records) {@code action} on {@code resource} for the principal {@code name}: null when allowed,
     * else AWS's message.
     */
    public String denial(String name, String action, String resource) {
        return denial(principals.byName(name), action, resource);
    }

    /** As {@link #denial(String, String, String)}, for the principal whose role is {@code roleArn}. */
    public String denialForRole(String roleArn, String action, String resource) {
        Optional<Principal> p = principals.byRole(roleArn);
        if (p.isEmpty()) {
            return "The role " + roleArn + " does not exist (no role of template.yaml)";
        }
        return denial(p.get(), action, resource);
    }

    private String denial(Principal p, String action, String resource) {
        IamPolicy.Decision d = decide(p, new ServiceCall(action, resource));
        return d.allowed() ? null : p.denial(action, resource, d.outcome());
    }

    private IamPolicy.Decision decide(Principal p, ServiceCall call) {
        IamPolicy.Decision d = p.policy().evaluate(call.action(), call.resource());
        usage.record(p, call, d);
        return d;
    }

    public IamUsage usage() {
        return usage;
    }

    /** Stops the gateway and, when {@value IamUsage#DIRECTORY_PROPERTY} is set, writes the usage record there. */
    @Override
    public void close() {
        if (gateway != null) {
            gateway.close();
        }
        String dir = System.getProperty(IamUsage.DIRECTORY_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            usage.write(Path.of(dir), principals.all(), projectTemplate);
        }
    }

    /** A CloudFormation-like suffix for a physical name: 12 upper-case characters, stable per logical ID. */
    private static String suffix(String logicalId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(logicalId.getBytes(StandardCharsets.UTF_8));
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 12; i++) {
                s.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".charAt((h[i] & 0xff) % 36));
            }
            return s.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomLetters(int n) {
        SecureRandom random = new SecureRandom();
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        return s.toString();
    }
}
