package dev.campaigns.infra.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.local.LocalCampaigns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The floor of a cold start on this machine (issue 19): {@link ColdStartFloorMain}'s four stages (the JVM and a
 * trivial handler; + Jackson; + a DynamoDB client and one GetItem against the local stack's DynamoDB; + Log4j as
 * deployed), each in a fresh JVM started as {@link ColdStartBench} starts a function's (the deployment jar on the class
 * path, QueryResolverFunction's environment from the template with the local endpoints, so its credentials and
 * {@code JAVA_TOOL_OPTIONS}; Lambda's memory size and serial collector; {@code COLDSTART_JAVA_OPTS} added; before
 * stage (d), SLF4J's no-op provider, see {@link #NO_LOGGING_BACKEND}). The stages
 * alternate within each round, so every stage sees the same machine. Prints a table of medians and, last,
 * {@code coldstart-floor: jvm A ms, +jackson B ms, +dynamodb C ms, +log4j D ms (wall medians of N runs), cpu ...}.
 *
 * <p>Usage: {@code ColdStartFloorBench JAR [--runs N] [--stages S,S...]} (default 5 runs of the four stages;
 * {@code --stages} may add {@value ColdStartFloorMain#LOG4J_IN_CODE}, stage (d) with Log4j configured in code).
 */
public final class ColdStartFloorBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The function whose environment (credentials, table names, options) the floor runs with: one GetItem is its work. */
    private static final String FUNCTION = "QueryResolverFunction";
    private static final Map<String, String> LABELS = Map.of(
            "jvm", "(a) JVM + a trivial handler",
            "jackson", "(b) + Jackson reads/writes the event",
            "dynamodb", "(c) + DynamoDB client, one GetItem",
            "log4j", "(d) + Log4j as deployed (JSON, Powertools)",
            ColdStartFloorMain.LOG4J_IN_CODE, "(d') (d) with Log4j configured in code");

    /**
     * The stages before (d) run with SLF4J's no-op provider: the AWS SDK logs through SLF4J, and its first logger
     * would otherwise start the jar's Log4j (with the JSON layout and Powertools) inside stage (c).
     */
    static final String NO_LOGGING_BACKEND = "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider";

    private ColdStartFloorBench() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "functions/target/campaigns-functions.jar");
        int runs = 5;
        List<String> stages = ColdStartFloorMain.STAGES;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--runs") && i + 1 < args.length) {
                runs = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--stages") && i + 1 < args.length) {
                stages = List.of(args[++i].split(","));
                for (String stage : stages) {
                    if (!LABELS.containsKey(stage)) {
                        throw new IllegalArgumentException("unknown stage " + stage + ": one of "
                                + String.join(", ", ColdStartFloorMain.STAGES) + ", " + ColdStartFloorMain.LOG4J_IN_CODE);
                    }
                }
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: JAR [--runs N] [--stages S,S...])");
            }
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1, not " + runs);
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " is missing: mvn -B -Pdeploy -DskipTests package");
        }
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_floor0123456789")
                .withSharedClock(1))) {
            Map<String, String> env = new LinkedHashMap<>(stack.functionEnvironment(FUNCTION));
            stack.dynamo().putItem(b -> b.tableName(env.get("CAMPAIGNS_TABLE")).item(Map.of(
                    "PK", AttributeValue.fromS("FLOOR#1"), "SK", AttributeValue.fromS("FLOOR"),
                    "name", AttributeValue.fromS("the floor's item"))));
            Path event = Files.createTempFile("floor", ".json");
            Files.writeString(event, JSON.writeValueAsString(Map.of("PK", "FLOOR#1", "SK", "FLOOR")));
            Path classes = ColdStartBench.classDir(ColdStartFloorMain.class);
            double loadBefore = os.getSystemLoadAverage();
            Map<String, List<long[]>> results = new LinkedHashMap<>();
            for (int round = 0; round < runs; round++) {
                for (String stage : stages) {
                    results.computeIfAbsent(stage, s -> new ArrayList<>())
                            .add(run(stage, jar, classes, env, event));
                }
            }
            double loadAfter = os.getSystemLoadAverage();
            System.out.printf("%-44s %9s %9s %9s %9s %9s%n", "stage (fresh JVM, medians of " + runs + ")",
                    "total ms", "min-max", "to main", "cpu ms", "+total");
            long previous = 0;
            List<String> summary = new ArrayList<>();
            List<String> cpuSummary = new ArrayList<>();
            for (String stage : stages) {
                List<long[]> r = results.get(stage);
                long total = median(r, 0);
                long cpu = median(r, 2);
                long min = r.stream().mapToLong(x -> x[0]).min().orElseThrow();
                long max = r.stream().mapToLong(x -> x[0]).max().orElseThrow();
                System.out.printf("%-44s %9d %9s %9d %9d %9s%n", LABELS.get(stage), total, min + "-" + max,
                        median(r, 1), cpu, stage.equals("jvm") ? "" : String.format("%+d", total - previous));
                summary.add((stage.equals("jvm") ? "" : "+") + stage + " " + total + " ms");
                cpuSummary.add(String.valueOf(cpu));
                previous = total;
            }
            LOG_LINES.forEach((stage, line) -> System.out.println("log line (" + stage + "): " + line));
            System.out.printf("load average %.2f -> %.2f; java %s; options %s + %s%n", loadBefore, loadAfter,
                    System.getProperty("java.version"), ColdStartBench.lambdaJvmOptions(FUNCTION),
                    env.getOrDefault("JAVA_TOOL_OPTIONS", "") + " " + System.getenv().getOrDefault("COLDSTART_JAVA_OPTS", ""));
            System.out.printf("coldstart-floor: %s (wall medians of %d runs), cpu %s ms%n", String.join(", ", summary),
                    runs, String.join("/", cpuSummary));
            Files.deleteIfExists(event);
        }
        System.exit(0); // DynamoDB Local leaves a sleeping non-daemon job thread behind
    }

    /** The first log line of each stage that logs, printed after the table (the JSON the configuration gives). */
    private static final Map<String, String> LOG_LINES = new LinkedHashMap<>();

    private static long median(List<long[]> runs, int column) {
        long[] values = runs.stream().mapToLong(r -> r[column]).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    /** One fresh JVM at {@code stage}: {total wall ms, ms to main, cpu ms}; checks the answer. */
    private static long[] run(String stage, Path jar, Path classes, Map<String, String> env, Path event)
            throws IOException, InterruptedException {
        ProcessBuilder pb = ColdStartBench.lambdaJvm(FUNCTION, "floor-" + stage,
                stage.startsWith("log4j") ? List.of() : List.of(NO_LOGGING_BACKEND), jar, classes,
                List.of(ColdStartFloorMain.class.getName(), stage, event.toString()), env);
        long start = System.nanoTime();
        Process p = pb.start();
        String timing = null;
        String answer = null;
        String logLine = null;
        long responded = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (timing == null && line.contains("floor answered")) {
                    logLine = line;
                } else if (timing == null && line.startsWith("main=")) {
                    responded = System.nanoTime();
                    timing = line;
                } else if (timing != null && answer == null) {
                    answer = line;
                }
            }
        }
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0 || timing == null || answer == null) {
            throw new IllegalStateException("stage " + stage + " failed in a fresh JVM (exit " + p.exitValue() + ")");
        }
        var json = JSON.readTree(answer);
        if (!json.path("stage").asText().equals(stage.startsWith("log4j") ? "dynamodb" : stage)
                || (stage.equals("dynamodb") || stage.startsWith("log4j"))
                && !json.path("name").asText().equals("the floor's item")) {
            throw new IllegalStateException("stage " + stage + " answered " + answer);
        }
        if (stage.startsWith("log4j") != (logLine != null)) {
            throw new IllegalStateException("stage " + stage + " logged " + logLine);
        }
        if (logLine != null) {
            LOG_LINES.putIfAbsent(stage, logLine);
        }
        String[] parts = timing.split("[= ]");
        return new long[] {(responded - start) / 1_000_000, Long.parseLong(parts[1]), Long.parseLong(parts[5])};
    }
}
