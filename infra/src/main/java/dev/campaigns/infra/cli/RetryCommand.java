package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code campaigns retry CAMPAIGN_ID}: re-runs the failed changeset jobs only, and follows them like apply. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = "Re-run a campaign's failed changeset jobs (never a second commit, branch or pull request) "
                + "and follow them.")
final class RetryCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "CAMPAIGN_ID")
    String id;

    @Mixin
    FollowOptions follow;

    RetryCommand(CliEnvironment env) {
        super(env);
    }

    @Override
    int run(CampaignsApi api) throws Exception {
        campaign(api, id);
        Map<String, Object> retried = api.retryCampaign(id);
        return new CampaignFollower(api, follow, out(), json).follow(retried, this);
    }
}
