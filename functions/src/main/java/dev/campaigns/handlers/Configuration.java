package dev.campaigns.handlers;

import dev.campaigns.codehost.CodeHostConfig;
import dev.campaigns.codehost.CodeHostKind;
import dev.campaigns.domain.OwnerRule;
import dev.campaigns.git.BotIdentity;
import dev.campaigns.pacing.PacingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A function's configuration, parsed once from its environment (the same names in AWS and in the embedded runtime;
 * only endpoints differ). Every value that does not parse is a {@link ConfigurationException} naming the variable,
 * raised when the configuration is read; a value a function needs but was not given is one too, raised when the
 * function first needs it ({@link #require}), so a function pays only for what it uses. Secrets are not here: only the
 * ARNs of the secrets, read on demand by whoever needs them.
 *
 * @param codeHostTimeout  how long one code host request may take; null: the clients' defaults
 * @param gitCacheDir      null: under java.io.tmpdir
 * @param gitSnapshotReads null: the engine's default
 * @param gitCacheMaxMb    null: the engine's default
 * @param codeHosts        the code hosts, the default first: {@code CODE_HOSTS} (see {@link CodeHostConfig#parseList}),
 *                         or else the one of {@code CODE_HOST_TYPE}, {@code CODE_HOST_API_URL},
 *                         {@code CODE_HOST_GIT_URL}, {@code CODE_HOST_TOKEN_SECRET_ARN}
 */
public record Configuration(String campaignsTable, String idempotencyTable, String blobsTable, String pacingTable,
                            String stateMachineArn, CodeHostKind codeHostKind, String codeHostApiUrl,
                            String codeHostGitUrl,
                            String codeHostTokenSecretArn, String webhookSecretArn, String changesetEventsQueueUrl,
                            String closeChangesetsQueueUrl, BotIdentity bot, Duration codeHostTimeout,
                            PacingConfig pacing, Path gitCacheDir, Integer gitSnapshotReads, Integer gitCacheMaxMb,
                            int syncRequestBudget, int syncReserveRequests, OwnerRule ownerRule, Aws aws,
                            List<CodeHostConfig> codeHosts, String changesetOperationsQueueUrl) {

    /** Where and as whom the function calls AWS; {@link #toString} never shows the secret key or session token. */
    public record Aws(String region, Map<String, String> endpoints, String accessKeyId, String secretAccessKey,
                      String sessionToken) {
        public Aws {
            endpoints = Map.copyOf(endpoints);
        }

        /** The endpoint for {@code service} (e.g. DYNAMODB, SFN, SQS, SECRETS_MANAGER), or the general one; null: AWS's. */
        public String endpoint(String service) {
            return endpoints.getOrDefault(service, endpoints.get(""));
        }

        public boolean hasStaticCredentials() {
            return accessKeyId != null && secretAccessKey != null;
        }

        @Override
        public String toString() {
            return "Aws[region=" + region + ", endpoints=" + endpoints + ", accessKeyId=" + accessKeyId
                    + ", secretAccessKey=" + (secretAccessKey == null ? "unset" : "***") + ", sessionToken="
                    + (sessionToken == null ? "unset" : "***") + "]";
        }
    }

    /** Reads the configuration from {@code env}; a value that does not parse throws, naming its variable. */
    public static Configuration from(Map<String, String> env) {
        Reader r = new Reader(env);
        Map<String, String> endpoints = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("AWS_ENDPOINT_URL") && value != null && !value.isBlank()) {
                endpoints.put(name.equals("AWS_ENDPOINT_URL") ? "" : name.substring("AWS_ENDPOINT_URL_".length()),
                        value.strip());
            }
        });
        return new Configuration(r.text("CAMPAIGNS_TABLE"), r.text("IDEMPOTENCY_TABLE"), r.text("BLOBS_TABLE"),
                r.text("PACING_TABLE"), r.text("STATE_MACHINE_ARN"), r.codeHostKind(), r.text("CODE_HOST_API_URL"),
                r.text("CODE_HOST_GIT_URL"), r.text("CODE_HOST_TOKEN_SECRET_ARN"), r.text("WEBHOOK_SECRET_ARN"),
                r.text("CHANGESET_EVENTS_QUEUE_URL"), r.text("CLOSE_CHANGESETS_QUEUE_URL"),
                new BotIdentity(r.textOr("BOT_NAME", "campaigns-bot"),
                        r.textOr("BOT_EMAIL", "campaigns-bot@users.noreply.github.com")),
                r.seconds("CODE_HOST_TIMEOUT_SECONDS"), r.pacing(), r.path("GIT_CACHE_DIR"),
                r.wholeNumber("GIT_SNAPSHOT_READS"), r.wholeNumber("GIT_CACHE_MAX_MB"),
                r.wholeNumberOr("SYNC_REQUEST_BUDGET", 250), r.wholeNumberOr("SYNC_RESERVE_REQUESTS", 1000),
                r.ownerRule(), new Aws(r.textOr("AWS_REGION", "us-east-1"), endpoints, r.text("AWS_ACCESS_KEY_ID"),
                        r.text("AWS_SECRET_ACCESS_KEY"), r.text("AWS_SESSION_TOKEN")), r.codeHosts(),
                r.text("CHANGESET_OPERATIONS_QUEUE_URL"));
    }

    /**
     * {@code value}, which the function needs now.
     *
     * @throws ConfigurationException "configuration NAME is not set" when it is missing
     */
    public static String require(String value, String variable) {
        if (value == null) {
            throw new ConfigurationException(variable, "is not set");
        }
        return value;
    }

    /** A configuration value that is missing where needed or does not parse; the message names the variable. */
    public static final class ConfigurationException extends IllegalStateException {
        private final String variable;

        public ConfigurationException(String variable, String problem) {
            super("configuration " + variable + (problem.startsWith(":") || problem.startsWith("[") ? "" : " ")
                    + problem);
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }

    /** Parses the environment's values, each failure named by its variable. */
    private record Reader(Map<String, String> env) {
        /** The value, stripped; null when unset or blank. */
        String text(String name) {
            String value = env.get(name);
            return value == null || value.isBlank() ? null : value.strip();
        }

        String textOr(String name, String fallback) {
            String value = text(name);
            return value == null ? fallback : value;
        }

        CodeHostKind codeHostKind() {
            try {
                return CodeHostKind.parse(text("CODE_HOST_TYPE"));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("CODE_HOST_TYPE", ": " + e.getMessage());
            }
        }

        List<CodeHostConfig> codeHosts() {
            String listed = text("CODE_HOSTS");
            if (listed != null) {
                try {
                    return CodeHostConfig.parseList(listed);
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("CODE_HOSTS", e.getMessage());
                }
            }
            URI api = uri("CODE_HOST_API_URL");
            URI git = uri("CODE_HOST_GIT_URL");
            URI named = git != null ? git : api;
            String name = named == null || named.getHost() == null ? "default.code-host"
                    : named.getHost() + (named.getPort() < 0 ? "" : ":" + named.getPort());
            return List.of(new CodeHostConfig(name, codeHostKind(), api, git, text("CODE_HOST_TOKEN_SECRET_ARN"),
                    null));
        }

        URI uri(String name) {
            String value = text(name);
            if (value == null) {
                return null;
            }
            try {
                return new URI(value);
            } catch (java.net.URISyntaxException e) {
                throw new ConfigurationException(name, "is not a URL: " + value);
            }
        }

        Path path(String name) {
            String value = text(name);
            return value == null ? null : Path.of(value);
        }

        Integer wholeNumber(String name) {
            String value = text(name);
            if (value == null) {
                return null;
            }
            try {
                int n = Integer.parseInt(value);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ConfigurationException(name, "must be a whole number >= 0, got " + env.get(name));
        }

        int wholeNumberOr(String name, int fallback) {
            Integer n = wholeNumber(name);
            return n == null ? fallback : n;
        }

        Duration seconds(String name) {
            String value = text(name);
            if (value == null) {
                return null;
            }
            try {
                long s = Long.parseLong(value);
                if (s >= 1) {
                    return Duration.ofSeconds(s);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ConfigurationException(name, "must be a whole number of seconds >= 1, got " + env.get(name));
        }

        PacingConfig pacing() {
            String margin = textOr("PACING_MARGIN_SECONDS", "10");
            Duration marginTime;
            try {
                marginTime = Duration.ofMillis(Math.round(Double.parseDouble(margin) * 1000));
            } catch (NumberFormatException e) {
                throw new ConfigurationException("PACING_MARGIN_SECONDS", "is not a number: " + margin);
            }
            try {
                return PacingConfig.parse(env.get("CODE_HOST_CONTENT_LIMITS"), marginTime);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("CODE_HOST_CONTENT_LIMITS", ": " + e.getMessage());
            }
        }

        OwnerRule ownerRule() {
            String roles = env.get("SESSION_OWNED_ROLES");
            if (roles == null) {
                return OwnerRule.DEFAULT;
            }
            try {
                return OwnerRule.parse(roles);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("SESSION_OWNED_ROLES", ": " + e.getMessage());
            }
        }
    }
}
