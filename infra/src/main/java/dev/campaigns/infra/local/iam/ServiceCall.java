package dev.campaigns.infra.local.iam;

/**
 * One action a request asks IAM for: {@code action} on {@code resource} (an ARN or {@code *}); {@code named} is
 * the resource as AWS names it in a refusal (Secrets Manager names the secret as the caller gave it).
 */
public record ServiceCall(String action, String resource, String named) {
    public ServiceCall(String action, String resource) {
        this(action, resource, resource);
    }
}
