package dev.campaigns.infra.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.campaigns.infra.demo.CampaignsApi;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every verb that talks to the Campaigns API shares: the endpoint and identity ({@link ApiOptions}), the
 * environment it reads them from, {@code --json}, and how it prints. A verb implements {@link #run(CampaignsApi)}
 * and returns its exit code; errors are printed by {@link CampaignsCli}'s handler (exit 1).
 */
abstract class ApiCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions apiOptions;

    @Option(names = "--json", description = "Print the result as JSON (one document on standard output).")
    boolean json;

    final CliEnvironment env;

    ApiCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public final Integer call() throws Exception {
        return run(apiOptions.api(env));
    }

    abstract int run(CampaignsApi api) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code value} as JSON. */
    void printJson(Object value) throws Exception {
        out().println(JSON.writeValueAsString(value));
        out().flush();
    }

    static int count(Map<String, Object> status, String field) {
        Object v = status.get(field);
        return v instanceof Number n ? n.intValue() : 0;
    }

    static List<?> errors(Map<String, Object> status) {
        return status.get("errors") instanceof List<?> l ? l : List.of();
    }

    /**
     * {@code campaign ID: STATE (completed C, pending P, errors E[, cancelled N][, unpublished U])}: the last line of
     * apply, retry, status, cancel and publish (the cancelled count only when a cancel left some, the unpublished one
     * only while some of the campaign's pull requests wait to be published).
     */
    static String summary(String id, Map<String, Object> status) {
        int cancelled = count(status, "cancelledCount");
        int unpublished = count(status, "unpublishedCount");
        return "campaign " + id + ": " + status.get("state") + " (completed " + count(status, "completedCount")
                + ", pending " + count(status, "pendingCount") + ", errors " + errors(status).size()
                + (cancelled > 0 ? ", cancelled " + cancelled : "")
                + (unpublished > 0 ? ", unpublished " + unpublished : "") + ")";
    }

    /** The campaign, or a clear error when there is none of the caller's with that ID. */
    static Map<String, Object> campaign(CampaignsApi api, String id) {
        Map<String, Object> c = api.campaign(id, 1, null);
        if (c == null) {
            throw new IllegalArgumentException("no campaign " + id + " of yours (check the ID and who you are: "
                    + "--user, --token or your AWS credentials)");
        }
        return c;
    }
}
