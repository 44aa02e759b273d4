package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code campaigns status CAMPAIGN_ID}: the campaign's changesets as a table, and its changeset creation. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a campaign: each changeset (repository, pull request, state, review, checks) and its "
                + "changeset-creation status.")
final class StatusCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "CAMPAIGN_ID")
    String id;

    StatusCommand(CliEnvironment env) {
        super(env);
    }

    @Override
    int run(CampaignsApi api) throws Exception {
        Map<String, Object> campaign = campaign(api, id);
        Map<String, Object> status = CampaignsApi.status(campaign, "changesetCreationStatus");
        List<Map<String, Object>> changesets = api.changesets(id);
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("id", campaign.get("id"));
            doc.put("name", campaign.get("name"));
            doc.put("branch", campaign.get("branch"));
            doc.put("changesetCreationStatus", status);
            doc.put("changesets", changesets);
            printJson(doc);
        } else {
            out().println(campaign.get("name") + " (branch " + campaign.get("branch") + ")");
            out().printf("%-32s %-54s %-7s %-18s %s%n", "REPOSITORY", "PULL REQUEST", "STATE", "REVIEW", "CHECKS");
            for (Map<String, Object> c : changesets) {
                out().printf("%-32s %-54s %-7s %-18s %s%n", c.get("repository"), c.get("externalURL"), c.get("state"),
                        c.get("reviewState"), c.get("checkState") == null ? "-" : c.get("checkState"));
            }
            for (Object e : errors(status)) {
                out().println("error: " + e);
            }
            out().println(summary(id, status));
        }
        return "ERRORED".equals(status.get("state")) ? 1 : 0;
    }
}
