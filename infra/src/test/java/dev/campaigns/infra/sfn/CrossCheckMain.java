package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Java side of {@code bench/asl-crosscheck.sh}: runs the cross-check cases with {@link LocalStepFunctions}
 * and prints one JSON line per case ({@code name, status, output | error}), with the same task handlers as
 * {@code infra/src/test/node/asl-crosscheck.mjs}.
 */
public final class CrossCheckMain {

    private CrossCheckMain() {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode cases = json.readTree(Files.readString(Path.of(args[0])));
        Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
        String[] caseName = new String[1];
        LambdaInvoker invoker = (fn, payload) -> {
            try {
                JsonNode in = json.readTree(payload);
                switch (fn) {
                    case "double":
                        return InvocationResult.success(in.isNumber() ? String.valueOf(in.asLong() * 2)
                                : "{\"n\":" + in.get("n").asLong() * 2 + "}");
                    case "flaky2": {
                        int n = counters.computeIfAbsent(caseName[0], k -> new AtomicInteger()).incrementAndGet();
                        if (n <= 2) {
                            return InvocationResult.functionError("Flaky", "flaky failure", List.of());
                        }
                        return InvocationResult.success("{\"ok\":true,\"calls\":" + n + "}");
                    }
                    case "boom":
                        return InvocationResult.functionError("Boom", "boom", List.of());
                    default:
                        throw new LambdaServiceException("Lambda.ResourceNotFoundException", fn);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        };
        try (LocalStepFunctions sfn = new LocalStepFunctions(invoker,
                SfnConfig.defaults().withAccountId("123456789012").withTimeScale(0.0001))) {
            for (JsonNode c : cases) {
                caseName[0] = c.get("name").asText();
                String sm = sfn.createStateMachine(caseName[0], json.writeValueAsString(c.get("definition")),
                        "arn:aws:iam::123456789012:role/x");
                String arn = sfn.startExecution(sm, null, json.writeValueAsString(c.get("input")));
                ExecutionDescription d = sfn.awaitExecution(arn, Duration.ofSeconds(60));
                ObjectNode line = json.createObjectNode();
                line.put("name", caseName[0]);
                line.put("status", d.status().name());
                if (d.status() == ExecutionStatus.SUCCEEDED) {
                    line.set("output", json.readTree(d.output()));
                } else {
                    line.put("error", d.error());
                }
                System.out.println(json.writeValueAsString(line));
            }
        }
    }
}
