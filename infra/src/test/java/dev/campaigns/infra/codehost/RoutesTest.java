package dev.campaigns.infra.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The route table alone: matching by method and segments, decoding, naming for counters, refusing duplicates. */
class RoutesTest {

    final Routes<String> routes = new Routes<String>()
            .add("GET", "/repos/{owner}/{repo}", "repo")
            .add("GET", "/repos/{owner}/{repo}/pulls", "pulls")
            .add("POST", "/repos/{owner}/{repo}/pulls", "create")
            .add("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs", "runs")
            .add("GET", "/", "root");

    @Test
    void matchesByMethodAndSegmentsAndDecodesEachSegment() {
        Routes.Match<String> m = routes.match("GET", "/repos/acme/app/commits/feature%2Fx%20y/check-runs")
                .orElseThrow();
        assertEquals("runs", m.route().handler());
        assertEquals(Map.of("owner", "acme", "repo", "app", "ref", "feature/x y"), m.params());
        assertEquals("create", routes.match("POST", "/repos/acme/app/pulls").orElseThrow().route().handler());
        assertEquals("root", routes.match("GET", "/").orElseThrow().route().handler());
        assertEquals("a+b", routes.match("GET", "/repos/acme/a+b").orElseThrow().param("repo"), "+ is not a space");
    }

    @Test
    void matchesNothingElse() {
        assertTrue(routes.match("DELETE", "/repos/acme/app").isEmpty());
        assertTrue(routes.match("GET", "/repos/acme").isEmpty());
        assertTrue(routes.match("GET", "/repos/acme/app/pulls/extra").isEmpty());
        assertTrue(routes.match("GET", "/repos/acme/%ZZ").isEmpty(), "a malformed escape");
        assertTrue(routes.match("GET", "/repos/acme/app/commits//check-runs").isEmpty(), "an empty parameter");
    }

    @Test
    void namesRequestsByTheirTemplate() {
        assertEquals("GET /repos/{owner}/{repo}/pulls", routes.endpoint("GET", "/repos/a/b/pulls"));
        assertEquals("GET /nope", routes.endpoint("GET", "/nope"));
        assertEquals("GET /", routes.endpoint("GET", ""));
    }

    @Test
    void refusesARouteTwiceEvenUnderOtherParameterNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> routes.add("GET", "/repos/{o}/{r}", "again"));
        assertTrue(e.getMessage().contains("already"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> routes.add("GET", "repos", "relative"));
    }
}
