package dev.campaigns.infra.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.sfn.InvocationResult;
import dev.campaigns.infra.sfn.LambdaServiceException;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLContext;
import graphql.GraphqlErrorBuilder;
import graphql.execution.CoercedVariables;
import graphql.execution.DataFetcherResult;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.parser.ParserOptions;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.SelectedField;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.TypeRuntimeWiring;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A local AppSync: a GraphQL HTTP endpoint serving the schema file that {@code template.yaml} deploys, with
 * graphql-java, and resolving each field that the template gives a resolver by invoking that resolver's Lambda
 * handler with AppSync's direct-Lambda event ({@code arguments}, {@code identity}, {@code source}, {@code info}).
 * A function error becomes a GraphQL error with AppSync's {@code errorType} and {@code message}.
 *
 * <p>AppSync's limits hold ({@link AppSyncLimits}, docs/limits.md): a request executes for at most 30 s (a resolver
 * call still running then ends the field with {@code Lambda:ExecutionTimeoutException}, "Execution timed out.", and
 * later fields are not resolved; the function runs on to its own timeout, as in AWS), and the evaluated request to
 * and response from a data source are at most 5 MB ({@code MappingTemplate}, "Transformation too large"). Lambda's
 * own limits apply behind it ({@link LocalLambdas}).
 *
 * <p>The caller is identified by {@link AppSyncCallers}: a SigV4 signature (an IAM identity, as AppSync passes it),
 * else the {@code x-campaigns-user} header (a Cognito-style identity whose {@code sub} is that name), else the default
 * user if the stack has one; otherwise the request is refused as AppSync refuses it.
 */
public final class LocalAppSync implements AutoCloseable {
    public static final String USER_HEADER = "x-campaigns-user";
    /** Who a request without {@link #USER_HEADER} acts as: the user of the local web page and of {@code demo}. */
    public static final String DEFAULT_USER = "local-user";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AWS_SCALARS = "scalar AWSDateTime\nscalar AWSDate\nscalar AWSTime\nscalar AWSTimestamp\n"
            + "scalar AWSEmail\nscalar AWSJSON\nscalar AWSURL\nscalar AWSPhone\nscalar AWSIPAddress\n"
            // AppSync's authorisation directives, which it declares implicitly
            + "directive @aws_iam on OBJECT | FIELD_DEFINITION\n"
            + "directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION\n";

    private static final String DEADLINE = "local-appsync-deadline";
    private static final String IDENTITY = "local-appsync-identity";
    /** graphql-java refuses documents over 1 MB by default; AppSync documents no such limit (its limits bind later). */
    private static final ParserOptions PARSER = ParserOptions.getDefaultOperationParserOptions()
            .transform(b -> b.maxCharacters(Integer.MAX_VALUE));
    private final GraphQL graphql;
    private final Server server;
    private final Duration requestExecutionTime;
    private final AppSyncCallers callers;

    private LocalAppSync(GraphQL graphql, Server server, Duration requestExecutionTime, AppSyncCallers callers) {
        this.graphql = graphql;
        this.server = server;
        this.requestExecutionTime = requestExecutionTime;
        this.callers = callers;
    }

    /**
     * Whether AppSync may invoke a resolver's function, as AWS checks its data source's service role: null when it
     * may, else AWS's refusal (the resolver's field then fails with {@code Lambda:AWSLambdaException}).
     */
    @FunctionalInterface
    public interface InvokeCheck {
        InvokeCheck ALLOW_ALL = function -> null;

        String denial(String functionLogicalId);
    }

    /** Builds the API from the template's schema and resolvers and serves it on {@code 127.0.0.1:port} (0: any). */
    public static LocalAppSync start(SamTemplate template, LocalLambdas lambdas, int port) {
        return start(template, lambdas, port, null);
    }

    /**
     * As {@link #start(SamTemplate, LocalLambdas, int)}, with {@code site} (e.g. {@link LocalWebSite}) answering
     * every path but {@code /graphql} on the same port (null: none).
     */
    public static LocalAppSync start(SamTemplate template, LocalLambdas lambdas, int port, HttpServlet site) {
        return start(template, lambdas, port, site, InvokeCheck.ALLOW_ALL);
    }

    /**
     * As {@link #start(SamTemplate, LocalLambdas, int, HttpServlet)}, invoking each resolver's function only if
     * {@code check} allows (the data sources' service role).
     */
    public static LocalAppSync start(SamTemplate template, LocalLambdas lambdas, int port, HttpServlet site,
                                     InvokeCheck check) {
        return start(template, lambdas, port, site, check, AppSyncCallers.withDefaultUser(DEFAULT_USER));
    }

    /** As {@link #start(SamTemplate, LocalLambdas, int, HttpServlet, InvokeCheck)}, identifying callers by {@code callers}. */
    public static LocalAppSync start(SamTemplate template, LocalLambdas lambdas, int port, HttpServlet site,
                                     InvokeCheck check, AppSyncCallers callers) {
        return start(template, lambdas, port, site, check, AppSyncLimits.REQUEST_EXECUTION_TIME, callers);
    }

    /**
     * As {@link #start(SamTemplate, LocalLambdas, int, HttpServlet, InvokeCheck)} with another request execution
     * time than AppSync's 30 s (tests show the limit's behaviour without waiting 30 s).
     */
    static LocalAppSync start(SamTemplate template, LocalLambdas lambdas, int port, HttpServlet site,
                              InvokeCheck check, Duration requestExecutionTime) {
        return start(template, lambdas, port, site, check, requestExecutionTime,
                AppSyncCallers.withDefaultUser(DEFAULT_USER));
    }

    private static LocalAppSync start(SamTemplate template, LocalLambdas lambdas, int port, HttpServlet site,
                                      InvokeCheck check, Duration requestExecutionTime, AppSyncCallers callers) {
        GraphQL graphql = GraphQL.newGraphQL(schema(template, lambdas, check)).build();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        LocalAppSync appSync = new LocalAppSync(graphql, server, requestExecutionTime, callers);
        context.addServlet(new ServletHolder(appSync.new GraphQLServlet()), "/graphql");
        if (site != null) {
            context.addServlet(new ServletHolder(site), "/");
        }
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the local AppSync did not start: " + e.getMessage(), e);
        }
        return appSync;
    }

    public String url() {
        return origin() + "/graphql";
    }

    /** {@code http://127.0.0.1:PORT}: the web page's address when a site is served (see {@link LocalWebSite}). */
    public String origin() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Who requests are (the default user, local IAM users' keys). */
    public AppSyncCallers callers() {
        return callers;
    }

    /** Executes a request as {@code user} (a Cognito-style identity); returns the response as AppSync shapes it. */
    public Map<String, Object> execute(String user, String query, Map<String, Object> variables) {
        return executeAs(AppSyncCallers.cognito(user), query, variables);
    }

    private Map<String, Object> executeAs(Map<String, Object> identity, String query, Map<String, Object> variables) {
        long deadline = System.nanoTime() + requestExecutionTime.toNanos();
        ExecutionResult result = graphql.execute(ExecutionInput.newExecutionInput().query(query)
                .variables(variables == null ? Map.of() : variables)
                .graphQLContext(Map.of(IDENTITY, identity, DEADLINE, deadline, ParserOptions.class, PARSER)).build());
        Map<String, Object> spec = new LinkedHashMap<>(result.toSpecification());
        Object errors = spec.get("errors");
        if (errors instanceof List<?> list) {
            List<Map<String, Object>> shaped = new ArrayList<>();
            for (Object e : list) {
                @SuppressWarnings("unchecked")
                Map<String, Object> error = new LinkedHashMap<>((Map<String, Object>) e);
                Object extensions = error.remove("extensions");
                Object type = extensions instanceof Map<?, ?> m ? m.get("errorType") : null;
                error.put("errorType", type != null ? type : "ValidationError");
                shaped.add(error);
            }
            spec.put("errors", shaped);
        }
        return spec;
    }

    private static GraphQLSchema schema(SamTemplate template, LocalLambdas lambdas, InvokeCheck check) {
        String location = template.schemaLocation();
        String fileName = location.substring(location.lastIndexOf('/') + 1);
        String sdl;
        try (InputStream in = SamTemplate.resource(fileName)) {
            sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        TypeDefinitionRegistry types = new SchemaParser().parse(AWS_SCALARS + sdl);
        RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring();
        for (String scalar : List.of("AWSDateTime", "AWSDate", "AWSTime", "AWSTimestamp", "AWSEmail", "AWSJSON",
                "AWSURL", "AWSPhone", "AWSIPAddress")) {
            wiring.scalar(GraphQLScalarType.newScalar().name(scalar).coercing(new PassThrough()).build());
        }
        Map<String, TypeRuntimeWiring.Builder> byType = new LinkedHashMap<>();
        for (SamTemplate.Resolver r : template.resolvers()) {
            byType.computeIfAbsent(r.typeName(), TypeRuntimeWiring::newTypeWiring)
                    .dataFetcher(r.fieldName(), lambdaResolver(lambdas, r.functionLogicalId(), check));
        }
        byType.values().forEach(wiring::type);
        return new SchemaGenerator().makeExecutableSchema(types, wiring.build());
    }

    private static DataFetcher<Object> lambdaResolver(LocalLambdas lambdas, String function, InvokeCheck check) {
        return env -> {
            String denied = check.denial(function);
            if (denied != null) {
                return DataFetcherResult.newResult().error(GraphqlErrorBuilder.newError(env).message(denied
                        + " (Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: "
                        + java.util.UUID.randomUUID() + "; Proxy: null)")
                        .extensions(Map.of("errorType", "Lambda:AWSLambdaException")).build()).build();
            }
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("arguments", env.getArguments());
            event.put("identity", env.getGraphQlContext().<Map<String, Object>>get(IDENTITY));
            event.put("source", env.getSource());
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("parentTypeName", env.getParentType() instanceof graphql.schema.GraphQLNamedType t ? t.getName() : "");
            info.put("fieldName", env.getField().getName());
            info.put("variables", env.getVariables());
            info.put("selectionSetList", env.getSelectionSet().getImmediateFields().stream()
                    .map(SelectedField::getName).toList());
            event.put("info", info);
            String request = JSON.writeValueAsString(event);
            if (LambdaLimits.bytes(request) > AppSyncLimits.EVALUATED_TEMPLATE_BYTES) {
                return error(env, AppSyncLimits.TOO_LARGE_TYPE, AppSyncLimits.TOO_LARGE_MESSAGE);
            }
            long remaining = env.getGraphQlContext().<Long>get(DEADLINE) - System.nanoTime();
            if (remaining <= 0) {
                return error(env, AppSyncLimits.TIMEOUT_TYPE, AppSyncLimits.TIMEOUT_MESSAGE);
            }
            LocalLambdas.Invocation invocation;
            try {
                invocation = lambdas.start(function, request);
            } catch (LambdaServiceException e) {
                return error(env, "Lambda:" + e.errorName().replaceFirst("^Lambda\\.", ""), e.getMessage());
            }
            // AppSync stops waiting at its deadline; the function runs on to its own timeout, as in AWS
            InvocationResult result = invocation.await(Duration.ofNanos(remaining)).orElse(null);
            if (result == null) {
                return error(env, AppSyncLimits.TIMEOUT_TYPE, AppSyncLimits.TIMEOUT_MESSAGE);
            }
            if (result.isFunctionError()) {
                return error(env, result.errorType(),
                        result.errorMessage() == null ? result.errorType() : result.errorMessage());
            }
            if (LambdaLimits.bytes(result.payloadJson()) > AppSyncLimits.EVALUATED_TEMPLATE_BYTES) {
                return error(env, AppSyncLimits.TOO_LARGE_TYPE, AppSyncLimits.TOO_LARGE_MESSAGE);
            }
            return JSON.readValue(result.payloadJson(), Object.class);
        };
    }

    private static DataFetcherResult<Object> error(DataFetchingEnvironment env, String type, String message) {
        return DataFetcherResult.newResult().error(GraphqlErrorBuilder.newError(env).message(message)
                .extensions(Map.of("errorType", type)).build()).build();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** POST /graphql {query, variables, operationName}: the GraphQL over HTTP of AppSync. */
    private final class GraphQLServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] bytes = request.getInputStream().readAllBytes();
            AppSyncCallers.Caller caller = callers.identify(request.getMethod(), request.getRequestURI(),
                    request.getQueryString(), name -> AppSyncCallers.values(request.getHeaders(name)), bytes,
                    request.getRemoteAddr());
            if (caller.refused()) {
                response.setHeader("x-amzn-ErrorType", caller.errorType());
                write(response, caller.status(), Map.of("errors", List.of(Map.of("errorType", caller.errorType(),
                        "message", caller.message()))));
                return;
            }
            Map<String, Object> body;
            try {
                body = JSON.readValue(bytes, new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                write(response, 400, Map.of("errors", List.of(Map.of("errorType", "MalformedHttpRequestException",
                        "message", "the request body is not JSON"))));
                return;
            }
            Object query = body.get("query");
            if (!(query instanceof String q) || q.isBlank()) {
                write(response, 400, Map.of("errors", List.of(Map.of("errorType", "MalformedHttpRequestException",
                        "message", "the request has no query"))));
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> variables = body.get("variables") instanceof Map<?, ?> v ? (Map<String, Object>) v : Map.of();
            write(response, 200, executeAs(caller.identity(), q, variables));
        }

        private void write(HttpServletResponse response, int status, Object body) throws IOException {
            response.setStatus(status);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            JSON.writeValue(response.getOutputStream(), body);
        }
    }

    /** AWS scalars travel as their JSON text; AppSync validates them, this local API passes them through. */
    private static final class PassThrough implements Coercing<Object, Object> {
        @Override
        public Object serialize(Object value, GraphQLContext context, Locale locale) {
            return value;
        }

        @Override
        public Object parseValue(Object input, GraphQLContext context, Locale locale) {
            return input;
        }

        @Override
        public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
            if (input instanceof StringValue s) {
                return s.getValue();
            }
            throw new CoercingParseLiteralException("expected a string literal");
        }
    }
}
