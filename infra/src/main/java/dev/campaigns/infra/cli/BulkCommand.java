package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.CampaignsApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code campaigns bulk CAMPAIGN_ID OPERATION [options]}: one bulk operation (runChangesetOperation) on all of the
 * campaign's changesets or those matching {@code --state}/{@code --review-state}/{@code --check-state}, followed
 * until every changeset has its result (docs/cli.md).
 */
@Command(name = "bulk", mixinStandardHelpOptions = true,
        description = "Comment on, close, merge, request reviewers for or label all of a campaign's changesets "
                + "(or those matching the filters), in the background; follows it until each has its result.")
final class BulkCommand extends ApiCommand {
    enum Operation { COMMENT, CLOSE, MERGE, REQUEST_REVIEWERS, ADD_LABELS }

    @Parameters(index = "0", paramLabel = "CAMPAIGN_ID")
    String id;

    @Parameters(index = "1", paramLabel = "OPERATION", description = "comment, close, merge, request-reviewers or "
            + "add-labels.", converter = OperationConverter.class)
    Operation operation;

    @Option(names = "--body", paramLabel = "TEXT", description = "comment: the comment (Markdown).")
    String body;

    @Option(names = "--method", paramLabel = "METHOD", description = "merge: merge (default), squash or rebase.")
    String method;

    @Option(names = "--force", description = "merge: also changesets whose checks failed or are pending.")
    boolean force;

    @Option(names = "--reviewer", paramLabel = "LOGIN", description = "request-reviewers: a user (repeatable).")
    List<String> reviewers = new ArrayList<>();

    @Option(names = "--label", paramLabel = "LABEL", description = "add-labels: a label (repeatable).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--state", paramLabel = "STATE", description = "Only changesets in this state: open, closed, "
            + "merged, deleted (repeatable).")
    List<String> states = new ArrayList<>();

    @Option(names = "--review-state", paramLabel = "STATE", description = "Only with this review state: approved, "
            + "changes_requested, pending, commented (repeatable).")
    List<String> reviewStates = new ArrayList<>();

    @Option(names = "--check-state", paramLabel = "STATE", description = "Only with this check state: pending, "
            + "passed, failed (repeatable).")
    List<String> checkStates = new ArrayList<>();

    @Mixin
    FollowOptions follow;

    BulkCommand(CliEnvironment env) {
        super(env);
    }

    static final class OperationConverter implements picocli.CommandLine.ITypeConverter<Operation> {
        @Override
        public Operation convert(String value) {
            try {
                return Operation.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("unknown operation " + value
                        + "; one of comment, close, merge, request-reviewers, add-labels");
            }
        }
    }

    @Override
    int run(CampaignsApi api) throws Exception {
        campaign(api, id);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("campaign", id);
        input.put("operation", operation.name());
        Map<String, Object> filter = new LinkedHashMap<>();
        put(filter, "states", states);
        put(filter, "reviewStates", reviewStates);
        put(filter, "checkStates", checkStates);
        if (!filter.isEmpty()) {
            input.put("filter", filter);
        }
        if (body != null) {
            input.put("body", body);
        }
        if (method != null) {
            input.put("mergeMethod", method.toUpperCase(Locale.ROOT));
        }
        if (force) {
            input.put("force", true);
        }
        if (!reviewers.isEmpty()) {
            input.put("reviewers", reviewers);
        }
        if (!labels.isEmpty()) {
            input.put("labels", labels);
        }
        Map<String, Object> op = api.runChangesetOperation(input);
        String opId = (String) op.get("id");
        if (!json) {
            out().println("operation " + opId + ": " + operation.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + " on " + op.get("totalCount") + " changeset(s) of campaign " + id);
            out().flush();
        }
        if (follow.detach) {
            if (json) {
                printJson(op);
            }
            return 0;
        }
        long deadline = System.nanoTime() + follow.timeout.toNanos();
        String last = null;
        while (true) {
            String line = progress(op);
            if (!json && !line.equals(last)) {
                out().println(line);
                out().flush();
                last = line;
            }
            if (!"PROCESSING".equals(op.get("state"))) {
                break;
            }
            if (System.nanoTime() > deadline) {
                err().println("still PROCESSING after " + follow.timeout + "; it goes on in the background");
                err().flush();
                return 1;
            }
            Thread.sleep(follow.poll.toMillis());
            op = api.changesetOperation(opId);
        }
        if (json) {
            Map<String, Object> withResults = new java.util.LinkedHashMap<>(op);
            withResults.put("results", api.changesetOperationResults(opId, 1000));
            printJson(withResults);
        } else {
            for (Map<String, Object> r : api.changesetOperationResults(opId, 1000)) {
                if (!"SUCCEEDED".equals(r.get("state"))) {
                    out().println("  " + r.get("repository") + "#" + r.get("externalID") + ": " + r.get("state")
                            + " (" + r.get("reason") + ")");
                }
            }
            out().println(progress(op));
        }
        return count(op, "failedCount") > 0 ? 1 : 0;
    }

    /** {@code operation ID: STATE (succeeded S, failed F, skipped K, pending P)}: also the last line. */
    static String progress(Map<String, Object> op) {
        return "operation " + op.get("id") + ": " + op.get("state") + " (succeeded " + count(op, "succeededCount")
                + ", failed " + count(op, "failedCount") + ", skipped " + count(op, "skippedCount") + ", pending "
                + count(op, "pendingCount") + ")";
    }

    private static void put(Map<String, Object> filter, String key, List<String> values) {
        if (!values.isEmpty()) {
            filter.put(key, values.stream().map(v -> v.toUpperCase(Locale.ROOT)).toList());
        }
    }
}
