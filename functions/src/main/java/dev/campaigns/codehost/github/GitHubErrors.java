package dev.campaigns.codehost.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.CodeHostException.Kind;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kohsuke.github.GHIOException;
import org.kohsuke.github.HttpException;

/**
 * Turns github-api's exceptions into classified {@link CodeHostException}s.
 *
 * <p>github-api reports an HTTP error as {@link HttpException} whose message is the raw JSON body (for example a
 * 422's {@code {"message":"Validation Failed","errors":[...]}}), a 404 as {@code GHFileNotFoundException}, and a
 * failure without a response (timeout, dropped connection) as an {@link HttpException} with code -1 wrapping the
 * I/O error. This class reads GitHub's {@code message} and {@code errors[].message} out of the body so the
 * resulting message is readable, and never includes request headers (where the token lives).
 */
final class GitHubErrors {

    private static final ObjectMapper JSON = dev.campaigns.util.Json.MAPPER;

    private GitHubErrors() {
    }

    static CodeHostException classify(String operation, IOException e, RateLimitPolicy rateLimits) {
        if (e instanceof RateLimitPolicy.RateLimitedException limited) {
            return new CodeHostException(Kind.RATE_LIMITED, limited.status,
                    operation + ": " + limited.getMessage(), limited.pause, e);
        }
        if (e instanceof FileNotFoundException) {
            return new CodeHostException(Kind.NOT_FOUND, 404, operation + ": 404 " + hostMessage(e.getMessage()),
                    null, e);
        }
        if (e instanceof HttpException http && http.getResponseCode() > 0) {
            return fromStatus(operation, http.getResponseCode(), hostMessage(http.getMessage()), e);
        }
        if (e instanceof GHIOException && String.valueOf(e.getMessage()).startsWith("Ran out of retries")) {
            // github-api retried after our bounded rate-limit waits and was still limited.
            Duration pause = rateLimits.lastPauseOnThisThread();
            return new CodeHostException(Kind.RATE_LIMITED, 403,
                    operation + ": still rate limited after waiting; retry after " + pause, pause, e);
        }
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException) {
                return new CodeHostException(Kind.TIMEOUT, operation + ": no response in time (" + describe(cause)
                        + ")", e);
            }
            if (cause instanceof InterruptedIOException && !(cause instanceof SocketTimeoutException)) {
                return new CodeHostException(Kind.NETWORK, operation + ": interrupted", e);
            }
            if (cause instanceof ConnectException) {
                return new CodeHostException(Kind.NETWORK, operation + ": cannot connect (" + describe(cause) + ")",
                        e);
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return new CodeHostException(Kind.NETWORK, operation + ": connection failed (" + describe(rootCause(e))
                + ")", e);
    }

    /** The classification of an HTTP error status; public to the package for tests and the docs table. */
    static CodeHostException fromStatus(String operation, int status, String hostMessage, Throwable cause) {
        String message = operation + ": " + status + " " + hostMessage;
        Kind kind;
        Duration retryAfter = null;
        if (status == 401) {
            kind = Kind.UNAUTHORIZED;
        } else if (status == 403 && hostMessage.toLowerCase(Locale.ROOT).contains("rate limit")) {
            // A rate-limit 403 that github-api did not route to a handler (no limit headers).
            kind = Kind.RATE_LIMITED;
            retryAfter = RateLimitPolicy.DEFAULT_PAUSE;
        } else if (status == 429) {
            kind = Kind.RATE_LIMITED;
            retryAfter = RateLimitPolicy.DEFAULT_PAUSE;
        } else if (status == 403 || status == 451) {
            kind = Kind.FORBIDDEN;
        } else if (status == 404 || status == 410) {
            kind = Kind.NOT_FOUND;
        } else if (status == 400 || status == 405 || status == 409 || status == 422) { // 405: merge refused
            kind = Kind.VALIDATION;
        } else if (status == 408) {
            kind = Kind.TIMEOUT;
        } else if (status >= 500) {
            kind = Kind.SERVER_ERROR;
        } else {
            kind = Kind.UNKNOWN;
        }
        return new CodeHostException(kind, status, message, retryAfter, cause);
    }

    /** Whether {@code e} is GitHub's 422 "A pull request already exists for owner:branch." */
    static boolean isPullRequestAlreadyExists(IOException e) {
        return e instanceof HttpException http && http.getResponseCode() == 422
                && errorMessages(http.getMessage()).stream()
                        .anyMatch(m -> m.startsWith("A pull request already exists"));
    }

    /** GitHub's "message" plus each "errors[].message" (or field/code) from a JSON error body; else the raw text. */
    static String hostMessage(String body) {
        if (body == null || body.isBlank()) {
            return "(no message)";
        }
        int start = body.indexOf('{');
        if (start < 0) {
            return truncate(body.trim());
        }
        try {
            JsonNode json = JSON.readTree(body.substring(start));
            StringBuilder sb = new StringBuilder(json.path("message").asText("(no message)"));
            List<String> details = errorMessages(body);
            if (!details.isEmpty()) {
                sb.append(": ").append(String.join("; ", details));
            }
            return sb.toString();
        } catch (IOException notJson) {
            return truncate(body.trim());
        }
    }

    private static List<String> errorMessages(String body) {
        List<String> out = new ArrayList<>();
        if (body == null) {
            return out;
        }
        int start = body.indexOf('{');
        if (start < 0) {
            return out;
        }
        try {
            for (JsonNode error : JSON.readTree(body.substring(start)).path("errors")) {
                if (error.hasNonNull("message")) {
                    out.add(error.get("message").asText());
                } else if (error.isObject()) {
                    out.add(error.path("resource").asText("?") + "." + error.path("field").asText("?") + " "
                            + error.path("code").asText("invalid"));
                } else {
                    out.add(error.asText());
                }
            }
        } catch (IOException ignored) {
            // not JSON: no details
        }
        return out;
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cur = t;
        while (cur.getCause() != null && cur.getCause() != cur) {
            cur = cur.getCause();
        }
        return cur;
    }

    private static String truncate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
