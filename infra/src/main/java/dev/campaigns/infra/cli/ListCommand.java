package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code campaigns list}: the caller's campaigns, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List your campaigns, newest first.")
final class ListCommand extends ApiCommand {
    ListCommand(CliEnvironment env) {
        super(env);
    }

    @Override
    int run(CampaignsApi api) throws Exception {
        List<Map<String, Object>> campaigns = api.campaigns();
        if (json) {
            printJson(campaigns);
            return 0;
        }
        out().printf("%-38s %-11s %-9s %-8s %-7s %-20s %s%n", "ID", "STATE", "COMPLETED", "PENDING", "ERRORS",
                "CREATED", "NAME");
        for (Map<String, Object> c : campaigns) {
            Map<String, Object> s = CampaignsApi.status(c, "changesetCreationStatus");
            out().printf("%-38s %-11s %-9d %-8d %-7d %-20s %s%s%n", c.get("id"), s.get("state"),
                    count(s, "completedCount"), count(s, "pendingCount"), errors(s).size(), c.get("createdAt"),
                    c.get("name"), c.get("closedAt") == null ? "" : " (closed)");
        }
        out().println(campaigns.size() + " campaign(s)");
        return 0;
    }
}
