package dev.campaigns.infra.local.iam;

/**
 * Who calls: one execution role of {@code template.yaml} (a function's, the state machine's, AppSync's), as the
 * session AWS gives the service that assumes it, with the temporary credentials that session signs with.
 *
 * @param name       the resource the role belongs to (a function's or the state machine's logical ID, or the role's)
 * @param roleArn    {@code arn:aws:iam::ACCOUNT:role/STACK-NameRole-SUFFIX}
 * @param sessionArn {@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION}, as AWS names the caller in its errors
 * @param credentials the session's access key, secret key and session token
 * @param policy     the role's policies
 */
public record Principal(String name, String roleArn, String sessionArn, Credentials credentials, IamPolicy policy) {

    /** Temporary credentials, as Lambda hands them to a function ({@code AWS_ACCESS_KEY_ID}, ...). */
    public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        @Override
        public String toString() {
            return "Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=***, sessionToken=***]";
        }
    }

    /** AWS's message for a denied request: "User: SESSION is not authorized to perform: ACTION on resource: ...". */
    public String denial(String action, String resource, IamPolicy.Outcome outcome) {
        return "User: " + sessionArn + " is not authorized to perform: " + action + " on resource: " + resource
                + (outcome == IamPolicy.Outcome.EXPLICIT_DENY ? " with an explicit deny in an identity-based policy"
                : " because no identity-based policy allows the " + action + " action");
    }
}
