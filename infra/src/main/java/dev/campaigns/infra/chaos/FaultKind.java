package dev.campaigns.infra.chaos;

/**
 * The kinds of failure a chaos run injects, each where the real world puts it: in the code host's answers, in the
 * Lambda runtime between Step Functions and a function, and in DynamoDB's answers to a function. The functions are
 * never told; they see only what they would see in AWS.
 */
public enum FaultKind {
    /** The code host answers 500/502/503 (API or git over HTTP) without doing the request's work. */
    CODE_HOST_5XX("code host 5xx"),
    /** The code host answers only after the client's timeout; it still does the work (a write may be applied). */
    CODE_HOST_TIMEOUT("code host timeout"),
    /** The code host closes the connection without answering. */
    CODE_HOST_DROPPED_CONNECTION("code host dropped connection"),
    /** GitHub's secondary rate limit on content creation: 403 with Retry-After. */
    CODE_HOST_SECONDARY_RATE_LIMIT("code host secondary rate limit"),
    /** The function dies before doing anything (Lambda.Unknown): nothing happened. */
    LAMBDA_DIES_BEFORE_STEP("Lambda dies before its step"),
    /**
     * The function dies after its side effect (commit stored, branch pushed, pull request opened) and before the
     * write that records it reaches DynamoDB: the world changed, the records do not know.
     */
    LAMBDA_DIES_BEFORE_RECORD("Lambda dies after the side effect, before recording it"),
    /** The function's recording write is applied by DynamoDB, then the function dies before its answer. */
    LAMBDA_DIES_AFTER_RECORD("Lambda dies after the record is written (response lost)"),
    /** The function finishes, but its answer never reaches Step Functions (Lambda.Unknown). */
    LAMBDA_RESPONSE_LOST("Lambda response lost"),
    /** The Lambda service refuses the invocation (Lambda.TooManyRequestsException). */
    LAMBDA_THROTTLED("Lambda throttled"),
    /** The same step runs twice at once (conditional-write races in DynamoDB, races on the code host). */
    DUPLICATE_INVOCATION("duplicate concurrent invocation"),
    /** DynamoDB answers ThrottlingException to a function's request. */
    DYNAMODB_THROTTLED("DynamoDB throttled");

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
