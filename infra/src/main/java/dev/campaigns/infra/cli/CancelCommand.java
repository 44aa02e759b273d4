package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code campaigns cancel CAMPAIGN_ID}: stops a campaign's changeset creation (cancelCampaign). Once it returns no pull
 * request is opened; the jobs not finished are CANCELLED; {@code campaigns retry} resumes them.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Stop a campaign's changeset creation: no pull request is opened once this returns; the jobs"
                + " not finished end CANCELLED (retry resumes them).")
final class CancelCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "CAMPAIGN_ID")
    String id;

    CancelCommand(CliEnvironment env) {
        super(env);
    }

    @Override
    int run(CampaignsApi api) throws Exception {
        campaign(api, id);
        Map<String, Object> cancelled = api.cancelCampaign(id);
        Map<String, Object> status = CampaignsApi.status(cancelled, "changesetCreationStatus");
        if (json) {
            printJson(cancelled);
        } else {
            out().println(summary(id, status));
        }
        return "PROCESSING".equals(status.get("state")) ? 1 : 0;
    }
}
