package dev.campaigns.infra.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets Manager, locally: the secrets the stack creates, served over AWS JSON 1.1 ({@code X-Amz-Target:
 * secretsmanager.GetSecretValue}) behind the IAM gateway, so the functions read the code host token and the webhook
 * secret exactly as deployed. A secret is found by its ARN, its name, or its ARN without the six random characters
 * AWS appends; a missing one is AWS's {@code ResourceNotFoundException}.
 */
public final class LocalSecretsManager {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private final String region;
    private final String account;
    private final Map<String, Secret> byArn = new ConcurrentHashMap<>();

    private record Secret(String arn, String name, String value, String versionId, Instant created) {
    }

    public LocalSecretsManager(String region, String account) {
        this.region = region;
        this.account = account;
    }

    /**
     * Creates a secret holding {@code value} and returns its ARN: {@code arn:aws:secretsmanager:REGION:ACCOUNT:
     * secret:NAME-XXXXXX}, the suffix derived from the name (random in AWS; stable here so ARNs repeat across runs).
     */
    public String create(String name, String value) {
        String arn = "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + name + "-" + suffix(name);
        if (byArn.putIfAbsent(arn, new Secret(arn, name, value, UUID.randomUUID().toString(), Instant.now())) != null) {
            throw new IllegalArgumentException("the secret " + name + " exists already");
        }
        return arn;
    }

    /** The ARN of the secret {@code secretId} (ARN, partial ARN or name) names, if it exists. */
    public Optional<String> arnOf(String secretId) {
        return find(secretId).map(Secret::arn);
    }

    private Optional<Secret> find(String secretId) {
        if (secretId == null) {
            return Optional.empty();
        }
        Secret exact = byArn.get(secretId);
        if (exact != null) {
            return Optional.of(exact);
        }
        for (Secret s : byArn.values()) {
            if (s.name().equals(secretId) || s.arn().substring(0, s.arn().length() - 7).equals(secretId)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Serves {@code operation} (without the {@code secretsmanager.} prefix) with its JSON body. */
    public Answer handle(String operation, JsonNode body) {
        if (!operation.equals("GetSecretValue")) {
            return error(400, "UnknownOperationException", "The local Secrets Manager serves GetSecretValue only, not "
                    + operation + ".");
        }
        if (!body.hasNonNull("SecretId") || body.get("SecretId").asText().isEmpty()) {
            return error(400, "InvalidParameterException", "You must provide a SecretId.");
        }
        Optional<Secret> found = find(body.get("SecretId").asText());
        if (found.isEmpty()) {
            return error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        Secret s = found.get();
        String stage = body.path("VersionStage").asText("AWSCURRENT");
        String version = body.path("VersionId").asText(s.versionId());
        if (!stage.equals("AWSCURRENT") || !version.equals(s.versionId())) {
            return error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for "
                    + (stage.equals("AWSCURRENT") ? "VersionId: " + version : "staging label: " + stage));
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("ARN", s.arn());
        out.put("Name", s.name());
        out.put("VersionId", s.versionId());
        out.put("SecretString", s.value());
        out.putArray("VersionStages").add("AWSCURRENT");
        out.put("CreatedDate", BigDecimal.valueOf(s.created().toEpochMilli(), 3));
        return Answer.json(LocalService.SECRETS_MANAGER, 200, out.toString());
    }

    private static Answer error(int status, String type, String message) {
        ObjectNode e = JSON.createObjectNode();
        e.put("__type", type);
        e.put("Message", message);
        return Answer.json(LocalService.SECRETS_MANAGER, status, e.toString());
    }

    private static String suffix(String name) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                s.append(ALPHABET.charAt((h[i] & 0xff) % ALPHABET.length()));
            }
            return s.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
