package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Follows a campaign's changeset creation until it is no longer PROCESSING: a live bar on a terminal (done, pending,
 * errors, rate and ETA, on standard error), plain progress lines otherwise; then each pull request's URL and the
 * last line {@code campaign ID: STATE (completed C, pending P, errors E)}. Exit code 0 when COMPLETED, 1 when ERRORED
 * or still processing at the deadline.
 */
final class CampaignFollower {
    private final CampaignsApi api;
    private final FollowOptions options;
    private final PrintWriter out;
    private final boolean json;

    CampaignFollower(CampaignsApi api, FollowOptions options, PrintWriter out, boolean json) {
        this.api = api;
        this.options = options;
        this.out = out;
        this.json = json;
    }

    int follow(Map<String, Object> campaign, ApiCommand command) throws Exception {
        String id = (String) campaign.get("id");
        if (options.detach) {
            if (json) {
                command.printJson(campaign);
            } else {
                out.println(ApiCommand.summary(id, CampaignsApi.status(campaign, "changesetCreationStatus")));
                out.println("follow it with: campaigns status " + id);
            }
            return 0;
        }
        if (!json) {
            out.println("campaign " + id + ": creating changesets (branch " + campaign.get("branch") + ")");
            out.flush();
        }
        Map<String, Object> status = System.console() != null && !json ? followWithBar(id) : followWithLines(id);
        List<Map<String, Object>> changesets = api.changesets(id);
        String state = String.valueOf(status.get("state"));
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("id", id);
            doc.put("changesetCreationStatus", status);
            doc.put("changesets", changesets);
            command.printJson(doc);
        } else {
            for (Map<String, Object> c : changesets) {
                out.println("  " + c.get("repository") + "  " + c.get("externalURL"));
            }
            for (Object e : ApiCommand.errors(status)) {
                out.println("error: " + e);
            }
            if ("PROCESSING".equals(state)) {
                out.println("still PROCESSING after " + options.timeout + "; it goes on: campaigns status " + id);
            }
            out.println(ApiCommand.summary(id, status));
            out.flush();
        }
        return "COMPLETED".equals(state) ? 0 : 1;
    }

    private Map<String, Object> read(String id) {
        Map<String, Object> c = api.campaign(id, 1, null);
        if (c == null) {
            throw new IllegalStateException("campaign " + id + " is gone (deleted?)");
        }
        return CampaignsApi.status(c, "changesetCreationStatus");
    }

    private Map<String, Object> followWithLines(String id) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + options.timeout.toNanos();
        String last = null;
        while (true) {
            Map<String, Object> status = read(id);
            int done = ApiCommand.count(status, "completedCount");
            int pending = ApiCommand.count(status, "pendingCount");
            int errors = ApiCommand.errors(status).size();
            String line = "done " + done + ", pending " + pending + ", errors " + errors;
            if (!line.equals(last) && !json) {
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = seconds > 0 ? done / seconds : 0;
                out.println(line + String.format(", %.1f/s", rate)
                        + (rate > 0 && pending > 0 ? String.format(", ETA %ds", Math.round(pending / rate)) : ""));
                out.flush();
                last = line;
            }
            if (!"PROCESSING".equals(status.get("state")) || System.nanoTime() > deadline) {
                return status;
            }
            Thread.sleep(options.poll.toMillis());
        }
    }

    private Map<String, Object> followWithBar(String id) throws InterruptedException {
        long deadline = System.nanoTime() + options.timeout.toNanos();
        Map<String, Object> status = read(id);
        int total = ApiCommand.count(status, "completedCount") + ApiCommand.count(status, "pendingCount")
                + ApiCommand.errors(status).size();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("changesets").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true))).build()) {
            while (true) {
                int done = ApiCommand.count(status, "completedCount");
                int pending = ApiCommand.count(status, "pendingCount");
                int errors = ApiCommand.errors(status).size();
                bar.maxHint(done + pending + errors);
                bar.stepTo(done + errors);
                bar.setExtraMessage("done " + done + ", pending " + pending + ", errors " + errors);
                if (!"PROCESSING".equals(status.get("state")) || System.nanoTime() > deadline) {
                    return status;
                }
                Thread.sleep(options.poll.toMillis());
                status = read(id);
            }
        }
    }
}
