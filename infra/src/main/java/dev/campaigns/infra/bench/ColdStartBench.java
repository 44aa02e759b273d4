package dev.campaigns.infra.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.campaigns.infra.demo.SampleCampaign;
import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.service.WebhookDelivery;
import dev.campaigns.service.WebhookSignature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 5, cold start: every function of template.yaml started in a fresh JVM (the deployment jar on its
 * classpath, the function's environment from the template with local endpoints, {@code JAVA_TOOL_OPTIONS}
 * included) and timed from process start to its first response, on a representative event against the local
 * stack: a real three-job plan and campaign walked through every handler in order (the stack's state machine is
 * swapped for a no-op one so that nothing else runs the jobs; the functions that start executions are granted
 * that one too, as the local IAM enforces their policies). Prints each function's time and the jar's size.
 * Last line: {@code coldstart: slowest T ms (HandlerName), jar M MB}.
 */
public final class ColdStartBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Extra options for every fresh JVM, from {@code COLDSTART_JAVA_OPTS} (blank-separated; {@code {function}} is
     * replaced by the function's name), for measuring where the time goes, e.g.
     * {@code -Xlog:class+load:file=/tmp/cs/{function}.log} or {@code -XX:SharedArchiveFile=...}.
     */
    private static final List<String> EXTRA_JAVA_OPTIONS = System.getenv().getOrDefault("COLDSTART_JAVA_OPTS", "")
            .isBlank() ? List.of() : List.of(System.getenv("COLDSTART_JAVA_OPTS").trim().split("\\s+"));
    /**
     * Each function's {@code MemorySize} from template.yaml: Lambda's JVM sees that much memory, so the fresh JVM here
     * is told the same ({@link #lambdaJvmOptions}) instead of sizing itself for this machine.
     */
    private static final Map<String, Integer> MEMORY_SIZES = dev.campaigns.infra.local.SamTemplate.fromClasspath()
            .memorySizes();
    private final LocalCampaigns stack;
    private final Path jar;
    private final String noopArn;
    private final Map<String, long[]> results = new LinkedHashMap<>();

    private ColdStartBench(LocalCampaigns stack, Path jar, String noopArn) {
        this.stack = stack;
        this.jar = jar;
        this.noopArn = noopArn;
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "functions/target/campaigns-functions.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " is missing: mvn -B -Pdeploy -DskipTests package");
        }
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults("ghp_coldStart0123456789")
                .withSharedClock(1).withTemplate(mayStart(NOOP_ARN)))) {
            String noop = stack.stepFunctions().createStateMachine("Noop",
                    "{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Succeed\"}}}",
                    "arn:aws:iam::000000000000:role/noop");
            if (!noop.equals(NOOP_ARN)) {
                throw new IllegalStateException("the no-op state machine is " + noop + ", not " + NOOP_ARN);
            }
            new ColdStartBench(stack, jar, noop).walk();
        }
        System.exit(0); // DynamoDB Local leaves a sleeping non-daemon job thread behind
    }

    private static final String NOOP_ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:Noop";

    /**
     * template.yaml with one more grant for the functions that start executions: {@code states:StartExecution} on
     * the no-op state machine they are pointed at here (the local IAM enforces their policies as AWS would).
     */
    private static String mayStart(String stateMachineArn) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode template;
        try (var in = ColdStartBench.class.getClassLoader().getResourceAsStream("template.yaml")) {
            template = yaml.readTree(in);
        }
        template.path("Resources").forEach(resource -> {
            JsonNode p = resource.path("Properties");
            if (p.path("Environment").path("Variables").has("STATE_MACHINE_ARN") && p.path("Policies").isArray()) {
                ObjectNode grant = ((ArrayNode) p.get("Policies")).addObject().putArray("Statement").addObject();
                grant.put("Effect", "Allow");
                grant.put("Action", "states:StartExecution");
                grant.put("Resource", stateMachineArn);
            }
        });
        return yaml.writeValueAsString(template);
    }

    private void walk() throws Exception {
        List<Map<String, Object>> patches = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String repo = "cold/service-0000" + i;
            String base = stack.codeHost().createRepository(repo, SampleCampaign.files(i));
            patches.add(Map.of("repository", repo, "baseRevision", base, "baseRef", "main",
                    "patch", SampleCampaign.patch()));
        }
        JsonNode plan = cold("CampaignPlanResolverFunction", appSync("Mutation", "createCampaignPlanFromPatches",
                Map.of("patches", patches)));
        String planId = plan.get("id").asText();
        JsonNode page = cold("PrepareCampaignJobPageFunction", Map.of("campaignPlanId", planId, "page", 0));
        List<String> ids = new ArrayList<>();
        page.get("jobIds").forEach(j -> ids.add(j.asText()));
        cold("ExecuteCampaignJobFunction", Map.of("campaignPlanId", planId, "jobId", ids.get(0)));
        var warm = stack.lambdas().invoke("ExecuteCampaignJobFunction",
                JSON.writeValueAsString(Map.of("campaignPlanId", planId, "jobId", ids.get(2))));
        if (warm.isFunctionError()) {
            throw new IllegalStateException("ExecuteCampaignJobFunction failed: " + warm.errorMessage());
        }
        Map<String, String> error = Map.of("Error", "States.Timeout", "Cause", "benchmark");
        cold("RecordCampaignJobFailureFunction", Map.of("campaignPlanId", planId, "jobId", ids.get(1), "error", error));
        cold("FinishCampaignPlanFunction", Map.of("campaignPlanId", planId));
        JsonNode campaign = cold("CampaignResolverFunction", appSync("Mutation", "createCampaign",
                Map.of("input", Map.of("name", "Cold start", "branch", "campaigns/cold-start", "plan", planId))));
        String campaignId = campaign.get("id").asText();
        cold("PrepareChangesetJobPageFunction", Map.of("campaignId", campaignId, "page", 0));
        Map<String, Object> job = Map.of("campaignId", campaignId, "jobId", ids.get(0));
        cold("CommitChangesetFunction", job);
        cold("PushChangesetFunction", job);
        cold("CreatePullRequestFunction", job);
        cold("CreateChangesetFunction", job);
        cold("RecordChangesetJobFailureFunction", Map.of("campaignId", campaignId, "jobId", ids.get(2),
                "error", error));
        cold("FinishCampaignFunction", Map.of("campaignId", campaignId));
        JsonNode query = cold("QueryResolverFunction", appSync("Query", "campaign", Map.of("id", campaignId)));
        // Changeset tracking: a signed webhook about the new pull request, the queued delivery, the scheduled sync,
        // and a campaign field of the changeset resolver.
        String webhookBody = JSON.writeValueAsString(Map.of("action", "closed", "number", 1,
                "pull_request", Map.of("number", 1), "repository", Map.of("full_name", "cold/service-00001")));
        String secret = stack.webhookSecret();
        JsonNode received = cold("WebhookReceiverFunction", Map.of("headers", Map.of(
                "x-github-event", "pull_request", "x-github-delivery", "cold-start-1",
                "x-hub-signature-256", WebhookSignature.sign(secret, webhookBody.getBytes(StandardCharsets.UTF_8))),
                "body", webhookBody, "isBase64Encoded", false));
        if (received.path("statusCode").asInt() != 202) {
            throw new IllegalStateException("the webhook was not accepted: " + received);
        }
        String delivery = WebhookDelivery.parse("cold-start-2", "pull_request",
                webhookBody.getBytes(StandardCharsets.UTF_8)).toJson();
        cold("ChangesetEventsFunction", Map.of("Records", List.of(Map.of("messageId", "cold-start-2",
                "body", delivery))));
        cold("CloseChangesetsFunction", Map.of("Records", List.of(Map.of("messageId", "cold-start-3",
                "body", new dev.campaigns.service.CloseChangesetsRequest(campaignId, List.of("cold-start-none")).toJson()))));
        cold("SyncChangesetsFunction", Map.of("source", "aws.events", "detail-type", "Scheduled Event",
                "detail", Map.of()));
        cold("ChangesetResolverFunction", Map.of("arguments", Map.of(), "source", Map.of("id", campaignId),
                "identity", Map.of("sub", "bench", "username", "bench"),
                "info", Map.of("parentTypeName", "Campaign", "fieldName", "changesetCountsOverTime")));
        if (stack.codeHost().pullRequests("cold/service-00001").size() != 1) {
            throw new IllegalStateException("the walk did not open the pull request");
        }

        String slowest = null;
        long slowestMs = -1;
        System.out.printf("%-34s %9s %9s %9s %9s %9s %9s%n", "function (fresh JVM)", "total ms", "boot ms", "load ms",
                "init ms", "invoke ms", "cpu ms");
        for (Map.Entry<String, long[]> e : results.entrySet()) {
            long[] r = e.getValue();
            System.out.printf("%-34s %9d %9d %9d %9d %9d %9d%n", e.getKey(), r[0], r[3], r[4], r[1], r[2], r[5]);
            if (r[0] > slowestMs) {
                slowestMs = r[0];
                slowest = e.getKey();
            }
        }
        System.out.println("campaign status after the walk: " + query.path("changesetCreationStatus"));
        double mb = Files.size(jar) / (1024.0 * 1024.0);
        System.out.printf("deployment jar %s: %.1f MB%n", jar, mb);
        System.out.printf("coldstart: slowest %d ms (%s), jar %.1f MB%n", slowestMs,
                slowest.replace("Function", "Handler"), mb);
    }

    private static Map<String, Object> appSync(String type, String field, Map<String, Object> arguments) {
        return Map.of("arguments", arguments, "identity", Map.of("sub", "bench", "username", "bench"),
                "info", Map.of("parentTypeName", type, "fieldName", field));
    }

    /** Runs {@code function} in a fresh JVM on {@code event}; records and returns its answer. */
    private JsonNode cold(String function, Object event) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>(stack.functionEnvironment(function));
        if (env.containsKey("STATE_MACHINE_ARN")) {
            env.put("STATE_MACHINE_ARN", noopArn);
        }
        env.put("GIT_CACHE_DIR", Files.createTempDirectory("cold-git").toString()); // /tmp is empty at a cold start
        Path eventFile = Files.createTempFile("event", ".json");
        Files.writeString(eventFile, JSON.writeValueAsString(event));
        String handler = handlerClass(function);
        ProcessBuilder pb = lambdaJvm(function, function, List.of(), jar, mainClassDir(),
                List.of(ColdStartMain.class.getName(), handler, eventFile.toString()), env);
        long start = System.nanoTime();
        Process p = pb.start();
        String timing = null;
        StringBuilder answer = new StringBuilder();
        long responded = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (timing == null && line.startsWith("init=")) {
                    responded = System.nanoTime();
                    timing = line;
                } else if (timing != null) {
                    answer.append(line);
                }
            }
        }
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0 || timing == null) {
            throw new IllegalStateException(function + " failed in a fresh JVM (exit " + p.exitValue() + ")");
        }
        String[] parts = timing.split("[= ]");
        results.put(function, new long[] {(responded - start) / 1_000_000, Long.parseLong(parts[1]),
                Long.parseLong(parts[3]), Long.parseLong(parts[5]), Long.parseLong(parts[7]), Long.parseLong(parts[9])});
        Files.deleteIfExists(eventFile);
        return JSON.readTree(answer.toString());
    }

    /**
     * A fresh JVM started as Lambda starts {@code function}'s ({@link #lambdaJvmOptions}, its memory size in the
     * environment), with {@code COLDSTART_JAVA_OPTS} ({@code {function}} replaced by {@code logName}) and
     * {@code moreOptions}, the deployment jar and {@code classes} on its class path, {@code mainAndArgs} to run, and
     * nothing but {@code PATH} and {@code env} in its environment; stderr discarded.
     */
    static ProcessBuilder lambdaJvm(String function, String logName, List<String> moreOptions, Path jar, Path classes,
                                    List<String> mainAndArgs, Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(lambdaJvmOptions(function));
        for (String option : EXTRA_JAVA_OPTIONS) {
            command.add(option.replace("{function}", logName));
        }
        command.addAll(moreOptions);
        command.addAll(List.of("-Dcoldstart.launched=" + System.currentTimeMillis(),
                "-cp", jar + java.io.File.pathSeparator + classes));
        command.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().putAll(env);
        pb.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(memorySize(function)));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb;
    }

    /**
     * The JVM Lambda's {@code java17} runtime starts for {@code function}, as far as it changes a cold start: it sees
     * the function's {@code MemorySize} as its memory (this 23 GB machine would otherwise size the heap and pick the
     * collector for itself: G1 on two cores, where Lambda's JVM, below the server-class threshold of about 2 GB,
     * gets the serial collector) and uses the serial collector, the runtime's documented default ("Customize Java
     * runtime startup behavior"); C1 only comes from the template's {@code JAVA_TOOL_OPTIONS}, which the fresh JVM
     * receives with the rest of the function's environment.
     */
    static List<String> lambdaJvmOptions(String function) {
        return List.of("-XX:MaxRAM=" + memorySize(function) + "m", "-XX:+UseSerialGC");
    }

    private static int memorySize(String function) {
        Integer mb = MEMORY_SIZES.get(function);
        if (mb == null) {
            throw new IllegalArgumentException("template.yaml has no function " + function);
        }
        return mb;
    }

    private Path mainClassDir;

    /** A directory holding only {@link ColdStartMain}, so the fresh JVM sees the deployment jar and nothing else. */
    private Path mainClassDir() throws IOException {
        if (mainClassDir == null) {
            mainClassDir = classDir(ColdStartMain.class);
        }
        return mainClassDir;
    }

    /**
     * A new directory holding only {@code type}'s class file and its nested classes' (to put beside the deployment jar
     * on a fresh JVM's class path).
     */
    static Path classDir(Class<?> type) throws IOException {
        Path dir = Files.createTempDirectory("cold-main");
        copyClass(type, dir);
        return dir;
    }

    private static void copyClass(Class<?> type, Path dir) throws IOException {
        String resource = type.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(resource);
        Files.createDirectories(target.getParent());
        try (var in = type.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            copyClass(nested, dir);
        }
    }

    private static String handlerClass(String function) {
        return "dev.campaigns.handlers." + function.replace("Function", "Handler");
    }
}
