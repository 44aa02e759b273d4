package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code campaigns update CAMPAIGN_ID --plan PLAN_ID [--name N] [--description D] [--detach-removed]}: updates a
 * campaign in place from a new plan (updateCampaign) and follows the update like apply follows a creation. Repeating
 * it changes nothing more.
 */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Update a campaign in place from a new plan (from campaigns plan): changed diffs become new "
                + "commits on its branch, new repositories new pull requests, repositories gone from the plan have "
                + "their pull requests closed; then follow it (repeating it changes nothing more).")
final class UpdateCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "CAMPAIGN_ID")
    String id;

    @Option(names = "--plan", required = true, paramLabel = "PLAN_ID", description = "The new plan.")
    String plan;

    @Option(names = "--name", description = "A new name (the pull requests' title); without it, the name stays.")
    String name;

    @Option(names = "--description", description = "A new description (the pull requests' body); without it, the "
            + "description stays.")
    String description;

    @Option(names = "--detach-removed", description = "Leave the pull requests of repositories gone from the plan open "
            + "and take them out of the campaign (by default they are closed).")
    boolean detach;

    @Mixin
    FollowOptions follow;

    UpdateCommand(CliEnvironment env) {
        super(env);
    }

    @Override
    int run(CampaignsApi api) throws Exception {
        campaign(api, id);
        Map<String, Object> updated = api.updateCampaign(id, plan, name, description, detach ? "DETACH" : "CLOSE");
        out().println("updated campaign " + id + " to generation " + updated.get("generation") + " (plan " + plan + ")");
        return new CampaignFollower(api, follow, out(), json).follow(updated, this);
    }
}
