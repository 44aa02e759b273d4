package dev.campaigns.infra.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The least-privilege report over a test run: reads every {@code usage-*.json} the stacks wrote ({@link IamUsage})
 * and prints, per role of template.yaml, each policy's granted actions that no allowed call used, and the resources
 * a policy grants that no call touched. Stacks that ran a modified template (negative controls) are left out.
 * Last line: {@code iam-report: S stacks, C calls, R roles, G granted actions, U never used (M of them in
 * AWS-managed policies)}.
 *
 * <p>Usage: {@code IamReport DIR} (the build writes to {@code infra/target/iam}; {@code bench/iam-report.sh}).
 */
public final class IamReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IamReport() {
    }

    /** A granted policy statement of one role, and which of its actions and resources calls used. */
    private static final class Grant {
        final String source;
        final boolean managed;
        final List<String> actions = new ArrayList<>();
        final List<String> resources = new ArrayList<>();
        final TreeSet<String> usedActions = new TreeSet<>();
        final TreeSet<String> usedResources = new TreeSet<>();

        Grant(JsonNode s) {
            source = s.path("source").asText();
            managed = s.path("managed").asBoolean();
            s.path("actions").forEach(a -> actions.add(a.asText()));
            s.path("resources").forEach(r -> resources.add(r.asText()));
        }
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: IamReport DIR (the usage-*.json files of a test run, e.g. infra/target/iam)");
            System.exit(2);
        }
        System.exit(report(Path.of(args[0]), System.out) ? 0 : 1);
    }

    /** Prints the report of the usage files in {@code dir}; false when there are none. */
    public static boolean report(Path dir, PrintStream out) {
        List<JsonNode> runs = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().matches("usage-.*\\.json")).sorted().toList()) {
                    JsonNode run = JSON.readTree(f.toFile());
                    if (run.path("projectTemplate").asBoolean()) {
                        runs.add(run);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (runs.isEmpty()) {
            out.println("iam-report: no usage records in " + dir + " (run the tests first: mvn -B verify)");
            return false;
        }
        // The roles and their policies as the latest stack saw them; every stack ran the same template.yaml.
        Map<String, List<Grant>> grants = new TreeMap<>();
        for (JsonNode p : runs.get(runs.size() - 1).path("principals")) {
            List<Grant> list = new ArrayList<>();
            p.path("statements").forEach(s -> {
                if (s.path("allow").asBoolean() && !s.path("notAction").asBoolean()
                        && !s.path("notResource").asBoolean()) {
                    list.add(new Grant(s));
                }
            });
            grants.put(p.path("name").asText(), list);
        }
        long calls = 0;
        Map<String, Long> denied = new TreeMap<>();
        for (JsonNode run : runs) {
            for (JsonNode c : run.path("calls")) {
                long n = c.path("count").asLong();
                calls += n;
                String principal = c.path("principal").asText();
                String action = c.path("action").asText();
                String resource = c.path("resource").asText();
                if (!c.path("outcome").asText().equals("ALLOWED")) {
                    denied.merge(principal + " " + action + " " + resource, n, Long::sum);
                    continue;
                }
                for (Grant g : grants.getOrDefault(principal, List.of())) {
                    String matchedAction = null;
                    for (String a : g.actions) {
                        if (IamPolicy.Wildcards.matches(a.toLowerCase(Locale.ROOT), action.toLowerCase(Locale.ROOT))) {
                            matchedAction = a;
                        }
                    }
                    String matchedResource = null;
                    for (String r : g.resources) {
                        if (IamPolicy.Wildcards.matches(r, resource)) {
                            matchedResource = r;
                        }
                    }
                    if (matchedAction != null && matchedResource != null) {
                        g.usedActions.add(matchedAction);
                        g.usedResources.add(matchedResource);
                    }
                }
            }
        }
        int granted = 0;
        int unused = 0;
        int unusedManaged = 0;
        out.println("Granted but never used, per role of template.yaml, over " + runs.size() + " stacks of the test run ("
                + calls + " authorised calls):");
        for (Map.Entry<String, List<Grant>> role : grants.entrySet()) {
            List<String> lines = new ArrayList<>();
            for (Grant g : role.getValue()) {
                List<String> idle = new ArrayList<>();
                for (String a : g.actions) {
                    granted++;
                    if (!g.usedActions.contains(a)) {
                        idle.add(a);
                        unused++;
                        unusedManaged += g.managed ? 1 : 0;
                    }
                }
                List<String> untouched = new ArrayList<>();
                for (String r : g.resources) {
                    if (!g.usedResources.contains(r)) {
                        untouched.add(r);
                    }
                }
                if (!idle.isEmpty() || (!untouched.isEmpty() && !g.usedActions.isEmpty())) {
                    lines.add("  " + g.source + (g.managed ? " [AWS-managed, attached by SAM]" : "") + ": "
                            + (idle.isEmpty() ? "every action used" : (idle.size() == g.actions.size()
                            ? "never used" : "unused " + String.join(", ", idle)))
                            + (untouched.isEmpty() || g.usedActions.isEmpty() ? ""
                            : "; resources never used: " + String.join(", ", untouched)));
                }
            }
            out.println(role.getKey() + (lines.isEmpty() ? ": every granted action used" : ""));
            lines.forEach(out::println);
        }
        if (!denied.isEmpty()) {
            out.println("Denied calls (the policy tests' probes; anything else is a missing grant):");
            denied.forEach((k, n) -> out.println("  " + k + " x" + n));
        }
        out.println("iam-report: " + runs.size() + " stacks, " + calls + " calls, " + grants.size() + " roles, "
                + granted + " granted actions, " + unused + " never used (" + unusedManaged
                + " of them in AWS-managed policies)");
        return true;
    }
}
