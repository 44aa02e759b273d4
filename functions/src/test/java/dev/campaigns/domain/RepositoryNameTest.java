package dev.campaigns.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RepositoryNameTest {
    @Test
    void validNames() {
        for (String ok : List.of("acme/app", "A-1/b_2.c", "x/" + "y".repeat(100))) {
            assertTrue(RepositoryName.isValid(ok), ok);
        }
        for (String bad : List.of("", "acme", "acme/app/x", "/app", "acme/", "acme/a..b", "acme/app.git",
                "acme/ap p", "acme/" + "y".repeat(101), "ac:me/app")) {
            assertFalse(RepositoryName.isValid(bad), bad);
        }
        assertFalse(RepositoryName.isValid(null));
    }

    @Test
    void namesDifferingOnlyInCaseAreOneRepository() {
        assertEquals(RepositoryName.identity("Acme/App"), RepositoryName.identity("acme/app"));
        assertNotEquals(RepositoryName.identity("acme/app"), RepositoryName.identity("acme/app2"));
    }

    @Test
    void aNameOnTheDefaultHostIsRecordedWithoutIt() {
        assertEquals("acme/app", RepositoryName.canonical("github.com/acme/app", "github.com"));
        assertEquals("acme/app", RepositoryName.canonical("GitHub.COM/acme/app", "github.com"), "hosts ignore case");
        assertEquals("acme/app", RepositoryName.canonical("acme/app", "github.com"));
        assertEquals("gitlab.example.com/g/app", RepositoryName.canonical("gitlab.example.com/g/app", "github.com"));
        assertEquals("git.example.com:8443/a/b", RepositoryName.canonical("git.example.com:8443/a/b",
                "git.example.com"), "another port is another host");
        assertEquals("a/b", RepositoryName.canonical("git.example.com:8443/a/b", "git.example.com:8443"));
        assertEquals("github.com/acme/app", RepositoryName.canonical("github.com/acme/app", null));
    }
}
