package dev.campaigns.infra.local.iam;

import java.util.List;
import java.util.Locale;

/**
 * The identity-based policies of one principal, evaluated as IAM evaluates them: an explicit {@code Deny} that
 * matches wins; else any matching {@code Allow} allows; else the request is implicitly denied. {@code Action} and
 * {@code NotAction} match case-insensitively, {@code Resource} and {@code NotResource} case-sensitively, both with
 * IAM's wildcards ({@code *} any run of characters, {@code ?} one character). {@code Condition} is not supported:
 * {@link TemplatePolicies} refuses a statement that has one, so nothing is silently widened.
 */
public record IamPolicy(List<Statement> statements) {
    public IamPolicy {
        statements = List.copyOf(statements);
    }

    /**
     * One statement.
     *
     * @param source      where it comes from, for reports and messages (e.g. {@code DynamoDBCrudPolicy(CampaignsTable)})
     * @param allow       {@code Effect: Allow}, else Deny
     * @param actions     the {@code Action} (or {@code NotAction}) patterns
     * @param notAction   whether {@code actions} is a {@code NotAction}
     * @param resources   the {@code Resource} (or {@code NotResource}) patterns
     * @param notResource whether {@code resources} is a {@code NotResource}
     * @param managed     whether it comes from an AWS-managed policy that SAM attaches (basic execution, SQS poller)
     */
    public record Statement(String source, boolean allow, List<String> actions, boolean notAction,
                            List<String> resources, boolean notResource, boolean managed) {
        public Statement {
            actions = List.copyOf(actions);
            resources = List.copyOf(resources);
        }

        /** An {@code Allow} of {@code actions} on {@code resources}. */
        public static Statement allow(String source, List<String> actions, List<String> resources) {
            return new Statement(source, true, actions, false, resources, false, false);
        }

        public boolean matches(String action, String resource) {
            return matchesAction(action) && matchesResource(resource);
        }

        public boolean matchesAction(String action) {
            boolean any = false;
            for (String a : actions) {
                any |= Wildcards.matches(a.toLowerCase(Locale.ROOT), action.toLowerCase(Locale.ROOT));
            }
            return any != notAction;
        }

        public boolean matchesResource(String resource) {
            boolean any = false;
            for (String r : resources) {
                any |= Wildcards.matches(r, resource);
            }
            return any != notResource;
        }
    }

    /** The outcome of one request and the statement that decided it (null for an implicit deny). */
    public record Decision(Outcome outcome, Statement statement) {
        public boolean allowed() {
            return outcome == Outcome.ALLOWED;
        }
    }

    public enum Outcome { ALLOWED, IMPLICIT_DENY, EXPLICIT_DENY }

    public Decision evaluate(String action, String resource) {
        Statement allowedBy = null;
        for (Statement s : statements) {
            if (s.matches(action, resource)) {
                if (!s.allow()) {
                    return new Decision(Outcome.EXPLICIT_DENY, s);
                }
                if (allowedBy == null) {
                    allowedBy = s;
                }
            }
        }
        return allowedBy != null ? new Decision(Outcome.ALLOWED, allowedBy) : new Decision(Outcome.IMPLICIT_DENY, null);
    }

    /** IAM's wildcard matching: {@code *} matches any run of characters (also none), {@code ?} exactly one. */
    static final class Wildcards {
        private Wildcards() {
        }

        static boolean matches(String pattern, String value) {
            int p = 0;
            int v = 0;
            int star = -1;
            int mark = 0;
            while (v < value.length()) {
                if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == value.charAt(v))) {
                    p++;
                    v++;
                } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                    star = p++;
                    mark = v;
                } else if (star >= 0) {
                    p = star + 1;
                    v = ++mark;
                } else {
                    return false;
                }
            }
            while (p < pattern.length() && pattern.charAt(p) == '*') {
                p++;
            }
            return p == pattern.length();
        }
    }
}
