package dev.campaigns.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.bitbucket.BitbucketServerCodeHost;
import dev.campaigns.codehost.github.GitHubCodeHost;
import dev.campaigns.codehost.gitlab.GitLabCodeHost;
import java.net.URI;
import org.junit.jupiter.api.Test;

class CodeHostsTest {

    @Test
    void theConfiguredKindChoosesTheClientAndItsCloneUrls() {
        CodeHost github = CodeHosts.create(CodeHostKind.parse(null), URI.create("https://api.github.com"),
                URI.create("https://github.com/"), () -> "t", null);
        CodeHost gitlab = CodeHosts.create(CodeHostKind.parse("gitlab"), URI.create("https://gl.example/api/v4"),
                URI.create("https://gl.example/"), () -> "t", null);
        CodeHost bitbucket = CodeHosts.create(CodeHostKind.parse(" Bitbucket-Server "),
                URI.create("https://bb.example"), URI.create("https://bb.example"), () -> "t", null);
        assertInstanceOf(GitHubCodeHost.class, github);
        assertInstanceOf(GitLabCodeHost.class, gitlab);
        assertInstanceOf(BitbucketServerCodeHost.class, bitbucket);
        assertEquals("https://github.com/acme/app.git", github.cloneUrl("acme/app"));
        assertEquals("https://gl.example/group/app.git", gitlab.cloneUrl("group/app"));
        assertEquals("https://bb.example/scm/PROJ/app.git", bitbucket.cloneUrl("PROJ/app"));
    }

    @Test
    void anUnknownKindIsRefusedNamingTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CodeHostKind.parse("svn"));
        assertTrue(e.getMessage().contains("\"svn\""), e.getMessage());
        assertTrue(e.getMessage().contains("github, gitlab, bitbucket-server"), e.getMessage());
        assertEquals(CodeHostKind.GITHUB, CodeHostKind.parse(""));
    }

    @Test
    void aBitbucketRepositoryMustBeProjectAndSlug() {
        CodeHost bitbucket = CodeHosts.create(CodeHostKind.BITBUCKET_SERVER, URI.create("https://bb.example"),
                URI.create("https://bb.example"), () -> "secret-token", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bitbucket.cloneUrl("a/b/c"));
        assertTrue(e.getMessage().contains("PROJECT/slug") && e.getMessage().contains("a/b/c"), e.getMessage());
        assertFalse(bitbucket.toString().contains("secret-token"));
    }
}
