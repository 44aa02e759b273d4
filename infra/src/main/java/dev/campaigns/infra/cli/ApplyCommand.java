package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code campaigns apply --plan PLAN_ID --name NAME --branch BRANCH}: creates the campaign from a plan and follows
 * it. The same plan and branch always give the same campaign: the idempotency key is derived from them
 * ({@link #idempotencyKey}), so running apply again (after a lost connection, a Ctrl-C) follows the campaign it
 * created instead of making a second one.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Create a campaign from a plan (idempotent: the same plan and branch give the same campaign) "
                + "and follow its changeset creation.")
final class ApplyCommand extends ApiCommand {
    @Option(names = "--plan", required = true, paramLabel = "PLAN_ID", description = "The plan (from campaigns plan).")
    String plan;

    @Option(names = "--name", required = true, description = "The campaign's name (the pull requests' title).")
    String name;

    @Option(names = "--branch", required = true, description = "The branch to push in every repository.")
    String branch;

    @Option(names = "--description", description = "The campaign's description (the pull requests' body).")
    String description;

    @Option(names = "--draft", description = "Open the pull requests as drafts.")
    boolean draft;

    @Option(names = "--preview", description = "Create the campaign unpublished (nothing is committed, pushed or "
            + "opened) and print what publishing it would change: each repository's diff stat. Then: campaigns "
            + "publish CAMPAIGN_ID.")
    boolean preview;

    @Option(names = "--diff", description = "With --preview, also print each repository's diff.")
    boolean diff;

    @Mixin
    FollowOptions follow;

    ApplyCommand(CliEnvironment env) {
        super(env);
    }

    /** The key createCampaign deduplicates on: one campaign per plan and branch (per caller, on the server). */
    static String idempotencyKey(String plan, String branch) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((plan + "\n" + branch)
                    .getBytes(StandardCharsets.UTF_8));
            return "cli-apply-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    int run(CampaignsApi api) throws Exception {
        Map<String, Object> planNode = api.planStatus(plan);
        if (planNode == null) {
            throw new IllegalArgumentException("no campaign plan " + plan + " of yours (check the ID and who you are)");
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("name", name);
        if (description != null) {
            input.put("description", description);
        }
        input.put("branch", branch);
        input.put("plan", plan);
        input.put("draft", draft);
        input.put("idempotencyKey", idempotencyKey(plan, branch));
        if (diff && !preview) {
            throw new IllegalArgumentException("--diff goes with --preview");
        }
        if (preview) {
            input.put("publish", false);
            Map<String, Object> campaign = api.createCampaign(input);
            return printPreview(api, (String) campaign.get("id"));
        }
        Map<String, Object> campaign = api.createCampaign(input);
        return new CampaignFollower(api, follow, out(), json).follow(campaign, this);
    }

    /**
     * Prints the unpublished campaign's preview: per repository its diff stat (and diff with --diff), then the total
     * and the last line {@code campaign ID: UNPUBLISHED (…)}. A campaign published already (apply --preview after
     * apply, with the same plan and branch, finds that campaign) is shown the same way, with its state.
     */
    @SuppressWarnings("unchecked")
    private int printPreview(CampaignsApi api, String id) throws Exception {
        Map<String, Object> preview = api.preview(id, diff);
        if (json) {
            printJson(preview);
            return 0;
        }
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) preview.get("jobs");
        long added = 0;
        long deleted = 0;
        long changed = 0;
        for (Map<String, Object> job : jobs) {
            Map<String, Object> stat = (Map<String, Object>) job.get("diffStat");
            long a = stat == null ? 0 : ((Number) stat.get("added")).longValue();
            long d = stat == null ? 0 : ((Number) stat.get("deleted")).longValue();
            long c = stat == null ? 0 : ((Number) stat.get("changed")).longValue();
            added += a;
            deleted += d;
            changed += c;
            out().println("  " + job.get("repository") + "  +" + a + " -" + d + " ~" + c + "  (onto "
                    + job.get("baseRef") + ")");
            if (diff) {
                Object patch = job.get("patch");
                out().println(patch == null ? "    (diff larger than 1 MiB: see the plan's page)" : patch);
            }
        }
        out().println(jobs.size() + " pull request(s) to open on branch " + preview.get("branch") + ": +" + added
                + " -" + deleted + " ~" + changed + " lines");
        Map<String, Object> status = CampaignsApi.status(preview, "changesetCreationStatus");
        if ("UNPUBLISHED".equals(status.get("state"))) {
            out().println("publish with: campaigns publish " + id + (draft ? " --draft" : ""));
        }
        out().println(summary(id, status));
        out().flush();
        return 0;
    }
}
