package dev.campaigns.infra.local.iam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every call the local IAM decided: who, which action on which resource, and the outcome, counted. A stack writes
 * its record (with its principals' policies, so a report can tell granted from used) to the directory the system
 * property {@value #DIRECTORY_PROPERTY} names, when set (the build sets it for the tests: {@code
 * infra/target/iam}); {@link IamReport} reads them all.
 */
public final class IamUsage {
    /** Where stacks write their usage ({@code usage-*.json}); unset: nowhere. */
    public static final String DIRECTORY_PROPERTY = "campaigns.iam.usageDir";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One kind of call: a principal's action on a resource, and IAM's outcome. */
    public record Call(String principal, String action, String resource, IamPolicy.Outcome outcome) {
    }

    private final Map<Call, LongAdder> calls = new ConcurrentHashMap<>();

    void record(Principal principal, ServiceCall call, IamPolicy.Decision decision) {
        calls.computeIfAbsent(new Call(principal.name(), call.action(), call.resource(), decision.outcome()),
                c -> new LongAdder()).increment();
    }

    /** The calls so far and how often each was made. */
    public Map<Call, Long> calls() {
        Map<Call, Long> out = new TreeMap<>(Comparator.comparing(Call::principal).thenComparing(Call::action)
                .thenComparing(Call::resource).thenComparing(Call::outcome));
        calls.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /**
     * Writes the record to {@code directory}/usage-*.json.
     *
     * @param fromProjectTemplate whether the stack ran the project's template.yaml (a report counts grants of those
     *                            stacks only; a test that runs a modified copy is left out)
     */
    public Path write(Path directory, Collection<Principal> principals, boolean fromProjectTemplate) {
        ObjectNode root = JSON.createObjectNode();
        root.put("projectTemplate", fromProjectTemplate);
        ArrayNode ps = root.putArray("principals");
        principals.stream().sorted(Comparator.comparing(Principal::name)).forEach(p -> {
            ObjectNode o = ps.addObject();
            o.put("name", p.name());
            o.put("role", p.roleArn());
            ArrayNode statements = o.putArray("statements");
            for (IamPolicy.Statement s : p.policy().statements()) {
                ObjectNode so = statements.addObject();
                so.put("source", s.source());
                so.put("allow", s.allow());
                so.put("managed", s.managed());
                so.put("notAction", s.notAction());
                so.put("notResource", s.notResource());
                s.actions().forEach(so.putArray("actions")::add);
                s.resources().forEach(so.putArray("resources")::add);
            }
        });
        ArrayNode cs = root.putArray("calls");
        calls().forEach((c, n) -> {
            ObjectNode o = cs.addObject();
            o.put("principal", c.principal());
            o.put("action", c.action());
            o.put("resource", c.resource());
            o.put("outcome", c.outcome().name());
            o.put("count", n);
        });
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve("usage-" + System.currentTimeMillis() + "-" + UUID.randomUUID() + ".json");
            JSON.writeValue(file.toFile(), root);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
