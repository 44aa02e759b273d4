package dev.campaigns.infra.codehost;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import dev.campaigns.codehost.CodeHostKind;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * Everything in front of the API and git handlers, in GitHub's order: count the request, apply injected faults,
 * authenticate (401), enforce rate limits (403), then hand over.
 *
 * <p>API calls authenticate with {@code Authorization: token <t>} or {@code Bearer <t>}; git over HTTP with basic
 * auth whose password is the token (GitHub's {@code x-access-token:<token>}). A read-only token may fetch and read
 * but gets 403 for pushes and API writes.
 */
final class FrontFilter implements Filter {

    /** The request's primary rate-limit window (for GET /rate_limit). */
    static final String PRIMARY = "campaigns.local.primary";
    /** Set when the caller authenticated as the registered GitHub App (a valid JWT). */
    static final String APP = FrontFilter.class.getName() + ".app";
    /** The caller's {@link LocalCodeHost.Access}; absent for an anonymous API call. */
    static final String ACCESS = FrontFilter.class.getName() + ".access";
    /** GitHub's limit for unauthenticated API calls, per hour. */
    static final int ANONYMOUS_LIMIT = 60;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final String SECONDARY_LIMIT_MESSAGE = "You have exceeded a secondary rate limit. Please wait a "
            + "few minutes before you try again. If you reach out to GitHub Support for help, please include the "
            + "request ID %s.";

    private final LocalCodeHost host;
    private final Routes<?> apiRoutes;

    FrontFilter(LocalCodeHost host, Routes<?> apiRoutes) {
        this.host = host;
        this.apiRoutes = apiRoutes;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        String path = req.getRequestURI();
        String prefix = host.apiPrefix();
        CodeHostKind kind = host.kind();
        boolean api = path.equals(prefix) || path.startsWith(prefix + "/");
        host.count(api ? apiRoutes.endpoint(req.getMethod(), path.substring(prefix.length()))
                : "GIT " + req.getMethod() + " " + gitEndpoint(path));
        resp.setHeader("Date", HTTP_DATE.format(host.clock().instant()));
        String requestId = Long.toHexString(System.nanoTime()).toUpperCase();
        resp.setHeader("X-GitHub-Request-Id", requestId);

        Fault fault = host.faults().claim(req.getMethod(), path);
        if (fault != null) {
            switch (fault.action()) {
                case STATUS -> {
                    fault.headers().forEach(resp::setHeader);
                    writeRaw(resp, fault.statusCode(), fault.body());
                    return;
                }
                case DROP_CONNECTION -> {
                    ServletContextRequest.getServletContextRequest(req).getConnectionMetaData().getConnection()
                            .getEndPoint().close();
                    return;
                }
                case SECONDARY_RATE_LIMIT -> {
                    host.countSecondaryLimitResponse();
                    if (kind == CodeHostKind.GITHUB) {
                        secondaryLimit(resp, fault.duration(), requestId);
                    } else {
                        tooManyRequests(resp, fault.duration(), kind);
                    }
                    return;
                }
                case DELAY -> sleep(fault.duration());
                case BEFORE -> fault.beforeHook().run();
                default -> throw new IllegalStateException("unknown fault action " + fault.action());
            }
        }

        String token = api ? apiToken(req) : gitToken(req);
        if (api && kind == CodeHostKind.GITHUB && token != null && token.chars().filter(ch -> ch == '.').count() == 2
                && host.githubApp() != null) {
            // A GitHub App's JWT: good only for the app's own endpoints (/app/..., .../installation).
            if (!host.validAppJwt(token)) {
                writeRaw(resp, 401, "{\"message\":\"A JSON web token could not be decoded\",\"documentation_url\":"
                        + "\"https://docs.github.com/rest\",\"status\":\"401\"}");
                return;
            }
            req.setAttribute(APP, Boolean.TRUE);
            chain.doFilter(request, response);
            return;
        }
        LocalCodeHost.Access access = token == null ? null : host.access(token);
        if (access == null && (token != null || !api)) {
            // A wrong token is refused everywhere, as on github.com; git asks for credentials. An API call without
            // any token goes on as anonymous: it sees no (private) repository and gets 401 where GitHub needs one.
            if (api) {
                writeRaw(resp, 401, switch (kind) {
                    case GITHUB -> "{\"message\":\"Bad credentials\",\"documentation_url\":"
                            + "\"https://docs.github.com/rest\",\"status\":\"401\"}";
                    case GITLAB -> "{\"message\":\"401 Unauthorized\"}";
                    case BITBUCKET_SERVER -> "{\"errors\":[{\"message\":\"Authentication failed. "
                            + "Please check your credentials and try again.\",\"exceptionName\":"
                            + "\"com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException\"}]}";
                });
            } else {
                resp.setHeader("WWW-Authenticate", "Basic realm=\"" + switch (kind) {
                    case GITHUB -> "GitHub";
                    case GITLAB -> "GitLab";
                    case BITBUCKET_SERVER -> "Atlassian Bitbucket";
                } + "\"");
                writeRaw(resp, 401, "{\"message\":\"Invalid username or token.\"}");
            }
            return;
        }
        if (access != null && kind == CodeHostKind.GITHUB && !host.tokenCovers(token, owner(path, api, prefix))) {
            // an App installation's token reaches only the repositories of the accounts it is installed on
            writeRaw(resp, 404, api ? "{\"message\":\"Not Found\",\"documentation_url\":"
                    + "\"https://docs.github.com/rest\",\"status\":\"404\"}" : "{\"message\":\"Repository not found.\"}");
            return;
        }
        if (access != null) {
            req.setAttribute(ACCESS, access);
        }
        if (access == LocalCodeHost.Access.READ && !api && isPush(req)) {
            writeRaw(resp, 403, "{\"message\":\"Permission to push denied.\"}");
            return;
        }

        if (api && kind != CodeHostKind.GITHUB) {
            if (!otherHostLimits(req, resp, token, kind)) {
                return;
            }
        } else if (api) {
            boolean rateLimitQuery = req.getRequestURI().equals("/api/v3/rate_limit");
            String key = token != null ? token : "anonymous@" + req.getRemoteAddr();
            int limit = token != null ? -1 : ANONYMOUS_LIMIT;
            RateLimiter.Primary primary = rateLimitQuery ? host.rateLimiter().peek(key, limit)
                    : host.rateLimiter().primary(key, limit);
            req.setAttribute(PRIMARY, primary);
            resp.setHeader("X-RateLimit-Limit", String.valueOf(primary.limit()));
            resp.setHeader("X-RateLimit-Remaining", String.valueOf(primary.remaining()));
            resp.setHeader("X-RateLimit-Reset", String.valueOf(primary.resetEpochSecond()));
            resp.setHeader("X-RateLimit-Used", String.valueOf(primary.used()));
            resp.setHeader("X-RateLimit-Resource", "core");
            if (primary.limited() && !rateLimitQuery) {
                host.countPrimaryLimitResponse();
                writeRaw(resp, 403, "{\"message\":\"API rate limit exceeded for user ID 1. If you reach out to "
                        + "GitHub Support for help, please include the request ID " + requestId + ".\","
                        + "\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                        + "#about-primary-rate-limits\",\"status\":\"403\"}");
                return;
            }
            String method = req.getMethod();
            if ("POST".equals(method) || "PATCH".equals(method) || "PUT".equals(method)) {
                Duration wait = host.rateLimiter().contentCreation(key);
                if (!wait.isZero()) {
                    host.countSecondaryLimitResponse();
                    secondaryLimit(resp, host.toWallClock(wait), requestId);
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }

    /**
     * GitLab's and Bitbucket Server's limits: the same windows as GitHub's (per token: primary per hour, content
     * creation per minute and hour), answered as those hosts answer: 429 with {@code Retry-After} (GitLab also
     * {@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset} on every answer). Returns
     * whether the request may go on.
     */
    private boolean otherHostLimits(HttpServletRequest req, HttpServletResponse resp, String token, CodeHostKind kind)
            throws IOException {
        String key = token != null ? token : "anonymous@" + req.getRemoteAddr();
        RateLimiter.Primary primary = host.rateLimiter().primary(key, token != null ? -1 : ANONYMOUS_LIMIT);
        if (kind == CodeHostKind.GITLAB) {
            resp.setHeader("RateLimit-Limit", String.valueOf(primary.limit()));
            resp.setHeader("RateLimit-Remaining", String.valueOf(primary.remaining()));
            resp.setHeader("RateLimit-Reset", String.valueOf(primary.resetEpochSecond()));
        }
        if (primary.limited()) {
            host.countPrimaryLimitResponse();
            tooManyRequests(resp, host.toWallClock(Duration.between(host.clock().instant(),
                    java.time.Instant.ofEpochSecond(primary.resetEpochSecond()))), kind);
            return false;
        }
        String method = req.getMethod();
        if ("POST".equals(method) || "PATCH".equals(method) || "PUT".equals(method)) {
            Duration wait = host.rateLimiter().contentCreation(key);
            if (!wait.isZero()) {
                host.countSecondaryLimitResponse();
                tooManyRequests(resp, host.toWallClock(wait), kind);
                return false;
            }
        }
        return true;
    }

    private static void tooManyRequests(HttpServletResponse resp, Duration retryAfter, CodeHostKind kind)
            throws IOException {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        resp.setHeader("Retry-After", String.valueOf(seconds));
        writeRaw(resp, 429, kind == CodeHostKind.GITLAB ? "{\"message\":\"Retry later\"}"
                : "{\"errors\":[{\"message\":\"You have been rate limited. Please wait "
                + seconds + " seconds before trying again.\",\"exceptionName\":"
                + "\"com.atlassian.bitbucket.throttle.ThrottledException\"}]}");
    }

    private static void secondaryLimit(HttpServletResponse resp, Duration retryAfter, String requestId)
            throws IOException {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        resp.setHeader("Retry-After", String.valueOf(seconds));
        writeRaw(resp, 403, "{\"message\":\"" + String.format(SECONDARY_LIMIT_MESSAGE, requestId)
                + "\",\"documentation_url\":\"https://docs.github.com/free-pro-team@latest/rest/overview/"
                + "rate-limits-for-the-rest-api#about-secondary-rate-limits\",\"status\":\"403\"}");
    }

    private static String apiToken(HttpServletRequest req) {
        String auth = req.getHeader("Authorization");
        if (auth == null) {
            return req.getHeader("PRIVATE-TOKEN"); // GitLab's own header
        }
        for (String scheme : new String[] {"token ", "Bearer ", "bearer "}) {
            if (auth.startsWith(scheme)) {
                return auth.substring(scheme.length()).trim();
            }
        }
        return basicPassword(auth);
    }

    private static String gitToken(HttpServletRequest req) {
        String auth = req.getHeader("Authorization");
        return auth == null ? null : basicPassword(auth);
    }

    private static String basicPassword(String auth) {
        if (!auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isPush(HttpServletRequest req) {
        return req.getRequestURI().endsWith("/git-receive-pack")
                || "git-receive-pack".equals(req.getParameter("service"));
    }

    /** The repository owner a path names ({@code /api/v3/repos/{owner}/...} or {@code /{owner}/{repo}.git/...}). */
    private static String owner(String path, boolean api, String prefix) {
        String[] parts = (api ? path.substring(prefix.length()) : path).split("/");
        if (api) {
            return parts.length > 2 && parts[1].equals("repos") ? parts[2] : null;
        }
        return parts.length > 2 ? parts[1] : null;
    }

    private static String gitEndpoint(String path) {
        int git = path.indexOf(".git/");
        return git < 0 ? path : "/{owner}/{repo}.git" + path.substring(git + 4);
    }

    private static void writeRaw(HttpServletResponse resp, int status, String body) throws IOException {
        byte[] bytes = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("application/json; charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
