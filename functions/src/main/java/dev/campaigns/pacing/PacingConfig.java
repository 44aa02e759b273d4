package dev.campaigns.pacing;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Pacing policies per code host: a default and overrides by host name (a GitHub Enterprise server may be
 * configured with other limits than github.com).
 *
 * <p>Written as {@code "80/min,500/h"} or {@code "80/min,500/h; ghe.example.com=200/min,2000/h"}: the first part
 * without {@code HOST=} is the default (GitHub's limits when absent); each {@code HOST=LIMITS} part applies to the
 * API URL whose host is {@code HOST}. This is the {@code CODE_HOST_CONTENT_LIMITS} setting of the template.
 */
public final class PacingConfig {
    private final PacingPolicy defaultPolicy;
    private final Map<String, PacingPolicy> perHost;

    public PacingConfig(PacingPolicy defaultPolicy, Map<String, PacingPolicy> perHost) {
        this.defaultPolicy = Objects.requireNonNull(defaultPolicy, "defaultPolicy");
        Map<String, PacingPolicy> copy = new HashMap<>();
        perHost.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), v));
        this.perHost = Map.copyOf(copy);
    }

    /** GitHub's limits for every host. */
    public static PacingConfig github() {
        return new PacingConfig(PacingPolicy.GITHUB, Map.of());
    }

    /**
     * Parses the setting (see the class comment); {@code margin} applies to every policy.
     *
     * @throws IllegalArgumentException naming the part that does not parse
     */
    public static PacingConfig parse(String spec, Duration margin) {
        if (spec == null || spec.isBlank()) {
            return new PacingConfig(PacingPolicy.GITHUB.withMargin(margin), Map.of());
        }
        PacingPolicy dflt = PacingPolicy.GITHUB.withMargin(margin);
        Map<String, PacingPolicy> hosts = new HashMap<>();
        for (String part : spec.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                dflt = PacingPolicy.parse(p, margin);
            } else {
                String host = p.substring(0, eq).strip();
                if (host.isEmpty()) {
                    throw new IllegalArgumentException("pacing setting \"" + p + "\" has an empty host");
                }
                hosts.put(host, PacingPolicy.parse(p.substring(eq + 1), margin));
            }
        }
        return new PacingConfig(dflt, hosts);
    }

    /** The policy of the code host whose API is {@code apiUrl}. */
    public PacingPolicy forHost(String apiUrl) {
        String host = hostOf(apiUrl);
        return perHost.getOrDefault(host, defaultPolicy);
    }

    static String hostOf(String apiUrl) {
        try {
            String host = URI.create(apiUrl).getHost();
            return host == null ? apiUrl.toLowerCase(Locale.ROOT) : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return apiUrl.toLowerCase(Locale.ROOT);
        }
    }
}
