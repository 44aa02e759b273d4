package dev.campaigns.infra.local.iam;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an AWS Signature Version 4 as the service does: finds the principal by the access key of the credential
 * scope, rebuilds the canonical request from what arrived (method, path, query, the signed headers, the SHA-256 of the
 * body that arrived), derives the signing key from the principal's secret key, and compares signatures; the session token must
 * be the principal's, the scope must name this region and service, and the signing time must be within 5 minutes.
 */
public final class SigV4Verifier {
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,\\s*"
                    + "SignedHeaders=([^,\\s]+),\\s*Signature=([0-9a-f]{64})\\s*");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });
    static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for "
            + "details.";
    static final String INVALID_TOKEN = "The security token included in the request is invalid.";

    private final Principals principals;
    private final String region;
    private final Clock clock;
    private final Map<String, byte[]> signingKeys = new ConcurrentHashMap<>();

    public SigV4Verifier(Principals principals, String region, Clock clock) {
        this.principals = principals;
        this.region = region;
        this.clock = clock;
    }

    /**
     * A request as it arrived.
     *
     * @param headers the values of a header by its name, any case ({@code host}: the Host the client addressed, also
     *                behind a local proxy, which passes it as {@code X-Forwarded-Host})
     */
    public record SignedRequest(String method, String rawPath, String rawQuery, Function<String, List<String>> headers,
                                byte[] body) {
    }

    /** The outcome: the principal, or why the request is refused. */
    public record Result(Principal principal, AwsErrors.AuthFailure failure, String message) {
        static Result ok(Principal p) {
            return new Result(p, null, null);
        }

        static Result refused(AwsErrors.AuthFailure failure, String message) {
            return new Result(null, failure, message);
        }

        public boolean ok() {
            return principal != null;
        }
    }

    public Result verify(LocalService service, SignedRequest request) {
        return verify(service.signingName(), request);
    }

    /** As {@link #verify(LocalService, SignedRequest)} for the service whose signing name is {@code signingName}. */
    public Result verify(String signingName, SignedRequest request) {
        String authorization = first(request, "authorization");
        if (authorization == null) {
            return Result.refused(AwsErrors.AuthFailure.MISSING, "Request is missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization);
        if (!m.matches()) {
            return Result.refused(AwsErrors.AuthFailure.BAD_SIGNATURE, "Authorization header requires 'Credential', "
                    + "'Signature' and 'SignedHeaders' parameters of AWS4-HMAC-SHA256.");
        }
        String accessKey = m.group(1);
        String date = m.group(2);
        String scopeRegion = m.group(3);
        String scopeService = m.group(4);
        String signedHeaders = m.group(5);
        String signature = m.group(6);
        Optional<Principal> found = principals.byAccessKey(accessKey);
        if (found.isEmpty()) {
            return Result.refused(AwsErrors.AuthFailure.UNKNOWN_KEY, INVALID_TOKEN);
        }
        Principal principal = found.get();
        String token = first(request, "x-amz-security-token");
        String expectedToken = principal.credentials().sessionToken();
        if (expectedToken != null && !MessageDigest.isEqual(bytes(expectedToken), bytes(token == null ? "" : token))) {
            return Result.refused(AwsErrors.AuthFailure.UNKNOWN_KEY, INVALID_TOKEN);
        }
        if (!scopeService.equals(signingName)) {
            return Result.refused(AwsErrors.AuthFailure.BAD_SIGNATURE, "Credential should be scoped to correct "
                    + "service: '" + signingName + "'. ");
        }
        if (!scopeRegion.equals(region)) {
            return Result.refused(AwsErrors.AuthFailure.BAD_SIGNATURE, "Credential should be scoped to a valid "
                    + "region. ");
        }
        String amzDate = first(request, "x-amz-date");
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate == null ? "" : amzDate));
        } catch (DateTimeParseException e) {
            return Result.refused(AwsErrors.AuthFailure.BAD_SIGNATURE, "The request must contain a valid "
                    + "X-Amz-Date header.");
        }
        if (!amzDate.startsWith(date)) {
            return Result.refused(AwsErrors.AuthFailure.BAD_SIGNATURE, "Date in Credential scope does not match "
                    + "YYYYMMDD from ISO-8601 version of date from HTTP: '" + date + "' != '"
                    + amzDate.substring(0, 8) + "', from '" + amzDate + "'.");
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(SKEW))) {
            return Result.refused(AwsErrors.AuthFailure.BAD_SIGNATURE, "Signature expired: " + amzDate
                    + " is now earlier than " + AMZ_DATE.format(now.minus(SKEW)) + " (" + AMZ_DATE.format(now)
                    + " - 5 min.)");
        }
        if (signedAt.isAfter(now.plus(SKEW))) {
            return Result.refused(AwsErrors.AuthFailure.BAD_SIGNATURE, "Signature not yet current: " + amzDate
                    + " is still later than " + AMZ_DATE.format(now.plus(SKEW)) + " (" + AMZ_DATE.format(now)
                    + " + 5 min.)");
        }
        String canonical = canonicalRequest(request, signedHeaders);
        String scope = date + "/" + scopeRegion + "/" + scopeService + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(bytes(canonical)));
        byte[] key = signingKeys.computeIfAbsent(principal.credentials().secretAccessKey() + "/" + scope,
                k -> signingKey(principal.credentials().secretAccessKey(), date, scopeRegion, scopeService));
        String expected = hex(hmac(key, bytes(toSign)));
        if (!MessageDigest.isEqual(bytes(expected), bytes(signature))) {
            return Result.refused(AwsErrors.AuthFailure.BAD_SIGNATURE, SIGNATURE_MISMATCH);
        }
        return Result.ok(principal);
    }

    private static String canonicalRequest(SignedRequest request, String signedHeaders) {
        StringBuilder c = new StringBuilder();
        c.append(request.method()).append('\n');
        String path = request.rawPath() == null || request.rawPath().isEmpty() ? "/" : request.rawPath();
        c.append(encode(path, true)).append('\n');
        c.append(canonicalQuery(request.rawQuery())).append('\n');
        for (String name : signedHeaders.split(";")) {
            List<String> values = "host".equals(name) && !request.headers().apply("x-forwarded-host").isEmpty()
                    ? request.headers().apply("x-forwarded-host") : request.headers().apply(name);
            List<String> trimmed = new ArrayList<>();
            for (String v : values) {
                trimmed.add(SPACES.matcher(v.strip()).replaceAll(" "));
            }
            c.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        c.append('\n').append(signedHeaders).append('\n');
        // The hash of the body that arrived (also when the client sent x-amz-content-sha256): a changed body fails.
        c.append(hex(sha256(request.body())));
        return c.toString();
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String p : rawQuery.split("&")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
            pairs.add(new String[] {encode(k, false), encode(v, false)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> out = new ArrayList<>();
        for (String[] p : pairs) {
            out.add(p[0] + "=" + p[1]);
        }
        return String.join("&", out);
    }

    /** SigV4's URI encoding: unreserved characters as they are, everything else %XX (upper case). */
    static String encode(String s, boolean keepSlash) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char ch = (char) (b & 0xff);
            if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'
                    || ch == '_' || ch == '.' || ch == '~' || (keepSlash && ch == '/')) {
                out.append(ch);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static String first(SignedRequest request, String header) {
        List<String> values = request.headers().apply(header);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] k = hmac(bytes("AWS4" + secret), bytes(date));
        k = hmac(k, bytes(region));
        k = hmac(k, bytes(service));
        return hmac(k, bytes("aws4_request"));
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = HMAC.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        return SHA256.get().digest(data);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
