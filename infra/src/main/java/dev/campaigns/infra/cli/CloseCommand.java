package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code campaigns close CAMPAIGN_ID [--close-changesets]}. */
@Command(name = "close", mixinStandardHelpOptions = true,
        description = "Close a campaign; with --close-changesets also close the open pull requests it created.")
final class CloseCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "CAMPAIGN_ID")
    String id;

    @Option(names = "--close-changesets", description = "Also close the open pull requests the campaign created.")
    boolean closeChangesets;

    CloseCommand(CliEnvironment env) {
        super(env);
    }

    @Override
    int run(CampaignsApi api) throws Exception {
        campaign(api, id);
        Map<String, Object> closed = api.closeCampaign(id, closeChangesets);
        if (json) {
            printJson(closed);
        } else {
            out().println("campaign " + id + ": closed at " + closed.get("closedAt")
                    + (closeChangesets ? "; its open pull requests are being closed" : ""));
        }
        return 0;
    }
}
