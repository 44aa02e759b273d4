package dev.campaigns.infra.sfn;

/**
 * What the engine asks before it acts with a state machine's execution role, as AWS evaluates that role's policies
 * for each service call an execution makes: {@code lambda:InvokeFunction} on the function (ARN as the definition
 * names it, qualifier included) before a Lambda task, {@code states:StartExecution} on the state machine before a
 * distributed Map starts its child executions.
 */
@FunctionalInterface
public interface RoleAuthorizer {
    /** Every call allowed (the engine on its own, without IAM). */
    RoleAuthorizer ALLOW_ALL = (roleArn, action, resource) -> null;

    /**
     * @return null when {@code roleArn} may perform {@code action} on {@code resource}; else AWS's refusal
     *         ("User: … is not authorized to perform: … on resource: … because …")
     */
    String denial(String roleArn, String action, String resource);
}
