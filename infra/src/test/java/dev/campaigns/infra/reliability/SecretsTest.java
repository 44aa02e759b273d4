package dev.campaigns.infra.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.infra.codehost.Fault;
import dev.campaigns.infra.demo.CampaignsApi;
import dev.campaigns.infra.demo.CampaignsApi.Patch;
import dev.campaigns.infra.local.LocalCampaigns;
import dev.campaigns.infra.sfn.ExecutionDescription;
import dev.campaigns.infra.sfn.HistoryEvent;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The code host token never leaks: a whole campaign runs with a recognisable token (a secret of the local Secrets
 * Manager, read by the functions that talk to the code host, as in AWS), with failures on the way,
 * one of them a hostile code host answer that echoes the token; then every log line (Log4j at all levels for the
 * project, JGit and the SDK, java.util.logging, stdout and stderr), every GraphQL answer and error, every item of
 * every table and every event of every execution's history (children included) is searched for it: zero hits.
 */
class SecretsTest {
    private static final String TOKEN = "ghp_CANARYsecretToken0123456789abcdefXYZ";

    @Test
    void theTokenAppearsNowhere() throws Exception {
        ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        AbstractAppender capture = new AbstractAppender("secrets-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
                        .append(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    line.append(" | ").append(t);
                }
                logs.add(line.toString());
            }
        };
        capture.start();
        List<String> verbose = List.of("dev.campaigns", "org.eclipse.jgit", "software.amazon.awssdk", "org.kohsuke");
        for (String name : verbose) {
            LoggerConfig logger = new LoggerConfig(name, Level.ALL, false);
            logger.addAppender(capture, Level.ALL, null);
            config.addLogger(name, logger);
        }
        config.getRootLogger().addAppender(capture, Level.INFO, null);
        ctx.updateLoggers();
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("");
        Handler julCapture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logs.add(r.getLoggerName() + " " + r.getMessage() + (r.getThrown() == null ? "" : " | " + r.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Level julBefore = java.util.logging.Logger.getLogger("org.kohsuke").getLevel();
        java.util.logging.Logger.getLogger("org.kohsuke").setLevel(java.util.logging.Level.ALL);
        julCapture.setLevel(java.util.logging.Level.ALL);
        jul.addHandler(julCapture);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(out, console), true));
        System.setErr(new PrintStream(new Tee(err, console), true));
        List<String> answers = new ArrayList<>();
        try (LocalCampaigns stack = LocalCampaigns.start(LocalCampaigns.Options.defaults(TOKEN))) {
            CampaignsApi api = ReliabilityStack.api(stack, "keeper");
            List<Patch> patches = ReliabilityStack.repositories(stack, "secret", 4);
            // a hostile host echoes the token back in an error; another refuses a push once; another is flaky
            stack.codeHost().faults().add(Fault.on("POST", "/api/v3/repos/" + patches.get(1).repository() + "/pulls")
                    .status(422, "{\"message\":\"Validation Failed for token " + TOKEN + " (Authorization: token "
                            + TOKEN + ")\"}", Map.of()));
            stack.codeHost().faults().add(Fault.on("POST", "/" + patches.get(2).repository() + "\\.git/git-receive-pack")
                    .times(1).status(503));
            stack.codeHost().faults().add(Fault.on("GET", "/api/v3/repos/" + patches.get(3).repository())
                    .times(2).dropConnection());
            String planId = ReliabilityStack.executedPlan(api, patches);
            answers.add(api.plan(planId).toString());
            String id = (String) api.createCampaign(Map.of("name", "Secrets", "branch", "campaigns/secrets",
                    "plan", planId)).get("id");
            Map<String, Object> status = ReliabilityStack.awaitStatus(api, id);
            answers.add(status.toString());
            assertEquals("ERRORED", status.get("state"), status::toString);
            assertEquals(3, status.get("completedCount"));
            @SuppressWarnings("unchecked")
            List<String> errors = (List<String>) status.get("errors");
            assertTrue(errors.get(0).contains("Validation Failed"), errors::toString);
            answers.add(api.campaign(id, 50, null).toString());
            List<String> hits = new ArrayList<>();
            for (String a : answers) {
                if (a.contains(TOKEN)) {
                    hits.add("GraphQL answer: " + a);
                }
            }
            for (String table : List.of("CampaignsTable", "BlobsTable", "IdempotencyTable")) {
                for (Map<String, AttributeValue> item : stack.dynamo().scanPaginator(ScanRequest.builder()
                        .tableName(table).build()).items()) {
                    if (contains(item)) {
                        hits.add("DynamoDB " + table + ": " + item.get("PK") + item.get("key"));
                    }
                }
            }
            int events = 0;
            Set<String> seen = new HashSet<>();
            List<String> arns = new ArrayList<>();
            stack.stepFunctions().listExecutions(stack.stateMachineArn(), null)
                    .forEach(e -> arns.add(e.executionArn()));
            Pattern mapRun = Pattern.compile("arn:aws:states:[^\"\\s,}]*:mapRun:[^\"\\s,}]*");
            while (!arns.isEmpty()) {
                String arn = arns.remove(0);
                if (!seen.add(arn)) {
                    continue;
                }
                for (HistoryEvent event : stack.stepFunctions().getExecutionHistory(arn)) {
                    events++;
                    String text = event.toString();
                    if (text.contains(TOKEN)) {
                        hits.add("history of " + arn + ": " + event.type());
                    }
                    Matcher m = mapRun.matcher(text);
                    while (m.find()) {
                        for (ExecutionDescription child : stack.stepFunctions().listMapRunExecutions(m.group(), null)) {
                            arns.add(child.executionArn());
                        }
                    }
                }
            }
            System.out.flush();
            System.err.flush();
            for (String line : logs) {
                if (line.contains(TOKEN)) {
                    hits.add("log: " + line);
                }
            }
            String consoleText = console.toString(StandardCharsets.UTF_8);
            if (consoleText.contains(TOKEN)) {
                hits.add("stdout/stderr: " + consoleText.substring(Math.max(0, consoleText.indexOf(TOKEN) - 200),
                        consoleText.indexOf(TOKEN)));
            }
            out.println("secrets: " + logs.size() + " log lines, " + seen.size() + " executions (" + events
                    + " history events), 3 tables scanned, token hits " + hits.size());
            assertTrue(seen.size() > 2, "child executions were searched too");
            assertTrue(logs.size() > 50, "the logs were captured");
            assertTrue(logs.stream().anyMatch(l -> l.contains("Validation Failed")), "the hostile answer was logged");
            assertEquals(List.of(), hits);
        } finally {
            System.setOut(out);
            System.setErr(err);
            jul.removeHandler(julCapture);
            java.util.logging.Logger.getLogger("org.kohsuke").setLevel(julBefore);
            for (String name : verbose) {
                config.removeLogger(name);
            }
            config.getRootLogger().removeAppender("secrets-capture");
            ctx.updateLoggers();
        }
    }

    private static boolean contains(Map<String, AttributeValue> item) {
        for (AttributeValue v : item.values()) {
            String text = v.s() != null ? v.s() : v.b() != null ? v.b().asString(StandardCharsets.ISO_8859_1) : v.toString();
            if (text.contains(TOKEN)) {
                return true;
            }
            if (v.b() != null && inflated(v.b()).contains(TOKEN)) {
                return true;
            }
        }
        return false;
    }

    /** Blobs may be deflated (commit bundles): search their inflated bytes too. */
    private static String inflated(SdkBytes bytes) {
        try (var in = new java.util.zip.InflaterInputStream(bytes.asInputStream())) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException notDeflated) {
            return "";
        }
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
