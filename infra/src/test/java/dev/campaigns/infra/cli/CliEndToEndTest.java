package dev.campaigns.infra.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.codehost.Fault;
import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.codehost.LocalPullRequest;
import dev.campaigns.infra.local.LocalCampaigns;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI driven as a user drives it, against the embedded stack: {@code plan --org} over 30 repositories with a real
 * shell command (new, changed, deleted and binary files; some repositories unchanged, one whose command fails),
 * {@code apply} (idempotent), {@code status}, {@code list}, {@code retry} after a refused pull request, {@code close};
 * bad input answered clearly (unknown flag: usage and exit 2; an endpoint that does not answer; a repository that
 * does not exist; a command that hangs).
 */
class CliEndToEndTest {
    static final String TOKEN = "ghp_cliTest0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern PLAN_LINE = Pattern.compile("(?m)^plan (\\S+): (\\d+) repositories, (\\d+) with changes, "
            + "(\\d+) unchanged, (\\d+) errors$");
    static final Pattern CAMPAIGN_LINE = Pattern.compile("(?m)^campaign (\\S+): (\\w+) \\(completed (\\d+), pending "
            + "(\\d+), errors (\\d+)(?:, cancelled (\\d+))?(?:, unpublished (\\d+))?\\)$");
    /** Repositories 26-29 stay unchanged, 30's command fails, the others get every kind of change. */
    static final String COMMAND = "case \"$REPOSITORY\" in *-2[6-9]) exit 0;; *-30) echo working; echo boom >&2;"
            + " exit 3;; esac; echo \"new in $REPOSITORY\" > NEW.md; sed -i s/version=1/version=2/ config.ini;"
            + " rm old.txt; printf '\\000\\001\\002\\377' > data.bin";

    static LocalCampaigns stack;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(TOKEN)
                .withCodeHost(new LocalCodeHost.Options().contentLimits(0, 0)));
        for (int i = 1; i <= 30; i++) {
            stack.codeHost().createRepository(String.format("acme/svc-%02d", i), Map.of("README.md", "# svc " + i + "\n",
                    "config.ini", "name=svc\nversion=1\n", "old.txt", "to be removed\n"));
        }
        stack.codeHost().createRepository("other/elsewhere", Map.of("config.ini", "version=1\n", "old.txt", "x\n"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    record Run(int exit, String out, String err) {
    }

    static Run cli(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = CampaignsCli.commandLine(new CliEnvironment(env, Path.of("/nonexistent-home")));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** As the user {@code alice}, against the embedded stack's endpoint and code host. */
    static Run alice(String... args) {
        return cli(Map.of("CAMPAIGNS_ENDPOINT", stack.graphqlUrl(), "CAMPAIGNS_USER", "alice",
                "CAMPAIGNS_CODE_HOST_API", stack.codeHost().apiUrl(), "GITHUB_TOKEN", TOKEN), args);
    }

    @Test
    void planApplyStatusRetryCloseOverThirtyRepositories() throws Exception {
        Run plan = alice("plan", "--org", "acme", "--parallel", "4", "--", "sh", "-c", COMMAND);
        assertEquals(1, plan.exit(), "a repository's command failed: exit 1\n" + plan.out() + plan.err());
        String[] lines = plan.out().strip().split("\n");
        Matcher last = PLAN_LINE.matcher(lines[lines.length - 1]);
        assertTrue(last.matches(), "last line: " + lines[lines.length - 1] + "\n" + plan.err());
        assertEquals(List.of("30", "25", "4", "1"), List.of(last.group(2), last.group(3), last.group(4),
                last.group(5)));
        String planId = last.group(1);
        assertTrue(plan.out().contains("acme/svc-01: 4 files changed (+2 -2)"), plan.out());
        assertTrue(plan.out().contains("acme/svc-27: unchanged"), plan.out());
        assertTrue(plan.out().contains("acme/svc-30: command failed with exit code 3; last output:\n    working\n"
                + "    boom"), plan.out());
        assertFalse(plan.out().contains("other/elsewhere"), "only the organisation's repositories");

        // Refuse one repository's pull request until the cause is gone, to have something to retry.
        Fault refuse = Fault.on("POST", "/api/v3/repos/acme/svc-07/pulls").status(403,
                "{\"message\":\"Resource not accessible by integration\"}", Map.of());
        stack.codeHost().faults().add(refuse);
        Run apply = alice("apply", "--plan", planId, "--name", "Bump config", "--branch", "campaigns/cli-bump",
                "--description", "version 2, a new file, no old file", "--poll", "PT0.2S");
        assertEquals(1, apply.exit(), "ERRORED: exit 1\n" + apply.out() + apply.err());
        Matcher applied = CAMPAIGN_LINE.matcher(lastLine(apply.out()));
        assertTrue(applied.matches(), apply.out());
        String campaignId = applied.group(1);
        assertEquals(List.of("ERRORED", "24", "0", "1"), List.of(applied.group(2), applied.group(3),
                applied.group(4), applied.group(5)));
        assertTrue(apply.out().contains("error: acme/svc-07: "), apply.out());
        assertEquals(24, count(apply.out(), "/pull/"), "each pull request's URL:\n" + apply.out());

        // The same plan and branch again: the same campaign, nothing new.
        Run again = alice("apply", "--plan", planId, "--name", "Bump config", "--branch", "campaigns/cli-bump",
                "--description", "version 2, a new file, no old file", "--detach");
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().startsWith("campaign " + campaignId + ": "), again.out());

        stack.codeHost().faults().clear();
        Run retry = alice("retry", campaignId, "--poll", "PT0.2S");
        assertEquals(0, retry.exit(), retry.out() + retry.err());
        assertEquals("campaign " + campaignId + ": COMPLETED (completed 25, pending 0, errors 0)", lastLine(retry.out()));
        Run cancel = alice("cancel", campaignId);
        assertEquals(0, cancel.exit(), cancel.out() + cancel.err());
        assertEquals("campaign " + campaignId + ": COMPLETED (completed 25, pending 0, errors 0)", lastLine(cancel.out()),
                "cancelling a finished campaign changes nothing");

        // What the pull requests hold: every kind of change, the binary file byte for byte.
        List<LocalPullRequest> prs = stack.codeHost().pullRequests("acme/svc-07");
        assertEquals(1, prs.size());
        try (Git clone = Git.cloneRepository().setURI(stack.codeHost().gitUrl("acme/svc-07"))
                .setBranch("campaigns/cli-bump").setDirectory(tmp.resolve("svc-07").toFile())
                .setCredentialsProvider(new UsernamePasswordCredentialsProvider("x-access-token", TOKEN)).call()) {
            assertEquals("new in acme/svc-07\n", Files.readString(tmp.resolve("svc-07/NEW.md")));
            assertEquals("name=svc\nversion=2\n", Files.readString(tmp.resolve("svc-07/config.ini")));
            assertFalse(Files.exists(tmp.resolve("svc-07/old.txt")));
            assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, Files.readAllBytes(tmp.resolve("svc-07/data.bin")));
        }
        assertTrue(stack.codeHost().pullRequests("acme/svc-27").isEmpty(), "unchanged: no pull request");
        assertTrue(stack.codeHost().pullRequests("acme/svc-30").isEmpty(), "failed command: no pull request");

        Run status = alice("status", campaignId);
        assertEquals(0, status.exit(), status.err());
        assertEquals(25 + 3, status.out().strip().split("\n").length, status.out());
        assertTrue(status.out().contains("acme/svc-07"), status.out());
        JsonNode statusJson = JSON.readTree(alice("status", campaignId, "--json").out());
        assertEquals(25, statusJson.get("changesets").size());
        assertEquals("OPEN", statusJson.get("changesets").get(0).get("state").asText());

        JsonNode list = JSON.readTree(alice("list", "--json").out());
        assertTrue(list.findValuesAsText("id").contains(campaignId), list.toString());
        assertEquals(0, JSON.readTree(cli(Map.of("CAMPAIGNS_ENDPOINT", stack.graphqlUrl(), "CAMPAIGNS_USER", "mallory"),
                "list", "--json").out()).size(), "another user sees none of alice's campaigns");

        // Bulk (issue 16): label every open changeset, followed until each has its result; counted from the host.
        Run bulk = alice("bulk", campaignId, "add-labels", "--label", "cli-bulk", "--state", "open", "--poll",
                "PT0.2S");
        assertEquals(0, bulk.exit(), bulk.out() + bulk.err());
        assertTrue(lastLine(bulk.out()).matches("operation \\S+: COMPLETED \\(succeeded 25, failed 0, skipped 0, "
                + "pending 0\\)"), bulk.out());
        for (int i = 1; i <= 25; i++) {
            String repo = String.format("acme/svc-%02d", i);
            assertTrue(stack.codeHost().pullRequests(repo).stream().filter(p -> p.headRef().equals("campaigns/cli-bump"))
                    .findFirst().orElseThrow().labels().contains("cli-bulk"), repo);
        }
        Run unknown = alice("bulk", campaignId, "explode");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown operation explode"), unknown.err());
        Run refused = alice("bulk", campaignId, "comment");
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("body is required for COMMENT"), refused.err());

        Run close = alice("close", campaignId, "--close-changesets");
        assertEquals(0, close.exit(), close.err());
        assertTrue(close.out().startsWith("campaign " + campaignId + ": closed at "), close.out());
    }

    @Test
    void applyPreviewOpensNothingUntilPublishWhichOpensDraftsOnce() {
        List<String> repos = List.of("acme/svc-03", "acme/svc-04", "acme/svc-05");
        String branch = "campaigns/cli-preview";
        Run plan = alice("plan", "--repo", repos.get(0), "--repo", repos.get(1), "--repo", repos.get(2), "--",
                "sh", "-c", "echo previewed > PREVIEW.md; sed -i s/version=1/version=3/ config.ini");
        assertEquals(0, plan.exit(), plan.out() + plan.err());
        Matcher planned = PLAN_LINE.matcher(lastLine(plan.out()));
        assertTrue(planned.matches(), plan.out());

        Run preview = alice("apply", "--plan", planned.group(1), "--name", "Preview it", "--branch", branch,
                "--preview", "--diff");
        assertEquals(0, preview.exit(), preview.out() + preview.err());
        Matcher unpublished = CAMPAIGN_LINE.matcher(lastLine(preview.out()));
        assertTrue(unpublished.matches(), preview.out());
        String campaignId = unpublished.group(1);
        assertEquals(List.of("UNPUBLISHED", "0", "0", "3"), List.of(unpublished.group(2), unpublished.group(3),
                unpublished.group(4), unpublished.group(7)), "nothing pending: every pull request unpublished");
        for (String r : repos) {
            assertTrue(preview.out().contains("  " + r + "  +1 -0 ~1  (onto main)"), preview.out());
        }
        assertTrue(preview.out().contains("+previewed"), "--diff prints the diffs:\n" + preview.out());
        assertTrue(preview.out().contains("3 pull request(s) to open on branch " + branch + ": +3 -0 ~3 lines"),
                preview.out());
        assertTrue(preview.out().contains("publish with: campaigns publish " + campaignId), preview.out());
        for (String r : repos) {
            assertTrue(stack.codeHost().branchTip(r, branch).isEmpty(), r + ": nothing pushed before publish");
            assertTrue(stack.codeHost().pullRequests(r).stream().noneMatch(p -> p.headRef().equals(branch)), r);
        }
        Run retry = alice("retry", campaignId);
        assertEquals(1, retry.exit());
        assertTrue(retry.err().contains("is not published: publishCampaign"), retry.err());

        // publish --repository: that repository's pull request only (publishChangesets); a name not in the plan is
        // refused, naming it, and publishes nothing
        Run some = alice("publish", campaignId, "--repository", repos.get(1), "--draft", "--poll", "PT0.2S");
        assertEquals(0, some.exit(), some.out() + some.err());
        assertEquals("campaign " + campaignId + ": COMPLETED (completed 1, pending 0, errors 0, unpublished 2)",
                lastLine(some.out()));
        assertTrue(some.out().contains("  " + repos.get(1) + "  "), some.out());
        Run unknown = alice("publish", campaignId, "--repository", repos.get(0), "--repository", "acme/svc-99");
        assertEquals(1, unknown.exit(), unknown.out() + unknown.err());
        assertTrue(unknown.err().contains("not in the plan of campaign " + campaignId + ": acme/svc-99"),
                unknown.err());
        for (String r : List.of(repos.get(0), repos.get(2))) {
            assertTrue(stack.codeHost().branchTip(r, branch).isEmpty(), r + ": not published");
        }

        Run publish = alice("publish", campaignId, "--draft", "--poll", "PT0.2S");
        assertEquals(0, publish.exit(), publish.out() + publish.err());
        assertEquals("campaign " + campaignId + ": COMPLETED (completed 3, pending 0, errors 0)",
                lastLine(publish.out()));
        for (String r : repos) {
            List<LocalPullRequest> opened = stack.codeHost().pullRequests(r).stream()
                    .filter(p -> p.headRef().equals(branch)).toList();
            assertEquals(1, opened.size(), r);
            assertTrue(opened.get(0).draft(), r + ": published as a draft");
        }
        Run again = alice("publish", campaignId, "--no-draft", "--poll", "PT0.2S");
        assertEquals(0, again.exit(), again.out() + again.err());
        for (String r : repos) {
            List<LocalPullRequest> opened = stack.codeHost().pullRequests(r).stream()
                    .filter(p -> p.headRef().equals(branch)).toList();
            assertEquals(1, opened.size(), r + ": publishing again opens nothing");
            assertTrue(opened.get(0).draft(), r + ": and changes nothing");
        }
        Run shownAgain = alice("apply", "--plan", planned.group(1), "--name", "Preview it", "--branch", branch,
                "--preview");
        assertEquals(0, shownAgain.exit(), shownAgain.out() + shownAgain.err());
        assertTrue(lastLine(shownAgain.out()).startsWith("campaign " + campaignId + ": COMPLETED"), shownAgain.out());
        assertFalse(shownAgain.out().contains("publish with:"), shownAgain.out());
    }

    @Test
    void updateMovesTheChangedBranchKeepsItsPullRequestAndClosesTheGoneRepositorys() throws Exception {
        String branch = "campaigns/cli-update";
        Run plan = alice("plan", "--repo", "acme/svc-13", "--repo", "acme/svc-14", "--", "sh", "-c",
                "echo first > UPDATE.md");
        Matcher first = PLAN_LINE.matcher(lastLine(plan.out()));
        assertTrue(first.matches(), plan.out());
        Run apply = alice("apply", "--plan", first.group(1), "--name", "Update me", "--branch", branch, "--poll",
                "PT0.2S");
        Matcher applied = CAMPAIGN_LINE.matcher(lastLine(apply.out()));
        assertTrue(applied.matches() && applied.group(2).equals("COMPLETED"), apply.out() + apply.err());
        String campaignId = applied.group(1);
        LocalPullRequest before = stack.codeHost().pullRequests("acme/svc-13").stream()
                .filter(p -> p.headRef().equals(branch)).findFirst().orElseThrow();

        Run replan = alice("plan", "--repo", "acme/svc-13", "--repo", "acme/svc-15", "--", "sh", "-c",
                "echo second > UPDATE.md");
        Matcher second = PLAN_LINE.matcher(lastLine(replan.out()));
        assertTrue(second.matches(), replan.out());
        Run update = alice("update", campaignId, "--plan", second.group(1), "--name", "Update me, take 2", "--poll",
                "PT0.2S");
        assertEquals(0, update.exit(), update.out() + update.err());
        assertTrue(update.out().contains("updated campaign " + campaignId + " to generation 2"), update.out());
        assertEquals("campaign " + campaignId + ": COMPLETED (completed 2, pending 0, errors 0)", lastLine(update.out()));
        List<LocalPullRequest> svc13 = stack.codeHost().pullRequests("acme/svc-13").stream()
                .filter(p -> p.headRef().equals(branch)).toList();
        assertEquals(1, svc13.size());
        assertEquals(before.number(), svc13.get(0).number(), "the same pull request");
        assertNotEquals(before.headSha(), svc13.get(0).headSha(), "a new commit for the new diff");
        assertEquals("Update me, take 2", svc13.get(0).title());
        assertEquals(1, stack.codeHost().pullRequests("acme/svc-15").stream()
                .filter(p -> p.headRef().equals(branch)).count(), "the added repository's pull request");
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        while (stack.codeHost().pullRequests("acme/svc-14").stream().anyMatch(p -> p.state().equals("open"))
                && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertEquals(List.of("closed"), stack.codeHost().pullRequests("acme/svc-14").stream()
                .filter(p -> p.headRef().equals(branch)).map(LocalPullRequest::state).toList(),
                "the gone repository's pull request is closed");

        Run missingPlan = alice("update", campaignId);
        assertEquals(2, missingPlan.exit(), missingPlan.err());
        assertTrue(missingPlan.err().contains("--plan"), missingPlan.err());
    }

    @Test
    void dryRunPrintsTheDiffsAndUploadsNothing() {
        Run run = alice("plan", "--repo", "acme/svc-02", "--repo", "acme/nope", "--dry-run", "--",
                "sh", "-c", "echo hi > HI.md; rm old.txt");
        assertEquals(1, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("diff --git a/HI.md b/HI.md\nnew file mode 100644"), run.out());
        assertTrue(run.out().contains("diff --git a/old.txt b/old.txt\ndeleted file mode 100644"), run.out());
        assertTrue(run.out().contains("acme/nope: not found on " + stack.codeHost().apiUrl()
                + ", or the token cannot read it"), run.out());
        assertEquals("plan (dry run): 2 repositories, 1 with changes, 0 unchanged, 1 errors", lastLine(run.out()));
    }

    @Test
    void topicsAndSearchSelectThroughTheCodeHostsApi() {
        stack.codeHost().setTopics("acme/svc-11", "java", "ci");
        stack.codeHost().setTopics("acme/svc-12", "java");
        stack.codeHost().setTopics("other/elsewhere", "java");
        JsonNode byTopic = assertJson(alice("plan", "--org", "acme", "--topic", "java", "--dry-run", "--json", "--",
                "true").out());
        assertEquals(List.of("acme/svc-11", "acme/svc-12"), byTopic.get("repositories").findValuesAsText("repository"));
        assertEquals("unchanged", byTopic.get("repositories").get(0).get("outcome").asText());
        JsonNode bySearch = assertJson(alice("plan", "--search", "topic:java", "--dry-run", "--json", "--", "true")
                .out());
        assertEquals(List.of("acme/svc-11", "acme/svc-12", "other/elsewhere"),
                bySearch.get("repositories").findValuesAsText("repository"));
        JsonNode both = assertJson(alice("plan", "--search", "org:acme topic:ci", "--dry-run", "--json", "--", "true")
                .out());
        assertEquals(List.of("acme/svc-11"), both.get("repositories").findValuesAsText("repository"));
    }

    @Test
    void aCommandThatHangsTimesOutAndTheOthersGoOn() {
        Run run = alice("plan", "--repo", "acme/svc-03", "--repo", "acme/svc-04", "--timeout", "2", "--dry-run",
                "--json", "--", "sh", "-c", "case \"$REPOSITORY\" in *-03) sleep 60;; esac; echo x > X.md");
        assertEquals(1, run.exit(), run.err());
        JsonNode doc = assertJson(run.out());
        assertEquals("error", doc.get("repositories").get(0).get("outcome").asText());
        assertTrue(doc.get("repositories").get(0).get("error").asText().startsWith("command timed out after 2 s"),
                doc.toString());
        assertEquals("changed", doc.get("repositories").get(1).get("outcome").asText());
        assertEquals(Map.of("repositories", 2, "changed", 1, "unchanged", 0, "errors", 1),
                JSON.convertValue(doc.get("counts"), Map.class));
    }

    @Test
    void aDiffOverTheApiLimitIsThatRepositorysErrorOnly() {
        Run run = alice("plan", "--repo", "acme/svc-06", "--repo", "acme/svc-08", "--dry-run", "--json", "--", "sh",
                "-c", "case \"$REPOSITORY\" in *-06) head -c 11000000 /dev/zero | tr '\\0' a | fold -w 99 > big.txt;;"
                        + " *) echo small > small.txt;; esac");
        assertEquals(1, run.exit(), run.err());
        JsonNode doc = assertJson(run.out());
        assertEquals("error", doc.get("repositories").get(0).get("outcome").asText());
        assertTrue(doc.get("repositories").get(0).get("error").asText().matches("the diff is 10\\.\\d MiB, over the "
                + "API's limit of 10 MiB for one repository"), doc.get("repositories").get(0).toString());
        assertEquals("changed", doc.get("repositories").get(1).get("outcome").asText());
    }

    @Test
    void badInputGetsAClearAnswer() {
        Run unknown = alice("plan", "--orgg", "acme", "--", "true");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("Unknown option: '--orgg'"), unknown.err());
        assertTrue(unknown.err().contains("Usage: campaigns plan"), unknown.err());

        Run noSelection = alice("plan", "--", "true");
        assertEquals(2, noSelection.exit());
        assertTrue(noSelection.err().contains("--repo") && noSelection.err().contains("--org"), noSelection.err());

        Run nowhere = cli(Map.of("CAMPAIGNS_ENDPOINT", "http://127.0.0.1:1/graphql"), "list");
        assertEquals(1, nowhere.exit());
        assertTrue(nowhere.err().contains("cannot reach the Campaigns API at http://127.0.0.1:1/graphql"),
                nowhere.err());

        Run missing = alice("status", "no-such-campaign");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no campaign no-such-campaign of yours"), missing.err());

        Run noOrg = alice("plan", "--org", "nobody", "--", "true");
        assertEquals(1, noOrg.exit());
        assertTrue(noOrg.err().contains("cannot list the organisation nobody") && noOrg.err().contains("HTTP 404"),
                noOrg.err());

        Run badToken = cli(Map.of("CAMPAIGNS_ENDPOINT", stack.graphqlUrl(), "CAMPAIGNS_USER", "alice",
                "CAMPAIGNS_CODE_HOST_API", stack.codeHost().apiUrl(), "GITHUB_TOKEN", "wrong"),
                "plan", "--org", "acme", "--", "true");
        assertEquals(1, badToken.exit());
        assertTrue(badToken.err().contains("HTTP 401 \"Bad credentials\"") && !badToken.err().contains("wrong"),
                badToken.err());
    }

    @Test
    void sigV4SignedRequestsAreVerifiedAndActAsTheSigningIamUser() throws Exception {
        dev.campaigns.infra.local.iam.Principal.Credentials keys = stack.appSync().callers().credentials("carol");
        Map<String, String> signed = Map.of("CAMPAIGNS_ENDPOINT", stack.graphqlUrl(), "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", keys.accessKeyId(), "AWS_SECRET_ACCESS_KEY", keys.secretAccessKey(),
                "CAMPAIGNS_CODE_HOST_API", stack.codeHost().apiUrl(), "GITHUB_TOKEN", TOKEN);
        Run plan = cli(signed, "plan", "--sigv4", "--repo", "acme/svc-05", "--", "sh", "-c", "echo signed > S.md");
        assertEquals(0, plan.exit(), plan.out() + plan.err());
        Matcher last = PLAN_LINE.matcher(lastLine(plan.out()));
        assertTrue(last.matches(), plan.out());
        // The plan is the signing user's: its owner is the IAM user's ARN, so alice (a Cognito-style user) sees
        // nothing of it, and the signed caller does.
        Run foreign = alice("apply", "--plan", last.group(1), "--name", "x", "--branch", "campaigns/x", "--detach");
        assertEquals(1, foreign.exit());
        assertTrue(foreign.err().contains("no campaign plan " + last.group(1) + " of yours"), foreign.err());
        Run own = cli(signed, "apply", "--sigv4", "--plan", last.group(1), "--name", "Signed", "--branch",
                "campaigns/signed", "--poll", "PT0.2S");
        assertEquals(0, own.exit(), own.out() + own.err());
        assertTrue(lastLine(own.out()).endsWith(": COMPLETED (completed 1, pending 0, errors 0)"), own.out());

        Map<String, String> wrongSecret = new java.util.HashMap<>(signed);
        wrongSecret.put("AWS_SECRET_ACCESS_KEY", "not-" + keys.secretAccessKey());
        Run refused = cli(wrongSecret, "list", "--sigv4");
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("InvalidSignatureException: The request signature we calculated does not "
                + "match the signature you provided."), refused.err());
        assertFalse(refused.err().contains(keys.secretAccessKey()), "no secret in errors");
        Map<String, String> unknownKey = new java.util.HashMap<>(signed);
        unknownKey.put("AWS_ACCESS_KEY_ID", "AKIAUNKNOWN000000000");
        Run unknown = cli(unknownKey, "list", "--sigv4");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("UnrecognizedClientException: The security token included in the request "
                + "is invalid."), unknown.err());
    }

    @Test
    void withoutAnyIdentityANonServeStackRefuses() {
        Run anonymous = cli(Map.of("CAMPAIGNS_ENDPOINT", stack.graphqlUrl()), "list");
        assertEquals(1, anonymous.exit());
        assertTrue(anonymous.err().contains("UnauthorizedException: Valid authorization header not provided."),
                anonymous.err());
    }

    private static JsonNode assertJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    static List<String> lines(String text) {
        return new ArrayList<>(List.of(text.split("\n")));
    }
}
