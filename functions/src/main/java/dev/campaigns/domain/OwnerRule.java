package dev.campaigns.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a caller is: the owner of the campaign plans and campaigns it creates, and the only one who may read, use,
 * retry, close or delete them. One rule for every resolver:
 *
 * <ol>
 *   <li>a Cognito user pool user is its {@code sub};</li>
 *   <li>IAM credentials from a Cognito identity pool are that identity ({@code cognitoIdentityId}): all the pool's
 *       identities share one role, so the role would make them one owner;</li>
 *   <li>an assumed role is the role, {@code arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE}, whatever the session
 *       name: whoever may assume a role may choose any session name, so a session name proves nothing, and each
 *       session (a Lambda's, a CI job's, a developer's {@code aws sts assume-role}) sees what the role created.
 *       Roles whose session names an identity provider sets (IAM Identity Center's {@code AWSReservedSSO_*} roles,
 *       whose session name is the signed-in user) can be listed as <em>session-owned</em>: then each session name
 *       is its own owner (the whole assumed-role ARN);</li>
 *   <li>any other IAM principal (an IAM user, a federated user, the account's root) is its ARN.</li>
 * </ol>
 *
 * <p>A caller with none of these (no identity) has no owner.
 *
 * @param sessionOwnedRoles role names whose sessions are separate owners; a name ending in {@code *} matches every
 *                          role name that starts with what precedes it
 */
public record OwnerRule(List<String> sessionOwnedRoles) {
    private static final Pattern ASSUMED_ROLE =
            Pattern.compile("^(arn:[^:]+:sts::[^:]*:assumed-role/([^/]+))/(.+)$");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=.@-]{1,64}\\*?|\\*");

    /** IAM Identity Center's roles (one per permission set): their session name is the signed-in user. */
    public static final OwnerRule DEFAULT = new OwnerRule(List.of("AWSReservedSSO_*"));

    public OwnerRule {
        sessionOwnedRoles = List.copyOf(sessionOwnedRoles);
        for (String name : sessionOwnedRoles) {
            if (!ROLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a session-owned role must be an IAM role name (letters, digits "
                        + "and +=.@_-, at most 64) optionally ending in *, got \"" + name + "\"");
            }
        }
    }

    /**
     * Parses a comma-separated list of role names ({@code AWSReservedSSO_*,OktaEngineers}); blank: no role is
     * session-owned. Throws {@link IllegalArgumentException} naming the entry that is not a role name.
     */
    public static OwnerRule parse(String sessionOwnedRoles) {
        List<String> names = new ArrayList<>();
        if (sessionOwnedRoles != null && !sessionOwnedRoles.isBlank()) {
            for (String name : sessionOwnedRoles.split(",", -1)) {
                names.add(name.strip());
            }
        }
        return new OwnerRule(names);
    }

    /** The caller's owner, or empty when the call carries no identity. */
    public Optional<String> owner(Caller caller) {
        if (present(caller.sub())) {
            return Optional.of(caller.sub());
        }
        if (present(caller.cognitoIdentityId())) {
            return Optional.of(caller.cognitoIdentityId());
        }
        if (!present(caller.userArn())) {
            return Optional.empty();
        }
        Matcher assumedRole = ASSUMED_ROLE.matcher(caller.userArn());
        if (assumedRole.matches() && !sessionOwned(assumedRole.group(2))) {
            return Optional.of(assumedRole.group(1));
        }
        return Optional.of(caller.userArn());
    }

    private boolean sessionOwned(String role) {
        for (String name : sessionOwnedRoles) {
            if (name.endsWith("*") ? role.startsWith(name.substring(0, name.length() - 1)) : role.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
