package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
        Map<String, Object> campaign = api.createCampaign(input);
        return new CampaignFollower(api, follow, out(), json).follow(campaign, this);
    }
}
