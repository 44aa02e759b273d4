package dev.campaigns.infra.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * The floor of a cold start (issue 19): a minimal Lambda-shaped program, run in a fresh JVM whose class path is the
 * deployment jar (plus this class), that answers one event with as little as the stage it is given needs, so that
 * {@link ColdStartFloorBench} can say what the JVM and each library cost before any of the product's code runs.
 * Stages, each adding to the one before:
 * <ol>
 * <li>{@code jvm}: a {@link RequestStreamHandler} that copies a fixed answer to its output (no JSON library);</li>
 * <li>{@code jackson}: the event read into a map and the answer written with Jackson, configured as
 * {@code JsonHandler}'s mapper;</li>
 * <li>{@code dynamodb}: a DynamoDB client built as the functions build theirs (region, static credentials from the
 * environment, endpoint override, the URLConnection HTTP client opening connections with the JDK) sends one GetItem
 * ({@code CAMPAIGNS_TABLE}, the key given in the event); the SDK logs through SLF4J, so the bench runs this stage
 * with SLF4J's no-op provider, or the SDK's first logger would start Log4j here;</li>
 * <li>{@code log4j}: a static SLF4J logger (Log4j as the deployment jar configures it: log4j2.properties, JSON
 * template layout, Powertools' fields) and, as {@code JsonHandler} does, Powertools' context set before the request,
 * one INFO line written and the context cleared after it.</li>
 * </ol>
 * Prints {@code main=MS answer=MS cpu=MS} (from the launcher's {@code -Dcoldstart.launched} to {@code main}, from
 * {@code main} to the answer, the process's CPU time up to the answer) and then the answer. Depends only on the JDK
 * and the deployment jar.
 */
public final class ColdStartFloorMain {
    /** The stages, in order; each includes the ones before it. */
    public static final java.util.List<String> STAGES = java.util.List.of("jvm", "jackson", "dynamodb", "log4j");
    /**
     * A variant of {@code log4j} for measuring a lever (not a stage of the floor): the same appender, layout and level
     * built in code ({@link CodeConfiguration}) instead of read from log4j2.properties.
     */
    public static final String LOG4J_IN_CODE = "log4j-code";

    private ColdStartFloorMain() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        long boot = System.currentTimeMillis() - Long.getLong("coldstart.launched", System.currentTimeMillis());
        if (args[0].equals(LOG4J_IN_CODE)) {
            System.setProperty("log4j2.configurationFactory", CodeConfiguration.Factory.class.getName());
        }
        int stage = args[0].equals(LOG4J_IN_CODE) ? STAGES.indexOf("log4j") : STAGES.indexOf(args[0]);
        if (stage < 0) {
            throw new IllegalArgumentException("unknown stage " + args[0] + ": one of " + STAGES);
        }
        RequestStreamHandler handler = switch (stage) {
            case 0 -> new Trivial();
            case 1 -> new JacksonOnly();
            case 2 -> new WithDynamoDb();
            default -> new WithLogging();
        };
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        long t1 = System.nanoTime();
        long cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
        System.out.println("main=" + boot + " answer=" + (t1 - t0) / 1_000_000 + " cpu=" + cpu);
        System.out.println(out.toString(StandardCharsets.UTF_8));
        System.out.flush();
        System.exit(0);
    }

    /** (a) The JVM and a handler: reads the event's bytes, answers a fixed JSON text. */
    static final class Trivial implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            input.readAllBytes();
            output.write("{\"stage\":\"jvm\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** (b) + Jackson: the event read into a map and the answer written, with JsonHandler's mapper settings. */
    static class JacksonOnly implements RequestStreamHandler {
        static final ObjectMapper JSON = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            @SuppressWarnings("unchecked")
            Map<String, Object> event = JSON.readValue(input, Map.class);
            JSON.writeValue(output, answer(event));
        }

        Map<String, Object> answer(Map<String, Object> event) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("stage", "jackson");
            answer.put("key", event.get("PK"));
            return answer;
        }
    }

    /** (c) + one GetItem with a DynamoDB client built as the functions build it (handlers/Services, AwsHttpClient). */
    static class WithDynamoDb extends JacksonOnly {
        private DynamoDbClient dynamo;

        @Override
        Map<String, Object> answer(Map<String, Object> event) {
            if (dynamo == null) {
                dynamo = client(System.getenv());
            }
            GetItemResponse item = dynamo.getItem(b -> b.tableName(System.getenv("CAMPAIGNS_TABLE"))
                    .key(Map.of("PK", AttributeValue.fromS((String) event.get("PK")),
                            "SK", AttributeValue.fromS((String) event.get("SK")))));
            Map<String, Object> answer = super.answer(event);
            answer.put("stage", "dynamodb");
            answer.put("found", item.hasItem() && !item.item().isEmpty());
            answer.put("name", item.hasItem() && item.item().containsKey("name") ? item.item().get("name").s() : null);
            return answer;
        }

        private static DynamoDbClient client(Map<String, String> env) {
            AwsCredentials credentials = env.get("AWS_SESSION_TOKEN") == null
                    ? AwsBasicCredentials.create(env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))
                    : AwsSessionCredentials.create(env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"),
                            env.get("AWS_SESSION_TOKEN"));
            var builder = DynamoDbClient.builder()
                    .region(Region.of(env.get("AWS_REGION")))
                    .credentialsProvider(StaticCredentialsProvider.create(credentials))
                    .httpClient(UrlConnectionHttpClient.create(ColdStartFloorMain::open));
            if (env.get("AWS_ENDPOINT_URL_DYNAMODB") != null) {
                builder.endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_DYNAMODB")));
            }
            return builder.build();
        }
    }

    /** (d) + Log4j as deployed, started by a static logger as the step handlers' is; Powertools' context per call. */
    static final class WithLogging extends WithDynamoDb {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WithLogging.class);

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            software.amazon.lambda.powertools.logging.PowertoolsLogging.initializeLogging(context);
            try {
                super.handleRequest(input, output, context);
                LOG.info("floor answered");
            } finally {
                software.amazon.lambda.powertools.logging.PowertoolsLogging.clearState(true);
            }
        }
    }

    /**
     * log4j2.properties of the deployment jar built in code: a console appender on stdout, the JSON template layout with
     * Powertools' event template, root level INFO; no configuration file looked up or parsed, no plugin nodes built by
     * reflection.
     */
    static final class CodeConfiguration extends org.apache.logging.log4j.core.config.AbstractConfiguration {
        CodeConfiguration(org.apache.logging.log4j.core.LoggerContext context) {
            super(context, org.apache.logging.log4j.core.config.ConfigurationSource.NULL_SOURCE);
        }

        @Override
        protected void doConfigure() {
            var layout = org.apache.logging.log4j.layout.template.json.JsonTemplateLayout.newBuilder()
                    .setConfiguration(this).setEventTemplateUri("classpath:LambdaJsonLayout.json").build();
            var appender = org.apache.logging.log4j.core.appender.ConsoleAppender.newBuilder().setName("Json")
                    .setTarget(org.apache.logging.log4j.core.appender.ConsoleAppender.Target.SYSTEM_OUT)
                    .setLayout(layout).setConfiguration(this).build();
            appender.start();
            addAppender(appender);
            getRootLogger().setLevel(org.apache.logging.log4j.Level.INFO);
            getRootLogger().addAppender(appender, null, null);
        }

        /** Named by {@code log4j2.configurationFactory}: answers every request with {@link CodeConfiguration}. */
        public static final class Factory extends org.apache.logging.log4j.core.config.ConfigurationFactory {
            @Override
            protected String[] getSupportedTypes() {
                return new String[] {"*"};
            }

            @Override
            public org.apache.logging.log4j.core.config.Configuration getConfiguration(
                    org.apache.logging.log4j.core.LoggerContext context,
                    org.apache.logging.log4j.core.config.ConfigurationSource source) {
                return new CodeConfiguration(context);
            }

            @Override
            public org.apache.logging.log4j.core.config.Configuration getConfiguration(
                    org.apache.logging.log4j.core.LoggerContext context, String name, URI location) {
                return new CodeConfiguration(context);
            }
        }
    }

    /** As the functions' AwsHttpClient: the JDK opens the connection (TLS only on an https one), SDK default timeouts. */
    private static HttpURLConnection open(URI uri) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(30_000);
            return connection;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open a connection to " + uri, e);
        }
    }
}
