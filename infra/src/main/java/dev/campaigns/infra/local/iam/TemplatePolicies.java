package dev.campaigns.infra.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.campaigns.infra.local.SamTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IAM policies of the roles {@code template.yaml} creates, as SAM and CloudFormation create them:
 * <ul>
 *   <li>a function's or state machine's {@code Policies}: SAM policy templates ({@code DynamoDBCrudPolicy: {TableName:
 *       …}}) expanded with SAM's own definitions (the resource {@code sam-policy-templates.json}, checked against
 *       SAM's table by a test), inline policy documents ({@code Statement: […]}) and AWS-managed policy names;</li>
 *   <li>what SAM attaches to every function's role unasked: {@code AWSLambdaBasicExecutionRole}, and for a function
 *       with an SQS event {@code AWSLambdaSQSQueueExecutionRole} (the event source mapping polls with that role);</li>
 *   <li>an {@code AWS::IAM::Role}'s inline {@code Policies} and {@code ManagedPolicyArns}.</li>
 * </ul>
 * Template values ({@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub}, pseudo parameters) are resolved with the
 * values the local stack gives them. A statement with a {@code Condition} is refused: it is not enforced locally.
 */
public final class TemplatePolicies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");
    private static final JsonNode SAM_TEMPLATES = read("sam-policy-templates.json").path("Templates");
    private static final JsonNode MANAGED = read("aws-managed-policies.json");

    private final SamTemplate template;
    private final Function<String, String> refs;

    /**
     * @param refs the local value of a logical ID, parameter or pseudo parameter ({@code AWS::Region}), and of
     *             {@code Logical.Attribute} for {@code Fn::GetAtt} and {@code ${Logical.Attribute}}
     */
    public TemplatePolicies(SamTemplate template, Function<String, String> refs) {
        this.template = template;
        this.refs = refs;
    }

    /** The SAM policy templates the project expands (name → SAM's definition). */
    public static JsonNode samTemplates() {
        return SAM_TEMPLATES;
    }

    /** The policies of function {@code logicalId}'s role. */
    public IamPolicy function(String logicalId) {
        JsonNode function = resource("AWS::Serverless::Function", logicalId);
        List<IamPolicy.Statement> statements = new ArrayList<>(policies(function.path("Properties").path("Policies")));
        statements.addAll(managed("AWSLambdaBasicExecutionRole"));
        Iterator<JsonNode> events = function.path("Properties").path("Events").elements();
        boolean sqs = false;
        while (events.hasNext()) {
            sqs |= "SQS".equals(events.next().path("Type").asText());
        }
        if (sqs) {
            statements.addAll(managed("AWSLambdaSQSQueueExecutionRole"));
        }
        return new IamPolicy(statements);
    }

    /** The policies of state machine {@code logicalId}'s role (SAM creates it from {@code Policies}). */
    public IamPolicy stateMachine(String logicalId) {
        JsonNode machine = resource("AWS::Serverless::StateMachine", logicalId);
        return new IamPolicy(policies(machine.path("Properties").path("Policies")));
    }

    /** The policies of the {@code AWS::IAM::Role} {@code logicalId}. */
    public IamPolicy role(String logicalId) {
        JsonNode p = resource("AWS::IAM::Role", logicalId).path("Properties");
        List<IamPolicy.Statement> statements = new ArrayList<>();
        for (JsonNode policy : p.path("Policies")) {
            statements.addAll(document(policy.path("PolicyName").asText("inline"), policy.path("PolicyDocument"),
                    Map.of(), false));
        }
        for (JsonNode arn : p.path("ManagedPolicyArns")) {
            String name = eval(arn, Map.of());
            statements.addAll(managed(name.substring(name.lastIndexOf('/') + 1)));
        }
        return new IamPolicy(statements);
    }

    private JsonNode resource(String type, String logicalId) {
        JsonNode r = template.resources(type).get(logicalId);
        if (r == null) {
            throw new IllegalArgumentException("template.yaml has no " + type + " " + logicalId);
        }
        return r;
    }

    /** A SAM {@code Policies} value: a list (or one) of template uses, inline documents and managed policy names. */
    private List<IamPolicy.Statement> policies(JsonNode policies) {
        List<IamPolicy.Statement> statements = new ArrayList<>();
        if (policies.isMissingNode() || policies.isNull()) {
            return statements;
        }
        for (JsonNode entry : policies.isArray() ? policies : JSON.createArrayNode().add(policies)) {
            if (entry.isTextual()) {
                String name = entry.asText();
                statements.addAll(managed(name.substring(name.lastIndexOf('/') + 1)));
            } else if (entry.has("Statement")) {
                statements.addAll(document("Statement", entry, Map.of(), false));
            } else if (entry.size() == 1) {
                Map.Entry<String, JsonNode> use = entry.fields().next();
                statements.addAll(expand(use.getKey(), use.getValue()));
            } else {
                throw new IllegalArgumentException("template.yaml: a Policies entry the local IAM cannot read: " + entry);
            }
        }
        return statements;
    }

    /** A SAM policy template, expanded with its parameters as SAM expands it. */
    private List<IamPolicy.Statement> expand(String name, JsonNode parameters) {
        JsonNode definition = SAM_TEMPLATES.path(name);
        if (definition.isMissingNode()) {
            throw new IllegalArgumentException("template.yaml uses the SAM policy template " + name + ", which the "
                    + "local IAM does not know: add SAM's definition to sam-policy-templates.json");
        }
        Map<String, String> values = new HashMap<>();
        List<String> shown = new ArrayList<>();
        definition.path("Parameters").fieldNames().forEachRemaining(p -> {
            JsonNode value = parameters.path(p);
            if (value.isMissingNode()) {
                throw new IllegalArgumentException("template.yaml: " + name + " needs its parameter " + p);
            }
            values.put(p, eval(value, Map.of()));
            shown.add(p + "=" + describe(value));
        });
        return document(name + "(" + String.join(", ", shown) + ")", definition.path("Definition"), values, false);
    }

    private List<IamPolicy.Statement> managed(String name) {
        JsonNode document = MANAGED.path(name);
        if (document.isMissingNode()) {
            throw new IllegalArgumentException("template.yaml names the managed policy " + name + ", which the "
                    + "local IAM does not know: add its document to aws-managed-policies.json");
        }
        return document(name, document, Map.of(), true);
    }

    private List<IamPolicy.Statement> document(String source, JsonNode document, Map<String, String> parameters,
                                               boolean managed) {
        JsonNode statements = document.path("Statement");
        List<IamPolicy.Statement> out = new ArrayList<>();
        int i = 0;
        for (JsonNode s : statements.isArray() ? statements : JSON.createArrayNode().add(statements)) {
            String at = statements.isArray() && statements.size() > 1 ? source + "[" + i + "]" : source;
            i++;
            if (s.has("Condition")) {
                throw new IllegalArgumentException("template.yaml: " + at + " has a Condition, which the local IAM "
                        + "does not evaluate");
            }
            if (s.has("Principal") || s.has("NotPrincipal")) {
                throw new IllegalArgumentException("template.yaml: " + at + " names a Principal: not an identity policy");
            }
            String effect = s.path("Effect").asText();
            if (!effect.equals("Allow") && !effect.equals("Deny")) {
                throw new IllegalArgumentException("template.yaml: " + at + " has Effect " + effect);
            }
            boolean notAction = s.has("NotAction");
            boolean notResource = s.has("NotResource");
            List<String> resources = strings(s.path(notResource ? "NotResource" : "Resource"), parameters);
            out.add(new IamPolicy.Statement(source.equals("Statement") ? at + " on " + shortNames(resources) : at,
                    effect.equals("Allow"), strings(s.path(notAction ? "NotAction" : "Action"), parameters),
                    notAction, resources, notResource, managed));
        }
        return out;
    }

    /** An inline statement's resources as a report names them: {@code table/CampaignsTable, function:X:*}. */
    private static String shortNames(List<String> resources) {
        List<String> names = new ArrayList<>();
        for (String r : resources) {
            names.add(r.replaceFirst("^arn:[^:]*:[^:]*:[^:]*:[^:]*:", ""));
        }
        return names.size() <= 3 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
    }

    private List<String> strings(JsonNode node, Map<String, String> parameters) {
        List<String> out = new ArrayList<>();
        if (node.has("Fn::Split")) {
            // CloudFormation's list from text; an empty element is a resource AWS refuses at deployment
            JsonNode split = node.get("Fn::Split");
            String text = eval(split.get(1), parameters);
            for (String part : text.split(java.util.regex.Pattern.quote(split.get(0).asText()), -1)) {
                if (part.isEmpty()) {
                    throw new IllegalArgumentException("template.yaml: " + node + " gives an empty resource (from \""
                            + text + "\"), which AWS refuses");
                }
                out.add(part);
            }
        } else if (node.isArray()) {
            node.forEach(n -> out.add(eval(n, parameters)));
        } else if (!node.isMissingNode()) {
            out.add(eval(node, parameters));
        }
        return out;
    }

    /**
     * A template value: text, {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub} (string, or [string, variables] as SAM's
     * definitions use it) or {@code Fn::Join}; {@code parameters} are a policy template's parameters.
     */
    String eval(JsonNode value, Map<String, String> parameters) {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.has("Ref")) {
            String name = value.get("Ref").asText();
            return parameters.containsKey(name) ? parameters.get(name) : refs.apply(name);
        }
        if (value.has("Fn::GetAtt")) {
            JsonNode a = value.get("Fn::GetAtt");
            return refs.apply(a.get(0).asText() + "." + a.get(1).asText());
        }
        if (value.has("Fn::Join")) {
            List<String> parts = new ArrayList<>();
            value.get("Fn::Join").get(1).forEach(p -> parts.add(eval(p, parameters)));
            return String.join(value.get("Fn::Join").get(0).asText(), parts);
        }
        if (value.has("Fn::Sub")) {
            JsonNode sub = value.get("Fn::Sub");
            Map<String, String> variables = new HashMap<>(parameters);
            String text = sub.isArray() ? sub.get(0).asText() : sub.asText();
            if (sub.isArray()) {
                sub.get(1).fields().forEachRemaining(v -> variables.put(v.getKey(), eval(v.getValue(), parameters)));
            }
            StringBuilder out = new StringBuilder();
            Matcher m = VARIABLE.matcher(text);
            while (m.find()) {
                String name = m.group(1);
                m.appendReplacement(out, Matcher.quoteReplacement(variables.containsKey(name) ? variables.get(name)
                        : refs.apply(name)));
            }
            m.appendTail(out);
            return out.toString();
        }
        throw new IllegalArgumentException("template.yaml: a value the local IAM cannot evaluate: " + value);
    }

    /** How a parameter value reads in the template ({@code CampaignsTable}, {@code ChangesetEventsQueue.QueueName}). */
    private static String describe(JsonNode value) {
        if (value.has("Ref")) {
            return value.get("Ref").asText();
        }
        if (value.has("Fn::GetAtt")) {
            return value.get("Fn::GetAtt").get(0).asText() + "." + value.get("Fn::GetAtt").get(1).asText();
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static JsonNode read(String name) {
        try (InputStream in = TemplatePolicies.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the classpath");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
