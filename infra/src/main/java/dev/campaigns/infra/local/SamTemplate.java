package dev.campaigns.infra.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code template.yaml}, read as the embedded runtime needs it: the DynamoDB tables, the Lambda functions (handler
 * class and environment), the state machine (definition file and substitutions), and the AppSync resolvers. The
 * local runtime builds everything from here, so it runs what deploys and cannot drift from it.
 *
 * <p>Intrinsic functions in the template are written in long form; {@link #resolve} evaluates {@code Ref},
 * {@code Fn::GetAtt} and {@code Fn::Sub} against local values.
 */
public final class SamTemplate {
    /** Lambda's {@code Timeout} when neither the function nor the Globals set one. */
    static final int LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
    /** Lambda's {@code MemorySize} when neither the function nor the Globals set one. */
    static final int LAMBDA_DEFAULT_MEMORY_MB = 128;
    private final JsonNode root;

    private SamTemplate(JsonNode root) {
        this.root = root;
    }

    /** The template packaged on the classpath (infra's jar holds the project's template.yaml). */
    public static SamTemplate fromClasspath() {
        return new SamTemplate(readYaml(resource("template.yaml")));
    }

    public static SamTemplate parse(InputStream yaml) {
        return new SamTemplate(readYaml(yaml));
    }

    static InputStream resource(String name) {
        InputStream in = SamTemplate.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the classpath");
        }
        return in;
    }

    private static JsonNode readYaml(InputStream in) {
        try (in) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A DynamoDB table: its logical ID and CloudFormation properties. */
    public record Table(String logicalId, JsonNode properties) {
    }

    /**
     * A Lambda function: its logical ID, handler class, unresolved environment (globals merged in), and its
     * {@code Timeout} (seconds) and {@code MemorySize} (MB): its own, else the Globals', else Lambda's defaults (3 s,
     * 128 MB).
     */
    public record Function(String logicalId, String handlerClass, Map<String, JsonNode> environment,
                           int timeoutSeconds, int memorySize) {
    }

    /** The state machine: its definition file and substitutions (name → unresolved value). */
    public record StateMachine(String logicalId, String definitionUri, Map<String, JsonNode> substitutions) {
    }

    /** An AppSync resolver: the field and the function (logical ID) behind its data source. */
    public record Resolver(String typeName, String fieldName, String functionLogicalId) {
    }

    /**
     * An AppSync data source that invokes a function: its name, the function's logical ID, the function ARN as the
     * template writes it ({@code LambdaFunctionArn}) and the role AppSync assumes to invoke it ({@code ServiceRoleArn}).
     */
    public record DataSource(String logicalId, String name, String functionLogicalId, JsonNode functionArn,
                             JsonNode serviceRoleArn) {
    }

    /** The template's Lambda data sources. */
    public List<DataSource> dataSources() {
        List<DataSource> sources = new ArrayList<>();
        forEachResource("AWS::AppSync::DataSource", (id, r) -> {
            JsonNode p = r.path("Properties");
            JsonNode arn = p.path("LambdaConfig").path("LambdaFunctionArn");
            if (!arn.isMissingNode()) {
                sources.add(new DataSource(id, p.path("Name").asText(), functionOf(arn), arn, p.path("ServiceRoleArn")));
            }
        });
        return sources;
    }

    /** Each template parameter's {@code Default}, as text (parameters without one are left out). */
    public Map<String, String> parameterDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        root.path("Parameters").fields().forEachRemaining(e -> {
            JsonNode d = e.getValue().get("Default");
            if (d != null && !d.isNull()) {
                defaults.put(e.getKey(), d.asText());
            }
        });
        return defaults;
    }

    /** Each function's MemorySize in MB (its own, else the Globals', else Lambda's default 128), by logical ID. */
    public Map<String, Integer> memorySizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        functions().forEach(f -> sizes.put(f.logicalId(), f.memorySize()));
        return sizes;
    }

    public List<Table> tables() {
        List<Table> tables = new ArrayList<>();
        forEachResource("AWS::DynamoDB::Table", (id, r) -> tables.add(new Table(id, r.path("Properties"))));
        return tables;
    }

    public List<Function> functions() {
        JsonNode globals = root.path("Globals").path("Function").path("Environment").path("Variables");
        int globalTimeout = root.path("Globals").path("Function").path("Timeout").asInt(LAMBDA_DEFAULT_TIMEOUT_SECONDS);
        int globalMemory = root.path("Globals").path("Function").path("MemorySize").asInt(LAMBDA_DEFAULT_MEMORY_MB);
        List<Function> functions = new ArrayList<>();
        forEachResource("AWS::Serverless::Function", (id, r) -> {
            Map<String, JsonNode> env = new LinkedHashMap<>();
            globals.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue()));
            r.path("Properties").path("Environment").path("Variables").fields()
                    .forEachRemaining(e -> env.put(e.getKey(), e.getValue()));
            String handler = r.path("Properties").path("Handler").asText();
            JsonNode p = r.path("Properties");
            functions.add(new Function(id, handler.replaceAll("::.*$", ""), env,
                    p.path("Timeout").asInt(globalTimeout), p.path("MemorySize").asInt(globalMemory)));
        });
        return functions;
    }

    public StateMachine stateMachine() {
        List<StateMachine> machines = new ArrayList<>();
        forEachResource("AWS::Serverless::StateMachine", (id, r) -> {
            Map<String, JsonNode> subs = new LinkedHashMap<>();
            r.path("Properties").path("DefinitionSubstitutions").fields()
                    .forEachRemaining(e -> subs.put(e.getKey(), e.getValue()));
            machines.add(new StateMachine(id, r.path("Properties").path("DefinitionUri").asText(), subs));
        });
        if (machines.size() != 1) {
            throw new IllegalStateException("template.yaml must declare one state machine, found " + machines.size());
        }
        return machines.get(0);
    }

    public List<Resolver> resolvers() {
        Map<String, String> dataSourceFunctions = new LinkedHashMap<>();
        forEachResource("AWS::AppSync::DataSource", (id, r) -> {
            JsonNode arn = r.path("Properties").path("LambdaConfig").path("LambdaFunctionArn");
            dataSourceFunctions.put(id, functionOf(arn));
            dataSourceFunctions.put(r.path("Properties").path("Name").asText(), functionOf(arn));
        });
        List<Resolver> resolvers = new ArrayList<>();
        forEachResource("AWS::AppSync::Resolver", (id, r) -> {
            JsonNode p = r.path("Properties");
            JsonNode ds = p.path("DataSourceName");
            String dataSource = ds.isTextual() ? ds.asText() : ds.path("Fn::GetAtt").path(0).asText();
            String function = dataSourceFunctions.get(dataSource);
            if (function == null) {
                throw new IllegalStateException("resolver " + id + " names unknown data source " + dataSource);
            }
            resolvers.add(new Resolver(p.path("TypeName").asText(), p.path("FieldName").asText(), function));
        });
        return resolvers;
    }

    /** An SQS queue: its logical ID and CloudFormation properties. */
    public record Queue(String logicalId, JsonNode properties) {
    }

    /** An event of a function: its type (SQS, Schedule, ...) and properties. */
    public record FunctionEvent(String functionLogicalId, String name, String type, JsonNode properties) {
    }

    public List<Queue> queues() {
        List<Queue> queues = new ArrayList<>();
        forEachResource("AWS::SQS::Queue", (id, r) -> queues.add(new Queue(id, r.path("Properties"))));
        return queues;
    }

    /** Every function's {@code Events}. */
    public List<FunctionEvent> functionEvents() {
        List<FunctionEvent> events = new ArrayList<>();
        forEachResource("AWS::Serverless::Function", (id, r) -> r.path("Properties").path("Events").fields()
                .forEachRemaining(e -> events.add(new FunctionEvent(id, e.getKey(),
                        e.getValue().path("Type").asText(), e.getValue().path("Properties")))));
        return events;
    }

    /** The logical IDs of the functions that have a function URL. */
    public List<String> functionUrls() {
        List<String> ids = new ArrayList<>();
        forEachResource("AWS::Serverless::Function", (id, r) -> {
            if (r.path("Properties").has("FunctionUrlConfig")) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** The GraphQL schema file that the template deploys. */
    public String schemaLocation() {
        List<String> locations = new ArrayList<>();
        forEachResource("AWS::AppSync::GraphQLSchema", (id, r) ->
                locations.add(r.path("Properties").path("DefinitionS3Location").asText()));
        return locations.get(0);
    }

    private static String functionOf(JsonNode ref) {
        String target = ref.path("Ref").asText(ref.path("Fn::GetAtt").path(0).asText());
        return target.replaceAll("\\.(Alias|Arn|Version)$", "");
    }

    /**
     * Evaluates a template value: a plain scalar, {@code Ref}, {@code Fn::GetAtt} or {@code Fn::Sub} (string form),
     * with {@code refs} giving the value of a logical ID or parameter (also "Logical.Alias" and "Logical.Arn").
     */
    public static String resolve(JsonNode value, java.util.function.Function<String, String> refs) {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.has("Ref")) {
            return refs.apply(value.get("Ref").asText());
        }
        if (value.has("Fn::GetAtt")) {
            JsonNode a = value.get("Fn::GetAtt");
            return refs.apply(a.get(0).asText() + "." + a.get(1).asText());
        }
        if (value.has("Fn::Sub")) {
            String text = value.get("Fn::Sub").asText();
            StringBuilder out = new StringBuilder();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([^}]+)}").matcher(text);
            while (m.find()) {
                m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(refs.apply(m.group(1))));
            }
            m.appendTail(out);
            return out.toString();
        }
        throw new IllegalArgumentException("unsupported template value " + value);
    }

    /** The resources of {@code type} (e.g. {@code AWS::IAM::Role}) as the template writes them, by logical ID. */
    public Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        forEachResource(type, found::put);
        return found;
    }

    private void forEachResource(String type, java.util.function.BiConsumer<String, JsonNode> action) {
        Iterator<Map.Entry<String, JsonNode>> it = root.path("Resources").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (type.equals(e.getValue().path("Type").asText())) {
                action.accept(e.getKey(), e.getValue());
            }
        }
    }
}
