package dev.campaigns.infra.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.codehost.Fault;
import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.demo.GraphQLClient;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.local.LocalAppSync;
import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.infra.local.LocalWebSite;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the web page. The local AppSync's port serves the bundle the build made (index.html for the page's
 * routes, hashed assets, config.json, the content security policy); CampaignJob.patch gives the page a job's diff,
 * to its owner only; and the page itself in headless Chromium ({@code web/test/browser/campaigns.test.mjs}, driven
 * by playwright-core with Debian's chromium) against a campaign made here: the list, the campaign page with every
 * changeset and the chart, a plan's diff, retry and close clicked in the page with their effect checked afterwards
 * on the code host, the phone-sized page, axe-core. Screenshots land in target/web-screenshots.
 */
class WebUiTest {
    private static final String TOKEN = "ghp_webUiToken0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalCampaigns stack;

    @BeforeAll
    static void start() {
        // A fast content limit: the page's bulk comment is paced with the pull requests in real time (only Step
        // Functions time runs faster here), which GitHub's 500 an hour would make minutes long.
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(TOKEN).withDefaultUser(LocalAppSync.DEFAULT_USER)
                .withParameter("CodeHostContentLimits", "600/min")
                .withCodeHost(new LocalCodeHost.Options().users("carol", "dave")));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.webUrl()).resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theGraphqlPortServesThePage_itsRoutes_assets_andLocalConfig() throws Exception {
        assumeTrue(LocalWebSite.bundled(), "skipped: the build did not bundle the web page (-Dweb.skip)");
        HttpResponse<String> index = get("/");
        assertEquals(200, index.statusCode());
        assertTrue(index.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(index.headers().firstValue("content-security-policy").orElse("").contains("script-src 'self'"));
        assertEquals("nosniff", index.headers().firstValue("x-content-type-options").orElse(""));
        for (String route : List.of("/campaigns/abc", "/plans/abc", "/anything/else")) {
            HttpResponse<String> r = get(route);
            assertEquals(200, r.statusCode(), route);
            assertEquals(index.body(), r.body(), route + " is the page, which routes itself");
        }
        Matcher script = Pattern.compile("src=\"(/assets/app-[A-Z0-9]+\\.js)\"").matcher(index.body());
        assertTrue(script.find(), index.body());
        HttpResponse<String> js = get(script.group(1));
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("content-type").orElse("").startsWith("text/javascript"));
        assertTrue(js.headers().firstValue("cache-control").orElse("").contains("immutable"));
        assertTrue(js.body().length() > 10_000, "the bundle holds the page's code");
        assertEquals(404, get("/assets/app-MISSING.js").statusCode());
        HttpResponse<String> traversal = get("/assets/..%2F..%2Ftemplate.yaml");
        assertTrue(traversal.statusCode() == 400 || traversal.statusCode() == 404, "refused: " + traversal.statusCode());
        assertTrue(!traversal.body().contains("AWSTemplateFormatVersion"), traversal.body());
        HttpResponse<String> config = get("/config.json");
        assertEquals(200, config.statusCode());
        assertEquals(Map.of("graphqlUrl", "/graphql", "auth", Map.of("type", "none")), JSON.readValue(config.body(), Map.class));
        assertEquals("no-store", config.headers().firstValue("cache-control").orElse(""));
        // The API is still there, on the same port.
        assertTrue(new GraphQLClient(stack.graphqlUrl(), "someone").data("{ campaigns { nodes { id } } }", Map.of())
                .containsKey("campaigns"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aJobsPatchIsReadByItsOwner_nullWhenOver1MiB_andNothingForAnotherUser() {
        stack.codeHost().createRepository("patch/small", SampleCampaign.files(1));
        String base = stack.codeHost().createRepository("patch/large", Map.of("README.md", "hello\n"));
        String smallBase = stack.codeHost().branchTip("patch/small", "main").orElseThrow();
        StringBuilder large = new StringBuilder("diff --git a/big.txt b/big.txt\nnew file mode 100644\n--- /dev/null\n"
                + "+++ b/big.txt\n@@ -0,0 +1,20000 @@\n");
        for (int i = 0; i < 20_000; i++) {
            large.append('+').append(String.format("%060d", i)).append('\n');
        }
        assertTrue(large.length() > 1024 * 1024);
        CampaignsApi alice = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), "alice"));
        String planId = alice.createPlan(List.of(new Patch("patch/small", smallBase, "main", SampleCampaign.patch()),
                new Patch("patch/large", base, "main", large.toString())));
        String query = "query($id: ID!) { campaignPlan(id: $id) { jobs { repository patch } } }";
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) ((Map<String, Object>) alice.client()
                .data(query, Map.of("id", planId)).get("campaignPlan")).get("jobs");
        assertEquals(SampleCampaign.patch(), jobs.get(0).get("patch"));
        assertNull(jobs.get(1).get("patch"), "a patch over 1 MiB is not sent");
        Map<String, Object> mallory = new GraphQLClient(stack.graphqlUrl(), "mallory").data(query, Map.of("id", planId));
        assertNull(mallory.get("campaignPlan"), "another user's plan does not exist for mallory");
        alice.awaitPlan(planId, TIMEOUT);
    }

    @Test
    void theCampaignPagesInChromium() throws Exception {
        Path web = browserTestsCanRun();
        String chromium = chromium();

        Map<String, Object> fixture = campaignToShow();
        Path target = buildDir();
        Path screenshots = target.resolve("web-screenshots");
        Files.createDirectories(screenshots);
        Path fixtureFile = target.resolve("web-fixture.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(fixtureFile.toFile(), fixture);
        nodeTests(web, "test/browser/campaigns.test.mjs", 14, Map.of("CAMPAIGNS_WEB_URL", stack.webUrl(),
                "CAMPAIGNS_FIXTURE", fixtureFile.toString(), "CAMPAIGNS_SCREENSHOTS", screenshots.toString(),
                "CHROMIUM", chromium));
        for (String shot : List.of("list", "campaign", "plan", "campaign-phone")) {
            assertTrue(Files.size(screenshots.resolve(shot + ".png")) > 10_000, shot + ".png");
        }

        // What the clicks did, seen from the code host: the retried job's pull request exists, and every pull request
        // the campaign opened and that was still open is closed.
        @SuppressWarnings("unchecked")
        List<String> repositories = (List<String>) fixture.get("repositories");
        @SuppressWarnings("unchecked")
        Map<String, String> states = (Map<String, String>) fixture.get("states");
        for (String r : repositories) {
            List<LocalPullRequest> prs = stack.codeHost().pullRequests(r);
            assertEquals(1, prs.size(), r + " has one pull request");
            // the bulk comment, once on each pull request that was open when it ran
            boolean wasOpen = !r.equals(states.get("merged")) && !r.equals(states.get("closed"));
            assertEquals(wasOpen ? 1 : 0, stack.codeHost().comments(r, prs.get(0).number()).stream()
                    .filter(c -> c.startsWith((String) fixture.get("bulkComment"))).count(), r);
            assertEquals("closed", prs.get(0).state(), r);
            assertEquals(r.equals(states.get("merged")), prs.get(0).merged(), r);
        }
        // The campaign cancelled from the page: stopped, no pull request.
        assertTrue(stack.codeHost().pullRequests((String) fixture.get("processingRepository")).isEmpty());
        // The campaign published from the page: one draft pull request per repository, once its execution ends.
        Map<String, Object> published = CampaignsApi.status(new CampaignsApi(new GraphQLClient(stack.graphqlUrl(),
                LocalAppSync.DEFAULT_USER)).awaitCampaign((String) fixture.get("unpublishedCampaignId"), TIMEOUT),
                "changesetCreationStatus");
        assertEquals("COMPLETED", published.get("state"), published.toString());
        @SuppressWarnings("unchecked")
        List<String> unpublishedRepositories = (List<String>) fixture.get("unpublishedRepositories");
        for (String r : unpublishedRepositories) {
            List<LocalPullRequest> prs = stack.codeHost().pullRequests(r);
            assertEquals(1, prs.size(), r);
            assertTrue(prs.get(0).draft(), r + " was published as a draft");
        }
        // The campaign published in part, its rest published from the page: one pull request per repository.
        Map<String, Object> partly = CampaignsApi.status(new CampaignsApi(new GraphQLClient(stack.graphqlUrl(),
                LocalAppSync.DEFAULT_USER)).awaitCampaign((String) fixture.get("partlyCampaignId"), TIMEOUT),
                "changesetCreationStatus");
        assertEquals(List.of("COMPLETED", 2, 0), List.of(partly.get("state"), partly.get("completedCount"),
                partly.get("unpublishedCount")), partly.toString());
        @SuppressWarnings("unchecked")
        List<String> partlyRepositories = (List<String>) fixture.get("partlyRepositories");
        for (String r : partlyRepositories) {
            assertEquals(1, stack.codeHost().pullRequests(r).size(), r);
        }
    }

    @Test
    void theDeployedSignInInChromium() throws Exception {
        Path web = browserTestsCanRun();
        String owner = "cognito-sub-" + java.util.UUID.randomUUID();
        String name = "Signed-in campaign";
        String id = (String) new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), owner))
                .createCampaign(Map.of("name", name)).get("id");
        Path bundle = Path.of(WebUiTest.class.getClassLoader().getResource("web/index.html").toURI()).getParent();
        nodeTests(web, "test/browser/signin.test.mjs", 3, Map.of("CAMPAIGNS_WEB_DIR", bundle.toString(),
                "CAMPAIGNS_GRAPHQL_URL", stack.graphqlUrl(), "CHROMIUM", chromium(),
                "CAMPAIGNS_SIGNED_IN_CAMPAIGN", JSON.writeValueAsString(Map.of("id", id, "name", name, "owner", owner))));
    }

    /** The web directory, once Chromium, node and the npm packages are there (under CI they must be). */
    private static Path browserTestsCanRun() throws Exception {
        Path web = buildDir().getParent().getParent().resolve("web");
        boolean ci = System.getenv("CI") != null;
        check(ci, LocalWebSite.bundled(), "skipped: the build did not bundle the web page (-Dweb.skip)");
        check(ci, Files.isExecutable(Path.of(chromium())),
                "skipped: no Chromium at " + chromium() + " (apt-get install chromium, or set CHROMIUM)");
        check(ci, Files.isDirectory(web.resolve("node_modules/playwright-core")),
                "skipped: " + web + "/node_modules has no playwright-core (the build's npm ci did not run)");
        check(ci, nodeRuns(), "skipped: no node on the PATH");
        return web;
    }

    private static void check(boolean required, boolean condition, String message) {
        if (required) {
            assertTrue(condition, message.replace("skipped: ", "CI must run the browser tests: "));
        }
        assumeTrue(condition, message);
    }

    private static String chromium() {
        return System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    }

    @Test
    void theRulesOfThePage() throws Exception {
        Path web = buildDir().getParent().getParent().resolve("web");
        assumeTrue(Files.isDirectory(web.resolve("node_modules/preact")),
                "skipped: " + web + "/node_modules is not installed (the build's npm ci did not run)");
        assumeTrue(nodeRuns(), "skipped: no node on the PATH");
        nodeTests(web, "test/unit/", 11, Map.of());
    }

    /** Runs node's test runner on {@code tests} in {@code web} (TAP to target/NAME.log): all pass, as many as said. */
    private static void nodeTests(Path web, String tests, int count, Map<String, String> environment) throws Exception {
        Path log = buildDir().resolve("web-" + tests.replaceAll("[^a-z]+", "-").replaceAll("-+$", "") + ".log");
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=tap", "--test-concurrency=1", tests)
                .directory(web.toFile())
                // Not inheritIO: the test JVM's stdin/stdout are Surefire's channel.
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        node.environment().putAll(environment);
        Process p = node.start();
        boolean ended = p.waitFor(4, TimeUnit.MINUTES);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, tests + " did not end within 4 minutes:\n" + output);
        assertEquals(0, p.exitValue(), tests + " failed (" + log + "):\n" + output);
        assertTrue(output.contains("# pass " + count + "\n") && output.contains("# fail 0\n"), output);
    }

    /**
     * Six repositories; the pull request of the last is refused once by the code host (a permanent 422), so the
     * campaign is ERRORED with one error to retry; then one changeset is merged, one closed, one approved with passing
     * checks, one with changes requested and failing checks, one labelled. Also a second, empty campaign.
     */
    private static Map<String, Object> campaignToShow() {
        List<String> repositories = new ArrayList<>();
        List<Patch> patches = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String repository = "web/" + SampleCampaign.repository(i).split("/")[1];
            String base = stack.codeHost().createRepository(repository, SampleCampaign.files(i));
            repositories.add(repository);
            patches.add(new Patch(repository, base, "main", SampleCampaign.patch()));
        }
        String failing = repositories.get(5);
        CampaignsApi api = new CampaignsApi(new GraphQLClient(stack.graphqlUrl(), LocalAppSync.DEFAULT_USER));
        String planId = api.createPlan(patches);
        Map<String, Object> plan = api.awaitPlan(planId, TIMEOUT);
        stack.codeHost().faults().add(Fault.on("POST", "/api/v3/repos/" + failing + "/pulls").times(1)
                .status(422, "{\"message\":\"Validation Failed\",\"errors\":[{\"message\":\"base is protected\"}]}",
                        Map.of()));
        String name = "Upgrade GitHub Actions";
        String campaignId = (String) api.createCampaign(Map.of("name", name, "description",
                "Use actions/checkout@v4 and actions/setup-java@v4 with Java 17.", "branch", "campaigns/upgrade-actions",
                "plan", planId)).get("id");
        Map<String, Object> status = CampaignsApi.status(api.awaitCampaign(campaignId, TIMEOUT), "changesetCreationStatus");
        assertEquals("ERRORED", status.get("state"), status.toString());
        stack.codeHost().faults().clear();

        Map<String, String> states = new LinkedHashMap<>();
        states.put("merged", repositories.get(0));
        states.put("closed", repositories.get(1));
        states.put("approved", repositories.get(2));
        states.put("changesRequested", repositories.get(3));
        states.put("labelled", repositories.get(4));
        var host = stack.codeHost();
        host.mergePullRequest(states.get("merged"), 1);
        host.closePullRequest(states.get("closed"), 1);
        host.reviewPullRequest(states.get("approved"), 1, "carol", "APPROVED");
        host.setCheck(states.get("approved"), 1, "ci", "completed", "success");
        host.reviewPullRequest(states.get("changesRequested"), 1, "dave", "CHANGES_REQUESTED");
        host.setCheck(states.get("changesRequested"), 1, "ci", "completed", "failure");
        host.labelPullRequest(states.get("labelled"), 1, "dependencies");
        stack.awaitChangesetEvents(TIMEOUT);
        stack.runSchedules(); // the scheduled sync reads what a webhook does not carry

        String emptyId = (String) api.createCampaign(Map.of("name", "Track existing pull requests")).get("id");

        // A campaign still PROCESSING, to cancel from the page: its repository's git requests take a minute, so its
        // one job stays in the commit step (it has taken no pull-request claim).
        String held = "web/held";
        String heldBase = stack.codeHost().createRepository(held, SampleCampaign.files(9));
        String heldPlan = api.createPlan(List.of(new Patch(held, heldBase, "main", SampleCampaign.patch())));
        api.awaitPlan(heldPlan, TIMEOUT);
        stack.codeHost().faults().add(Fault.on(null, "/" + held + "\\.git/.*").delay(Duration.ofSeconds(60)));
        String heldId = (String) api.createCampaign(Map.of("name", "Held campaign", "branch", "campaigns/held",
                "plan", heldPlan)).get("id");

        // A campaign created unpublished, to publish from the page (as drafts).
        List<String> unpublishedRepositories = new ArrayList<>();
        List<Patch> unpublishedPatches = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            String repository = "web/unpublished-" + i;
            unpublishedPatches.add(new Patch(repository, stack.codeHost().createRepository(repository,
                    SampleCampaign.files(i)), "main", SampleCampaign.patch()));
            unpublishedRepositories.add(repository);
        }
        String unpublishedPlan = api.createPlan(unpublishedPatches);
        api.awaitPlan(unpublishedPlan, TIMEOUT);
        String unpublishedId = (String) api.createCampaign(Map.of("name", "Unpublished campaign", "branch",
                "campaigns/unpublished", "plan", unpublishedPlan, "publish", false)).get("id");

        // A campaign updated from a second plan (issue 16): the page says so, and which generation its status is.
        String updatedRepository = "web/updated-1";
        String updatedBase = stack.codeHost().createRepository(updatedRepository, SampleCampaign.files(3));
        String firstPlan = api.createPlan(List.of(new Patch(updatedRepository, updatedBase, "main",
                SampleCampaign.patch())));
        api.awaitPlan(firstPlan, TIMEOUT);
        String updatedId = (String) api.createCampaign(Map.of("name", "Updated campaign", "branch",
                "campaigns/updated", "plan", firstPlan)).get("id");
        api.awaitCampaign(updatedId, TIMEOUT);
        String secondPlan = api.createPlan(List.of(new Patch(updatedRepository, updatedBase, "main",
                SampleCampaign.secondPatch())));
        api.awaitPlan(secondPlan, TIMEOUT);
        api.updateCampaign(updatedId, secondPlan, "Updated campaign, take 2", null, null);
        assertEquals("COMPLETED", CampaignsApi.status(api.awaitCampaign(updatedId, TIMEOUT),
                "changesetCreationStatus").get("state"));
        // A campaign published in part (publishChangesets: its first repository only), to publish the rest from the page.
        List<String> partlyRepositories = new ArrayList<>();
        List<Patch> partlyPatches = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            String repository = "web/partly-" + i;
            partlyPatches.add(new Patch(repository, stack.codeHost().createRepository(repository,
                    SampleCampaign.files(i)), "main", SampleCampaign.patch()));
            partlyRepositories.add(repository);
        }
        String partlyPlan = api.createPlan(partlyPatches);
        api.awaitPlan(partlyPlan, TIMEOUT);
        String partlyId = (String) api.createCampaign(Map.of("name", "Partly published campaign", "branch",
                "campaigns/partly", "plan", partlyPlan, "publish", false)).get("id");
        api.publishChangesets(partlyId, List.of(partlyRepositories.get(0)), null);
        assertEquals("COMPLETED", CampaignsApi.status(api.awaitCampaign(partlyId, TIMEOUT), "changesetCreationStatus")
                .get("state"));

        @SuppressWarnings("unchecked")
        Map<String, Object> diffStat = (Map<String, Object>) ((List<Map<String, Object>>) plan.get("jobs")).get(0)
                .get("diffStat");
        int added = ((Number) diffStat.get("added")).intValue();
        Matcher file = Pattern.compile("(?m)^\\+\\+\\+ b/(.+)$").matcher(SampleCampaign.patch());
        assertTrue(file.find());
        Map<String, Object> fixture = new LinkedHashMap<>();
        fixture.put("campaignId", campaignId);
        fixture.put("campaignName", name);
        fixture.put("emptyCampaignId", emptyId);
        fixture.put("processingCampaignId", heldId);
        fixture.put("processingRepository", held);
        fixture.put("unpublishedCampaignId", unpublishedId);
        fixture.put("unpublishedRepositories", unpublishedRepositories);
        fixture.put("updatedCampaignId", updatedId);
        fixture.put("updatedRepository", updatedRepository);
        fixture.put("partlyCampaignId", partlyId);
        fixture.put("partlyRepositories", partlyRepositories);
        fixture.put("planId", planId);
        fixture.put("repositories", repositories);
        fixture.put("failingRepository", failing);
        fixture.put("states", states);
        fixture.put("label", "dependencies");
        fixture.put("bulkComment", "Merging on Friday: please review.");
        fixture.put("diffStatText", added + (added == 1 ? " line" : " lines") + " added, " + diffStat.get("changed")
                + " changed, " + diffStat.get("deleted") + " deleted");
        fixture.put("patchedFile", file.group(1));
        fixture.put("addedLine", "actions/checkout@v4");
        return fixture;
    }

    /** infra's build directory (target, or what -Dcampaigns.buildDir names): where test-classes are. */
    private static Path buildDir() throws Exception {
        return Path.of(WebUiTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    }

    private static boolean nodeRuns() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
