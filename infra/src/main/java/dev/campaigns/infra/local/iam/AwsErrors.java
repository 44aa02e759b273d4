package dev.campaigns.infra.local.iam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The errors AWS answers when it refuses a request before the service runs it, in each service's shape: DynamoDB,
 * Step Functions and Secrets Manager answer 400 with a JSON {@code __type}; SQS (JSON protocol) answers with its
 * query error code in {@code x-amzn-query-error}, which the SDK reports as the error code.
 */
public final class AwsErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a request was not authenticated. */
    public enum AuthFailure {
        /** No SigV4 {@code Authorization} header. */
        MISSING,
        /** An access key (or session token) no principal has. */
        UNKNOWN_KEY,
        /** The signature is not the one the secret key gives, or the signed date is too far off. */
        BAD_SIGNATURE
    }

    private AwsErrors() {
    }

    /** {@code AccessDeniedException} (SQS: {@code AccessDenied}) with IAM's message. */
    public static Answer accessDenied(LocalService service, String message) {
        return switch (service) {
            case SQS -> sqs(403, "AccessDenied", "com.amazon.coral.service#AccessDeniedException", message);
            case SECRETS_MANAGER -> coral(service, 400, "AccessDeniedException", message);
            default -> coral(service, 400, "com.amazon.coral.service#AccessDeniedException", message);
        };
    }

    /** A request refused before authorisation: not signed, signed by nobody known, or signed wrongly. */
    public static Answer authentication(LocalService service, AuthFailure failure, String message) {
        if (service == LocalService.SQS) {
            return switch (failure) {
                case MISSING -> sqs(403, "MissingAuthenticationToken",
                        "com.amazon.coral.service#MissingAuthenticationTokenException", message);
                case UNKNOWN_KEY -> sqs(403, "InvalidClientTokenId",
                        "com.amazon.coral.service#UnrecognizedClientException", message);
                case BAD_SIGNATURE -> sqs(403, "SignatureDoesNotMatch",
                        "com.amazon.coral.service#InvalidSignatureException", message);
            };
        }
        String type = switch (failure) {
            case MISSING -> "MissingAuthenticationTokenException";
            case UNKNOWN_KEY -> "UnrecognizedClientException";
            case BAD_SIGNATURE -> "InvalidSignatureException";
        };
        return coral(service, 400, "com.amazon.coral.service#" + type, message);
    }

    /** A request the gateway cannot read (no or unknown {@code X-Amz-Target}, a body that is not JSON). */
    public static Answer badRequest(LocalService service, String type, String message) {
        return service == LocalService.SQS ? sqs(400, type, "com.amazon.coral.service#" + type, message)
                : coral(service, 400, type, message);
    }

    private static Answer coral(LocalService service, int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put(service == LocalService.DYNAMODB || service == LocalService.SECRETS_MANAGER ? "Message" : "message",
                message);
        return Answer.json(service, status, body.toString());
    }

    private static Answer sqs(int status, String queryCode, String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", LocalService.SQS.contentType());
        headers.put("x-amzn-query-error", queryCode + ";Sender");
        return new Answer(status, headers, body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
