package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The Step Functions API over HTTP, AWS JSON 1.0 protocol ({@code POST /}, {@code X-Amz-Target:
 * AWSStepFunctions.<Operation>}), in front of a {@link LocalStepFunctions}, so that code using the AWS SDK's
 * {@code SfnClient} runs unchanged with only an endpoint override. Errors are HTTP 400 with
 * {@code {"__type": "<ErrorCode>", "message": ...}}, which the SDK turns into its typed exceptions. Signatures are
 * not checked. Listens on 127.0.0.1 only.
 */
public final class StepFunctionsHttpServer implements AutoCloseable {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String TARGET_PREFIX = "AWSStepFunctions.";

    private final LocalStepFunctions engine;
    private final Server server;
    private final ServerConnector connector;

    /**
     * Starts listening.
     *
     * @param port the TCP port on 127.0.0.1, or 0 for any free port (see {@link #port()})
     */
    public StepFunctionsHttpServer(LocalStepFunctions engine, int port) throws Exception {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.server = new Server();
        this.connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback);
                return true;
            }
        });
        server.start();
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}, for {@code SfnClient.builder().endpointOverride(...)}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private void serve(Request request, Response response, Callback callback) {
        int status = 200;
        JsonNode body;
        try {
            if (!"POST".equals(request.getMethod())) {
                throw new StepFunctionsException(StepFunctionsException.Code.ValidationException,
                        "Only POST is supported");
            }
            String target = request.getHeaders().get("X-Amz-Target");
            if (target == null || !target.startsWith(TARGET_PREFIX)) {
                throw new StepFunctionsException(StepFunctionsException.Code.UnknownOperationException,
                        "Missing or unknown X-Amz-Target");
            }
            String text = Content.Source.asString(request, StandardCharsets.UTF_8);
            JsonNode in = text == null || text.isBlank() ? F.objectNode() : JsonPaths.MAPPER.readTree(text);
            body = dispatch(target.substring(TARGET_PREFIX.length()), in);
        } catch (StepFunctionsException e) {
            status = 400;
            body = error(e.errorCode(), e.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            status = 400;
            body = error("SerializationException", "The request body is not valid JSON");
        } catch (Exception e) {
            status = 500;
            body = error("InternalFailure", e.getClass().getSimpleName());
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-amz-json-1.0");
        response.getHeaders().put("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        Content.Sink.write(response, true, JsonPaths.compact(body), callback);
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode e = F.objectNode();
        e.put("__type", type);
        e.put("message", message);
        return e;
    }

    private JsonNode dispatch(String op, JsonNode in) {
        switch (op) {
            case "CreateStateMachine": {
                String type = in.path("type").asText("STANDARD");
                if (!type.equals("STANDARD")) {
                    throw new StepFunctionsException(StepFunctionsException.Code.ValidationException,
                            "Only STANDARD state machines are supported locally");
                }
                String arn = engine.createStateMachine(required(in, "name"), required(in, "definition"),
                        in.path("roleArn").asText(null));
                ObjectNode out = F.objectNode();
                out.put("stateMachineArn", arn);
                time(out, "creationDate", engine.describeStateMachine(arn).creationDate());
                return out;
            }
            case "DescribeStateMachine": {
                StateMachineDescription d = engine.describeStateMachine(required(in, "stateMachineArn"));
                ObjectNode out = F.objectNode();
                out.put("stateMachineArn", d.stateMachineArn());
                out.put("name", d.name());
                out.put("status", "ACTIVE");
                out.put("definition", d.definition());
                out.put("roleArn", d.roleArn());
                out.put("type", "STANDARD");
                time(out, "creationDate", d.creationDate());
                return out;
            }
            case "ListStateMachines": {
                List<JsonNode> items = new ArrayList<>();
                for (StateMachineDescription d : engine.listStateMachines()) {
                    ObjectNode o = F.objectNode();
                    o.put("stateMachineArn", d.stateMachineArn());
                    o.put("name", d.name());
                    o.put("type", "STANDARD");
                    time(o, "creationDate", d.creationDate());
                    items.add(o);
                }
                return page(items, in, "stateMachines");
            }
            case "StartExecution": {
                String arn = engine.startExecution(required(in, "stateMachineArn"), in.path("name").asText(null),
                        in.path("input").asText(null));
                ObjectNode out = F.objectNode();
                out.put("executionArn", arn);
                time(out, "startDate", engine.describeExecution(arn).startDate());
                return out;
            }
            case "DescribeExecution":
                return describe(engine.describeExecution(required(in, "executionArn")), true);
            case "ListExecutions": {
                ExecutionStatus filter = in.hasNonNull("statusFilter")
                        ? ExecutionStatus.valueOf(in.get("statusFilter").asText()) : null;
                List<ExecutionDescription> list = in.hasNonNull("mapRunArn")
                        ? engine.listMapRunExecutions(in.get("mapRunArn").asText(), filter)
                        : engine.listExecutions(required(in, "stateMachineArn"), filter);
                List<JsonNode> items = new ArrayList<>();
                for (ExecutionDescription d : list) {
                    items.add(describe(d, false));
                }
                return page(items, in, "executions");
            }
            case "GetExecutionHistory": {
                boolean data = in.path("includeExecutionData").asBoolean(true);
                List<JsonNode> items = new ArrayList<>();
                for (HistoryEvent e : engine.getExecutionHistory(required(in, "executionArn"))) {
                    items.add(event(e, data));
                }
                if (in.path("reverseOrder").asBoolean(false)) {
                    Collections.reverse(items);
                }
                return page(items, in, "events");
            }
            case "StopExecution": {
                Instant stop = engine.stopExecution(required(in, "executionArn"), in.path("error").asText(null),
                        in.path("cause").asText(null));
                ObjectNode out = F.objectNode();
                time(out, "stopDate", stop);
                return out;
            }
            case "DescribeStateMachineForExecution": {
                StateMachineForExecution m = engine.describeStateMachineForExecution(required(in, "executionArn"));
                StateMachineDescription d = m.stateMachine();
                ObjectNode out = F.objectNode();
                out.put("stateMachineArn", d.stateMachineArn());
                out.put("name", d.name());
                out.put("definition", d.definition());
                out.put("roleArn", d.roleArn());
                time(out, "updateDate", d.creationDate());
                out.putObject("loggingConfiguration").put("level", "OFF").put("includeExecutionData", false);
                out.putObject("tracingConfiguration").put("enabled", false);
                if (m.mapRunArn() != null) {
                    out.put("mapRunArn", m.mapRunArn());
                    out.put("label", m.label());
                }
                return out;
            }
            case "ListMapRuns": {
                List<JsonNode> items = new ArrayList<>();
                for (MapRunDescription d : engine.listMapRuns(required(in, "executionArn"))) {
                    ObjectNode o = F.objectNode();
                    o.put("executionArn", d.executionArn());
                    o.put("mapRunArn", d.mapRunArn());
                    o.put("stateMachineArn", d.stateMachineArn());
                    time(o, "startDate", d.startDate());
                    time(o, "stopDate", d.stopDate());
                    items.add(o);
                }
                return page(items, in, "mapRuns");
            }
            case "DescribeMapRun": {
                MapRunDescription d = engine.describeMapRun(required(in, "mapRunArn"));
                ObjectNode out = F.objectNode();
                out.put("mapRunArn", d.mapRunArn());
                out.put("executionArn", d.executionArn());
                out.put("status", d.status().name());
                time(out, "startDate", d.startDate());
                time(out, "stopDate", d.stopDate());
                out.put("maxConcurrency", d.maxConcurrency());
                out.put("toleratedFailurePercentage", d.toleratedFailurePercentage());
                out.put("toleratedFailureCount", d.toleratedFailureCount());
                counts(out.putObject("itemCounts"), d.itemCounts());
                counts(out.putObject("executionCounts"), d.executionCounts());
                out.put("redriveCount", 0);
                return out;
            }
            case "SendTaskSuccess":
                engine.sendTaskSuccess(required(in, "taskToken"), required(in, "output"));
                return F.objectNode();
            case "SendTaskFailure":
                engine.sendTaskFailure(required(in, "taskToken"), in.path("error").asText(null),
                        in.path("cause").asText(null));
                return F.objectNode();
            case "SendTaskHeartbeat":
                engine.sendTaskHeartbeat(required(in, "taskToken"));
                return F.objectNode();
            default:
                throw new StepFunctionsException(StepFunctionsException.Code.UnknownOperationException,
                        "Operation not supported by the local engine: " + op);
        }
    }

    private static void counts(ObjectNode o, MapRunDescription.Counts c) {
        o.put("pending", c.pending());
        o.put("running", c.running());
        o.put("succeeded", c.succeeded());
        o.put("failed", c.failed());
        o.put("timedOut", c.timedOut());
        o.put("aborted", c.aborted());
        o.put("total", c.total());
        o.put("resultsWritten", 0);
        o.put("failuresNotRedrivable", 0);
        o.put("pendingRedrive", 0);
    }

    private static String required(JsonNode in, String field) {
        if (!in.hasNonNull(field)) {
            throw new StepFunctionsException(StepFunctionsException.Code.ValidationException,
                    "1 validation error detected: Value null at '" + field + "' failed to satisfy constraint: "
                            + "Member must not be null");
        }
        return in.get(field).asText();
    }

    private static void time(ObjectNode o, String field, Instant t) {
        if (t != null) {
            o.put(field, t.getEpochSecond() + t.getNano() / 1e9);
        }
    }

    private static ObjectNode describe(ExecutionDescription d, boolean full) {
        ObjectNode o = F.objectNode();
        o.put("executionArn", d.executionArn());
        o.put("stateMachineArn", d.stateMachineArn());
        o.put("name", d.name());
        o.put("status", d.status().name());
        time(o, "startDate", d.startDate());
        time(o, "stopDate", d.stopDate());
        if (d.mapRunArn() != null) {
            o.put("mapRunArn", d.mapRunArn());
        }
        if (full) {
            o.put("input", d.input());
            o.putObject("inputDetails").put("included", true);
            if (d.output() != null) {
                o.put("output", d.output());
                o.putObject("outputDetails").put("included", true);
            }
            if (d.error() != null) {
                o.put("error", d.error());
            }
            if (d.cause() != null) {
                o.put("cause", d.cause());
            }
        }
        return o;
    }

    private static ObjectNode event(HistoryEvent e, boolean includeData) {
        ObjectNode o = F.objectNode();
        time(o, "timestamp", e.timestamp());
        o.put("type", e.type());
        o.put("id", e.id());
        o.put("previousEventId", e.previousEventId());
        if (e.detailsField() != null && e.details() != null) {
            ObjectNode d = e.details().deepCopy();
            if (!includeData) {
                d.remove(List.of("input", "output", "inputDetails", "outputDetails"));
            }
            o.set(e.detailsField(), d);
        }
        return o;
    }

    /** Pages a list with {@code maxResults} (default 100, at most 1000) and an opaque {@code nextToken}. */
    private static ObjectNode page(List<JsonNode> items, JsonNode in, String field) {
        int max = in.path("maxResults").asInt(0);
        if (max <= 0) {
            max = 100;
        }
        max = Math.min(max, 1000);
        int from = 0;
        if (in.hasNonNull("nextToken")) {
            try {
                from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(in.get("nextToken").asText()),
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new StepFunctionsException(StepFunctionsException.Code.ValidationException,
                        "Invalid Token: 'Invalid nextToken'");
            }
        }
        ObjectNode out = F.objectNode();
        ArrayNode arr = out.putArray(field);
        int to = Math.min(items.size(), from + max);
        for (int i = from; i < to; i++) {
            arr.add(items.get(i));
        }
        if (to < items.size()) {
            out.put("nextToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(Integer.toString(to).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }
}
