package dev.campaigns.codehost;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A code host operation failed. The {@link Kind} classifies the failure so callers retry only what can succeed:
 * transient kinds (rate limits, server errors, timeouts, dropped connections) are worth retrying, possibly after
 * {@link #retryAfter()}; permanent kinds (missing repository, no permission, validation) fail the same way again.
 *
 * <p>Messages carry the HTTP status, the host's own message and the request path, never a credential.
 */
public class CodeHostException extends RuntimeException {

    /** Why the operation failed. */
    public enum Kind {
        /** The repository, branch or pull request does not exist, or the token cannot see it (HTTP 404). */
        NOT_FOUND(false),
        /** The token is missing, wrong, expired or revoked (HTTP 401). */
        UNAUTHORIZED(false),
        /** The token is valid but lacks permission, or access is blocked (HTTP 403 without rate-limit signs, 451). */
        FORBIDDEN(false),
        /** The host rejected the request, e.g. base branch missing, no commits between branches (400, 409, 422). */
        VALIDATION(false),
        /** Primary or secondary rate limit; {@link #retryAfter()} says when to try again (403/429 with limit headers). */
        RATE_LIMITED(true),
        /** The host failed (HTTP 5xx). */
        SERVER_ERROR(true),
        /** No response within the configured timeout. */
        TIMEOUT(true),
        /** The connection failed or was dropped before a complete response. */
        NETWORK(true),
        /** Anything not classified above; treated as permanent so it surfaces instead of looping. */
        UNKNOWN(false);

        private final boolean isTransient;

        Kind(boolean isTransient) {
            this.isTransient = isTransient;
        }

        /** Whether retrying the same request can succeed. */
        public boolean isTransient() {
            return isTransient;
        }
    }

    private final Kind kind;
    private final int httpStatus;
    private final Duration retryAfter;

    public CodeHostException(Kind kind, int httpStatus, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    public CodeHostException(Kind kind, String message, Throwable cause) {
        this(kind, -1, message, null, cause);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isTransient() {
        return kind.isTransient();
    }

    /** The HTTP status the host answered with, or -1 when there was no response. */
    public int httpStatus() {
        return httpStatus;
    }

    /** How long the host asked us to wait before retrying (rate limits), when it said so. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
