package dev.campaigns.infra.codehost;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One route table: each route is a method and a path template written as GitHub's OpenAPI description writes it
 * ({@code /repos/{owner}/{repo}/pulls/{pull_number}}), with its handler. The same table dispatches requests, names
 * them for the host's request counters ({@link #endpoint}) and lists what the host serves ({@link #routes}), which the
 * contract test checks against GitHub's description.
 *
 * <p>Paths are matched on the raw (still encoded) request path, one segment per template segment, and each segment
 * is decoded afterwards, so {@code feature%2Fx} is the branch {@code feature/x} in one {@code {ref}} segment, as on
 * GitHub. Immutable once built; thread-safe.
 *
 * @param <H> the handler type
 */
final class Routes<H> {

    /** One route: {@code method} and {@code template}, split into segments once. */
    record Route<H>(String method, String template, List<String> segments, H handler) {
        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    /** A matched route and its decoded path parameters, by the template's names. */
    record Match<H>(Route<H> route, Map<String, String> params) {
        String param(String name) {
            String v = params.get(name);
            if (v == null) {
                throw new IllegalArgumentException(route + " has no parameter " + name);
            }
            return v;
        }
    }

    private final List<Route<H>> routes = new ArrayList<>();

    /** Adds a route; templates start with {@code /} and name parameters in braces. */
    Routes<H> add(String method, String template, H handler) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("route template must start with /: " + template);
        }
        for (Route<H> r : routes) {
            if (r.method.equals(method) && shape(r.template).equals(shape(template))) {
                throw new IllegalArgumentException("route " + method + " " + template + " is already " + r);
            }
        }
        routes.add(new Route<>(method, template, segments(template), handler));
        return this;
    }

    List<Route<H>> routes() {
        return List.copyOf(routes);
    }

    /** The route for {@code method} and the raw {@code path} (no query), if any. */
    Optional<Match<H>> match(String method, String path) {
        List<String> raw = segments(path);
        for (Route<H> route : routes) {
            if (route.method.equals(method)) {
                Map<String, String> params = bind(route, raw);
                if (params != null) {
                    return Optional.of(new Match<>(route, params));
                }
            }
        }
        return Optional.empty();
    }

    /** {@code "GET /repos/{owner}/{repo}"} for a served path, else the method and the raw path. */
    String endpoint(String method, String path) {
        String p = path == null || path.isEmpty() ? "/" : path;
        return match(method, p).map(m -> m.route().toString()).orElse(method + " " + p);
    }

    private static Map<String, String> bind(Route<?> route, List<String> raw) {
        if (route.segments.size() != raw.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String t = route.segments.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                String value = decode(raw.get(i));
                if (value == null || value.isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), value);
            } else if (!t.equals(raw.get(i))) {
                return null;
            }
        }
        return params;
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/", -1)) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null; // a malformed escape matches nothing: 404, as on GitHub
        }
    }

    /** The template with parameter names erased, to compare templates. */
    static String shape(String template) {
        return template.replaceAll("\\{[^}/]+}", "{}");
    }
}
