package dev.campaigns.infra.local;

import dev.campaigns.infra.local.iam.AwsErrors;
import dev.campaigns.infra.local.iam.Principal;
import dev.campaigns.infra.local.iam.Principals;
import dev.campaigns.infra.local.iam.SigV4Verifier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Who a request to the local AppSync is, as AppSync decides it, in one place:
 *
 * <ol>
 *   <li>a request signed with SigV4 ({@code Authorization: AWS4-HMAC-SHA256 ...}, service {@code appsync}) is the
 *       IAM user whose local access key signed it, checked by {@link SigV4Verifier}; it reaches the resolvers as
 *       AppSync's IAM identity ({@code accountId}, {@code userArn}, {@code username}, {@code sourceIp}...). A wrong
 *       signature, an unknown key or a stale date is refused as AppSync refuses it (403 with
 *       {@code InvalidSignatureException} or {@code UnrecognizedClientException});</li>
 *   <li>else the {@code x-campaigns-user} header names a user (the local stand-in for a Cognito user pool sign-in:
 *       a Cognito identity whose {@code sub} is that name);</li>
 *   <li>else the default user ({@code serve}'s {@code --user}), when there is one; without one the request is
 *       refused with AppSync's 401 {@code UnauthorizedException}.</li>
 * </ol>
 *
 * <p>Local IAM users get their access keys from {@link #credentials(String)} (what {@code serve} prints).
 */
public final class AppSyncCallers {
    /** AppSync's signing name (the service of the credential scope). */
    public static final String SIGNING_NAME = "appsync";
    static final String MISSING_MESSAGE = "Valid authorization header not provided.";

    private final String defaultUser;
    private final Principals users;
    private final SigV4Verifier verifier;

    /**
     * @param defaultUser who a request without identity acts as; null: such requests are refused
     */
    public AppSyncCallers(String defaultUser, String region, String account, Clock clock) {
        this.defaultUser = defaultUser;
        this.users = new Principals(account);
        this.verifier = new SigV4Verifier(users, region, clock);
    }

    /** Requests without identity act as {@link LocalAppSync#DEFAULT_USER}; SigV4 in us-east-1. */
    public static AppSyncCallers withDefaultUser(String defaultUser) {
        return new AppSyncCallers(defaultUser, "us-east-1", "123456789012", Clock.systemUTC());
    }

    public String defaultUser() {
        return defaultUser;
    }

    /** The local IAM user {@code name}'s access key (created on first use), for signing requests as that user. */
    public Principal.Credentials credentials(String name) {
        return users.addUser(name).credentials();
    }

    /** Who a request is, or why it is refused. */
    public record Caller(String user, Map<String, Object> identity, int status, String errorType, String message) {
        public boolean refused() {
            return identity == null;
        }

        static Caller refuse(int status, String errorType, String message) {
            return new Caller(null, null, status, errorType, message);
        }
    }

    /**
     * Identifies a request.
     *
     * @param headers a header's values by name (any case)
     * @param body    the request body as it arrived (the signature covers it)
     */
    public Caller identify(String method, String rawPath, String rawQuery, Function<String, List<String>> headers,
                           byte[] body, String sourceIp) {
        List<String> authorization = headers.apply("authorization");
        String auth = authorization == null || authorization.isEmpty() ? null : authorization.get(0);
        if (auth != null && auth.startsWith("AWS4-HMAC-SHA256")) {
            SigV4Verifier.Result result = verifier.verify(SIGNING_NAME,
                    new SigV4Verifier.SignedRequest(method, rawPath, rawQuery, headers, body));
            if (!result.ok()) {
                String type = result.failure() == AwsErrors.AuthFailure.UNKNOWN_KEY ? "UnrecognizedClientException"
                        : "InvalidSignatureException";
                return Caller.refuse(403, type, result.message());
            }
            Principal p = result.principal();
            String arn = p.sessionArn();
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("accountId", users.account());
            identity.put("cognitoIdentityPoolId", null);
            identity.put("cognitoIdentityId", null);
            identity.put("sourceIp", List.of(sourceIp));
            identity.put("username", "AIDA" + p.credentials().accessKeyId().substring(4));
            identity.put("userArn", arn);
            identity.put("cognitoIdentityAuthType", null);
            identity.put("cognitoIdentityAuthProvider", null);
            return new Caller(arn, Collections.unmodifiableMap(identity), 200, null, null);
        }
        if (auth != null) {
            // A Cognito token: the local stack has no user pool to check it against.
            return Caller.refuse(401, "UnauthorizedException", "The local AppSync takes SigV4-signed requests or "
                    + "the x-campaigns-user header, not tokens (a Cognito token is for a deployed API).");
        }
        List<String> named = headers.apply(LocalAppSync.USER_HEADER);
        String user = named == null || named.isEmpty() || named.get(0).isBlank() ? defaultUser : named.get(0);
        if (user == null) {
            return Caller.refuse(401, "UnauthorizedException", MISSING_MESSAGE);
        }
        return new Caller(user, cognito(user), 200, null, null);
    }

    /** A Cognito user pool identity whose {@code sub} and {@code username} are {@code user}. */
    static Map<String, Object> cognito(String user) {
        return Map.of("sub", user, "username", user, "issuer", "local", "claims", Map.of());
    }

    static List<String> values(java.util.Enumeration<String> e) {
        List<String> out = new ArrayList<>();
        while (e != null && e.hasMoreElements()) {
            out.add(e.nextElement());
        }
        return out;
    }
}
