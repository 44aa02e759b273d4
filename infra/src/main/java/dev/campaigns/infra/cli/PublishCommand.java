package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code campaigns publish CAMPAIGN_ID [--repository R]... [--draft | --no-draft]}: starts the changeset creation of
 * a campaign made by {@code apply --preview} (publishCampaign; with {@code --repository}, publishChangesets: those
 * repositories only) and follows it like apply. Repeating it starts nothing more.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a campaign created with apply --preview: commit, push and open its pull requests "
                + "(with --repository, only those repositories'; the others stay unpublished until the next publish),"
                + " and follow them (repeating it starts nothing more).")
final class PublishCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "CAMPAIGN_ID")
    String id;

    @Option(names = "--repository", paramLabel = "OWNER/NAME", description = "Publish only this repository's pull "
            + "request (repeatable; at most 99). Without it, every one not published yet.")
    List<String> repositories;

    @Option(names = "--draft", negatable = true, description = "Open the pull requests as drafts (--no-draft: not); "
            + "without either, as apply was told.")
    Boolean draft;

    @Mixin
    FollowOptions follow;

    PublishCommand(CliEnvironment env) {
        super(env);
    }

    @Override
    int run(CampaignsApi api) throws Exception {
        campaign(api, id);
        Map<String, Object> published = repositories == null || repositories.isEmpty()
                ? api.publishCampaign(id, draft) : api.publishChangesets(id, repositories, draft);
        return new CampaignFollower(api, follow, out(), json).follow(published, this);
    }
}
