package dev.campaigns.infra.local;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web page on the local AppSync's port, as CloudFront serves it deployed: the bundle the build put on the
 * classpath under {@code web/} (index.html and {@code assets/}), index.html for every other path (the page routes
 * {@code /campaigns/ID} and {@code /plans/ID} itself), and {@code config.json}, which deployed is written by
 * {@code web/deploy.sh} and here says: the API is {@code /graphql} on this origin, with no sign-in (requests without
 * {@code x-campaigns-user} act as the local default user). The same security headers as the deployed site.
 */
public final class LocalWebSite extends HttpServlet {
    static final String ROOT = "web/";
    /** The page's content security policy; template.yaml's response headers policy sets the same directives. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
    static final String LOCAL_CONFIG = "{\"graphqlUrl\":\"/graphql\",\"auth\":{\"type\":\"none\"}}";
    private static final Pattern ASSET = Pattern.compile("/assets/[A-Za-z0-9][A-Za-z0-9._-]{0,200}");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "map", "application/json",
            "html", "text/html; charset=utf-8", "txt", "text/plain; charset=utf-8", "json", "application/json");

    /** Whether the build bundled the page (it is skipped with -Dweb.skip). */
    public static boolean bundled() {
        return LocalWebSite.class.getClassLoader().getResource(ROOT + "index.html") != null;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI();
        headers(response);
        if (path.equals("/config.json")) {
            response.setHeader("Cache-Control", "no-store");
            send(response, "application/json", LOCAL_CONFIG.getBytes(StandardCharsets.UTF_8));
        } else if (path.startsWith("/assets/")) {
            byte[] asset = ASSET.matcher(path).matches() ? read(ROOT + path.substring(1)) : null;
            if (asset == null) {
                response.sendError(404, "no such asset: " + path);
                return;
            }
            response.setHeader("Cache-Control", "public, max-age=31536000, immutable");
            String extension = path.substring(path.lastIndexOf('.') + 1);
            send(response, TYPES.getOrDefault(extension, "application/octet-stream"), asset);
        } else {
            byte[] index = read(ROOT + "index.html");
            if (index == null) {
                response.setStatus(404);
                response.setHeader("Cache-Control", "no-store");
                send(response, "text/plain; charset=utf-8", ("The web page was not built into this jar (built with"
                        + " -Dweb.skip?). Build it with Node.js 20+ and npm: mvn -B -DskipTests package\n")
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            response.setHeader("Cache-Control", "no-cache");
            send(response, "text/html; charset=utf-8", index);
        }
    }

    private static void headers(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
        response.setHeader("X-Frame-Options", "DENY");
    }

    private static void send(HttpServletResponse response, String type, byte[] body) throws IOException {
        response.setContentType(type);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = LocalWebSite.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        }
    }
}
