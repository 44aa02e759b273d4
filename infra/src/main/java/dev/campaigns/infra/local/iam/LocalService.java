package dev.campaigns.infra.local.iam;

/**
 * The AWS services the functions call, as the local IAM gateway serves them: each speaks AWS's JSON protocol
 * ({@code POST /}, {@code X-Amz-Target: <prefix><Operation>}) and is signed with SigV4 for its signing name.
 */
public enum LocalService {
    DYNAMODB("dynamodb", "DynamoDB_20120810.", "application/x-amz-json-1.0"),
    /** SQS's JSON protocol (the SDK's SqsClient speaks it since 2.21), queries answered with {@code x-amzn-query-error}. */
    SQS("sqs", "AmazonSQS.", "application/x-amz-json-1.0"),
    STEP_FUNCTIONS("states", "AWSStepFunctions.", "application/x-amz-json-1.0"),
    SECRETS_MANAGER("secretsmanager", "secretsmanager.", "application/x-amz-json-1.1");

    private final String signingName;
    private final String targetPrefix;
    private final String contentType;

    LocalService(String signingName, String targetPrefix, String contentType) {
        this.signingName = signingName;
        this.targetPrefix = targetPrefix;
        this.contentType = contentType;
    }

    /** The service name of SigV4's credential scope and of IAM actions ({@code dynamodb:PutItem}). */
    public String signingName() {
        return signingName;
    }

    public String targetPrefix() {
        return targetPrefix;
    }

    public String contentType() {
        return contentType;
    }
}
