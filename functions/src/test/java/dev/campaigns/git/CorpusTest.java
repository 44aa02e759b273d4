package dev.campaigns.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.blob.InMemoryBlobStore;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-world corpus ({@code ../shared/tools/realdiffs.sh}): every diff, committed by the engine, must give
 * exactly the tree {@code git apply} gives (expectedTree), and the commit must push to a branch of the entry's
 * repository (a copy of it) over file://.
 *
 * <p>Where the corpus comes from: {@code -Dcampaigns.corpus=DIR} (or env {@code CAMPAIGNS_CORPUS}) names a
 * built one; otherwise it is built under {@code <buildDir>/realdiffs} by running the script when
 * {@code ../shared/tools} exists beside the project; otherwise the test is skipped.
 */
class CorpusTest {
    @TempDir
    static Path tmp;
    static Path corpus;
    static GitEngine engine;
    static InMemoryBlobStore store = new InMemoryBlobStore();

    @BeforeAll
    static void setUp() throws Exception {
        corpus = locateCorpus();
        Path repos = tmp.resolve("repos");
        GitCli.copyTree(corpus.resolve("repos"), repos);
        engine = new GitEngine(GitEngineConfig.defaults().withCacheDir(tmp.resolve("cache")), store);
    }

    @AfterAll
    static void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    static Path locateCorpus() throws IOException, InterruptedException, URISyntaxException {
        String given = System.getProperty("campaigns.corpus", System.getenv("CAMPAIGNS_CORPUS"));
        if (given != null && !given.isBlank()) {
            Path p = Path.of(given);
            assumeTrue(Files.isRegularFile(p.resolve("corpus.json")), "no corpus.json in " + p);
            return p;
        }
        Path testClasses = Path.of(CorpusTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path buildDir = testClasses.getParent();
        Path moduleDir = buildDir.getParent();
        Path script = moduleDir.getParent().resolve("../shared/tools/realdiffs.sh").normalize();
        assumeTrue(Files.isRegularFile(script), "skipped: no corpus given (-Dcampaigns.corpus=DIR) and no " + script);
        Path out = buildDir.resolve("realdiffs");
        if (!Files.isRegularFile(out.resolve("corpus.json"))) {
            // Not inheritIO: the test JVM's stdin/stdout are Surefire's channel, and npm makes stdin non-blocking.
            Files.createDirectories(buildDir);
            Path log = buildDir.resolve("realdiffs.log");
            Process p = new ProcessBuilder("bash", script.toString(), out.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean built = p.waitFor() == 0;
            String why = script + " failed (it needs git, node, npm, mvn and the registries); see " + log;
            if (System.getenv("CI") != null) {
                assertTrue(built, why);
            }
            assumeTrue(built, "skipped: " + why);
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyEntryGivesTheExpectedTreeAndPushes() throws IOException {
        JsonNode entries = new ObjectMapper().readTree(corpus.resolve("corpus.json").toFile());
        assertTrue(entries.size() > 0, "empty corpus");
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        for (JsonNode e : entries) {
            int index = ++n;
            tests.add(DynamicTest.dynamicTest(e.get("name").asText() + " " + e.get("features"), () -> check(e, index)));
        }
        return tests.stream();
    }

    private void check(JsonNode e, int index) throws IOException {
        Path repo = tmp.resolve(e.get("repo").asText());
        String url = repo.toUri().toString();
        byte[] diff = Files.readAllBytes(corpus.resolve(e.get("diff").asText()));
        CommitRequest req = new CommitRequest(url, RemoteCredentials.none(), e.get("baseRev").asText(), diff,
                "campaign test " + index, BotIdentity.defaultBot(), Instant.parse("2000-01-02T00:00:00Z"));
        CommitResult c = engine.commit(req);
        assertEquals(e.get("expectedTree").asText(), c.treeSha(), "tree of " + e.get("name").asText());
        assertEquals(e.get("baseRev").asText(), c.baseCommitSha());

        String branch = "campaign/test-" + index;
        PushResult pushed = engine.push(new PushRequest(url, RemoteCredentials.none(), branch, c.commitSha()));
        assertTrue(pushed.pushed());
        assertEquals(c.commitSha(), GitCli.out(repo, "rev-parse", "refs/heads/" + branch));
        assertEquals(e.get("expectedTree").asText(), GitCli.out(repo, "rev-parse", "refs/heads/" + branch + "^{tree}"));
        GitCli.run(repo, null, "fsck", "--no-progress", "--connectivity-only");
    }
}
