package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real AWS CLI ({@code aws stepfunctions ...}, Debian's {@code awscli} in CI) against the local Step
 * Functions endpoint, as a user of {@code serve} would run it: the Map Run operations answer, and the dates it
 * prints are wall-clock although the engine's waits run 1000x fast. Each CLI call starts a Python process (about
 * a second), so the test makes five and drives the rest through the engine's API. The CLI is {@code $CAMPAIGNS_AWS_CLI}, else
 * {@code aws} on the PATH; skipped, saying so, when there is none.
 */
class AwsCliTest extends SfnTestSupport {

    private static final Duration CLI_DEADLINE = Duration.ofSeconds(90);

    private LocalStepFunctions sfn;
    private StepFunctionsHttpServer server;
    private Path aws;
    private Path scratch;

    @BeforeEach
    void start() throws Exception {
        String chosen = System.getenv("CAMPAIGNS_AWS_CLI");
        Optional<Path> found = chosen != null && !chosen.isBlank() ? Optional.of(Path.of(chosen)) : onPath("aws");
        assumeTrue(found.isPresent(), "SKIPPED: no 'aws' (AWS CLI) on the PATH; install Debian's awscli to run "
                + "this test (.ci/run does, and points CAMPAIGNS_AWS_CLI at it)");
        aws = found.get();
        assertTrue(Files.isExecutable(aws), "CAMPAIGNS_AWS_CLI names " + aws + ", which is not an executable");
        System.out.println("AwsCliTest: " + aws + " (" + version() + ")");
        scratch = Files.createTempDirectory("aws-cli-test");
        // no user profile, a fixed timestamp format whatever the CLI's major version
        Files.writeString(scratch.resolve("config"), "[default]\nregion = us-east-1\ncli_timestamp_format = iso8601\n");
        sfn = engine(fast());
        server = new StepFunctionsHttpServer(sfn, 0);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            sfn.close();
        }
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Runs {@code aws stepfunctions <args>} against the local endpoint; its JSON output. */
    private JsonNode cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(aws.toString(), "stepfunctions"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--endpoint-url", server.endpoint().toString(), "--output", "json"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", scratch.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", scratch.resolve("credentials").toString());
        env.put("AWS_PAGER", "");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        Path out = scratch.resolve("out");
        Path err = scratch.resolve("err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                new File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(CLI_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("'aws stepfunctions " + args[0] + "' did not finish within "
                    + CLI_DEADLINE.toSeconds() + " s");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("'aws stepfunctions " + String.join(" ", args) + "' exited " + p.exitValue()
                    + " (" + version() + "): " + stderr.strip());
        }
        return JSON.readTree(stdout);
    }

    private String version() {
        try {
            Process p = new ProcessBuilder(aws.toString(), "--version").redirectErrorStream(true).start();
            p.waitFor(CLI_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException | InterruptedException e) {
            return "version unknown";
        }
    }

    private static Instant time(JsonNode n, String field) {
        assertTrue(n.hasNonNull(field), field + " missing in " + n);
        return OffsetDateTime.parse(n.get(field).asText()).toInstant();
    }

    /** Within the real run (1 ms of slack for the wire's fractional epoch seconds). */
    private static void assertWithin(Instant before, Instant after, Instant t, String what) {
        assertTrue(!t.isBefore(before.minusMillis(1)) && !t.isAfter(after.plusMillis(1)),
                what + " " + t + " is not within the real run " + before + ".." + after);
    }

    @Test
    void mapRunOperationsAndWallClockDatesThroughTheRealCli() throws Exception {
        functions.with("job", in -> json("{'done':" + in + "}"));
        String definition = def("{'StartAt':'Pause','States':{'Pause':{'Type':'Wait','Seconds':500,'Next':'Jobs'},"
                + "'Jobs':{'Type':'Map','Label':'Jobs','ItemsPath':'$.items','MaxConcurrency':2,"
                + "'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED','ExecutionType':'STANDARD'},"
                + "'StartAt':'Job','States':{'Job':{'Type':'Task','Resource':'" + FN_ARN + "job','End':true}}},"
                + "'End':true}}}");
        String sm = sfn.createStateMachine("cli", definition, ROLE);
        Instant before = Instant.now();
        String arn = sfn.startExecution(sm, "run-1", "{\"items\":[1,2,3]}");
        assertEquals(ExecutionStatus.SUCCEEDED, await(sfn, arn).status());
        Instant after = Instant.now();

        // 500 virtual seconds of Wait took half a real second: the dates the CLI prints say so
        JsonNode described = cli("describe-execution", "--execution-arn", arn);
        assertEquals("SUCCEEDED", described.get("status").asText());
        assertWithin(before, after, time(described, "startDate"), "startDate");
        assertWithin(before, after, time(described, "stopDate"), "stopDate");
        JsonNode events = cli("get-execution-history", "--execution-arn", arn).get("events");
        assertEquals(sfn.getExecutionHistory(arn).size(), events.size());
        for (JsonNode e : events) {
            assertWithin(before, after, time(e, "timestamp"), e.get("type").asText() + " timestamp");
        }

        JsonNode runs = cli("list-map-runs", "--execution-arn", arn).get("mapRuns");
        assertEquals(1, runs.size(), runs.toString());
        String mapRunArn = runs.get(0).get("mapRunArn").asText();
        assertEquals(arn, runs.get(0).get("executionArn").asText());
        assertEquals(sm, runs.get(0).get("stateMachineArn").asText());

        JsonNode run = cli("describe-map-run", "--map-run-arn", mapRunArn);
        assertEquals("SUCCEEDED", run.get("status").asText());
        assertEquals(2, run.get("maxConcurrency").asInt());
        assertEquals(3, run.at("/itemCounts/total").asInt());
        assertEquals(3, run.at("/itemCounts/succeeded").asInt());
        assertEquals(0, run.at("/itemCounts/pending").asInt());
        assertEquals(3, run.at("/executionCounts/succeeded").asInt());
        assertWithin(before, after, time(run, "startDate"), "map run startDate");
        assertWithin(before, after, time(run, "stopDate"), "map run stopDate");

        String child = sfn.listMapRunExecutions(mapRunArn, null).get(0).executionArn();
        JsonNode machine = cli("describe-state-machine-for-execution", "--execution-arn", child);
        assertEquals(mapRunArn, machine.get("mapRunArn").asText());
        assertEquals("Jobs", machine.get("label").asText());
        assertEquals("cli/Jobs", machine.get("name").asText());
    }
}
