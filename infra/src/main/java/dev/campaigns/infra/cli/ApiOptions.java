package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.GraphQLClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Where the Campaigns API is and who calls it, shared by every verb that talks to the API (a picocli mixin).
 *
 * <p>The endpoint is {@code --endpoint}, else {@code CAMPAIGNS_ENDPOINT}, else the config file's {@code endpoint},
 * else the local {@code serve} ({@value #LOCAL_ENDPOINT}). The caller is, in this order:
 * <ul>
 *   <li>a Cognito token ({@code --token}, {@code CAMPAIGNS_TOKEN}, config {@code token}): sent as AppSync expects
 *       it, in the {@code Authorization} header;</li>
 *   <li>SigV4 with the AWS SDK's signer (service {@code appsync}) when {@code --sigv4} is given or the endpoint is
 *       an AppSync URL ({@code *.appsync-api.REGION.amazonaws.com}): credentials from {@code AWS_ACCESS_KEY_ID},
 *       {@code AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN}), else the SDK's default credential chain
 *       (profiles, SSO, instance roles...); the region from {@code --region}, else an AppSync URL's host, else
 *       {@code AWS_REGION}, the config file or {@code AWS_DEFAULT_REGION};</li>
 *   <li>otherwise, on the local stack, {@code --user} ({@code CAMPAIGNS_USER}) as the {@code x-campaigns-user}
 *       header, or nothing: {@code serve}'s default user.</li>
 * </ul>
 */
public final class ApiOptions {
    public static final String LOCAL_ENDPOINT = "http://127.0.0.1:4000/graphql";
    private static final Pattern APPSYNC_HOST = Pattern.compile("[^.]+\\.appsync-api\\.([a-z0-9-]+)\\.amazonaws\\.com");

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "The Campaigns GraphQL API (default: CAMPAIGNS_ENDPOINT, the config file, or the local "
                    + "serve at " + LOCAL_ENDPOINT + ").")
    String endpoint;

    @Option(names = "--token", paramLabel = "JWT",
            description = "A Cognito user pool token for a deployed API (default: CAMPAIGNS_TOKEN).")
    String token;

    @Option(names = "--sigv4", description = "Sign requests with SigV4 (AWS credentials) even if the endpoint is not "
            + "an AppSync URL (e.g. the local serve, or AppSync behind a custom domain).")
    boolean sigv4;

    @Option(names = "--region", description = "AWS region for SigV4 (default: AWS_REGION, or the endpoint's).")
    String region;

    @Option(names = "--user", description = "On the local serve: act as this user (x-campaigns-user; default: "
            + "CAMPAIGNS_USER, or serve's default user).")
    String user;

    /** The endpoint this command talks to. */
    public String endpoint(CliEnvironment env) {
        String url = env.setting(endpoint, "CAMPAIGNS_ENDPOINT", "endpoint", LOCAL_ENDPOINT);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the endpoint is not a URL: " + url);
        }
        if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("the endpoint must be an http(s) URL such as " + LOCAL_ENDPOINT
                    + ", got " + url);
        }
        return url;
    }

    /** Whether the endpoint is the local stack's (the code host then defaults to serve's). */
    public boolean isLocal(CliEnvironment env) {
        String host = URI.create(endpoint(env)).getHost();
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
    }

    public CampaignsApi api(CliEnvironment env) {
        return new CampaignsApi(client(env));
    }

    public GraphQLClient client(CliEnvironment env) {
        return new GraphQLClient(endpoint(env), identity(env));
    }

    /** Who the requests say they are: a token, a SigV4 signature, or the local user header (see the class). */
    GraphQLClient.Identity identity(CliEnvironment env) {
        String url = endpoint(env);
        String jwt = env.setting(token, "CAMPAIGNS_TOKEN", "token", null);
        if (jwt != null) {
            return (request, u, body) -> request.header("Authorization", jwt);
        }
        Matcher appsync = APPSYNC_HOST.matcher(URI.create(url).getHost());
        if (sigv4 || appsync.matches()) {
            // An AppSync URL names its region; otherwise the flag, the environment, the config file.
            String signingRegion = region == null && appsync.matches() ? appsync.group(1)
                    : env.setting(region, "AWS_REGION", "region", env.variable("AWS_DEFAULT_REGION") != null
                            ? env.variable("AWS_DEFAULT_REGION") : "us-east-1");
            return sigV4(credentials(env), signingRegion);
        }
        return GraphQLClient.Identity.localUser(env.setting(user, "CAMPAIGNS_USER", "user", null));
    }

    /** AWS credentials: the environment's keys when set, else the SDK's default chain. */
    static AwsCredentialsProvider credentials(CliEnvironment env) {
        String key = env.variable("AWS_ACCESS_KEY_ID");
        String secret = env.variable("AWS_SECRET_ACCESS_KEY");
        if (key != null && secret != null) {
            String session = env.variable("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(session == null ? AwsBasicCredentials.create(key, secret)
                    : AwsSessionCredentials.create(key, secret, session));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** Signs each request with SigV4 for AppSync in {@code region}, as AppSync's IAM authorisation expects. */
    static GraphQLClient.Identity sigV4(AwsCredentialsProvider credentials, String region) {
        AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        return (request, url, body) -> {
            AwsCredentialsIdentity identity;
            try {
                identity = credentials.resolveCredentials();
            } catch (SdkClientException e) {
                throw new IllegalArgumentException("no AWS credentials to sign requests with (set AWS_ACCESS_KEY_ID "
                        + "and AWS_SECRET_ACCESS_KEY, or a profile): " + e.getMessage(), e);
            }
            SdkHttpRequest unsigned = SdkHttpRequest.builder().uri(url).method(SdkHttpMethod.POST)
                    .putHeader("content-type", "application/json").build();
            SignedRequest signed = signer.sign(r -> r.identity(identity).request(unsigned)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "appsync")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
            for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
                String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
                if (!name.equals("host") && !name.equals("content-length") && !name.equals("content-type")) {
                    h.getValue().forEach(v -> request.header(h.getKey(), v));
                }
            }
        };
    }
}
