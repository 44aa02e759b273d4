package dev.campaigns.domain;

/**
 * Who signed a GraphQL call, as AppSync tells the resolver: for a Cognito user pool user, the user's {@code sub};
 * for an IAM caller, the principal's ARN ({@code userArn}) and, when the credentials came from a Cognito identity
 * pool, that identity's ID ({@code cognitoIdentityId}). Any of them may be null. Which of them is the caller's
 * {@link OwnerRule owner} is decided by {@link OwnerRule}.
 */
public record Caller(String sub, String userArn, String cognitoIdentityId) {
}
