package dev.campaigns.git;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Keeps the access token out of every message and stack trace the engine produces: remote errors are
 * rebuilt as {@link Redacted} copies whose messages went through {@link #scrub}, with the original stack
 * traces but none of the original exception objects (whose messages may quote the token or a URL with
 * credentials).
 */
final class Redaction {
    private static final Pattern URL_USERINFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]+@");

    private Redaction() {}

    /** A throwable standing in for a remote error, carrying its scrubbed message and its stack trace. */
    static final class Redacted extends Exception {
        private static final long serialVersionUID = 1L;

        Redacted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static String scrub(String text, RemoteCredentials credentials) {
        if (text == null) {
            return null;
        }
        String s = text;
        if (credentials != null && credentials.present()) {
            String token = credentials.token();
            s = s.replace(token, "***");
            s = s.replace(URLEncoder.encode(token, StandardCharsets.UTF_8), "***");
            s = s.replace(Base64.getEncoder().encodeToString(("x-access-token:" + token).getBytes(StandardCharsets.UTF_8)), "***");
        }
        return URL_USERINFO.matcher(s).replaceAll("$1***@");
    }

    /** A scrubbed copy of {@code t} and its causes (at most 10 deep). */
    static Throwable copy(Throwable t, RemoteCredentials credentials) {
        return copy(t, credentials, 0);
    }

    private static Throwable copy(Throwable t, RemoteCredentials credentials, int depth) {
        if (t == null || depth > 10) {
            return null;
        }
        Throwable cause = copy(t.getCause(), credentials, depth + 1);
        Redacted r = new Redacted(t.getClass().getName() + ": " + scrub(t.getMessage(), credentials), cause);
        r.setStackTrace(t.getStackTrace());
        return r;
    }
}
