package dev.campaigns.codehost;

import dev.campaigns.domain.RepositoryName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The code hosts of a deployment, and which one a repository lives on: {@code owner/name} is on the default host
 * (the first configured), {@code host/owner/name} on the host of that name (the default host's name may be written
 * too). A host's credentials are read, and its clients built, the first time one of its repositories is reached,
 * so a function reads only the secrets of the hosts it talks to. A repository on a host that is not configured is a
 * {@link CodeHostException} of kind {@link CodeHostException.Kind#VALIDATION} naming the host and the configured
 * ones: permanent for that repository only.
 *
 * <p>{@link #codeHost()} is one {@link CodeHost} over every host: it takes the names as the service stores them
 * (with the host, when not the default) and answers with them, so nothing past this class knows there are several.
 */
public final class CodeHostRegistry {
    private final List<CodeHostConfig> hosts;
    private final Map<String, CodeHostConfig> byName = new LinkedHashMap<>();
    private final Function<CodeHostConfig, HostConnections> connect;
    private final Map<String, HostConnections> connected = new ConcurrentHashMap<>();
    private final Map<CodeHostConnection, Boolean> handedOut = new ConcurrentHashMap<>();
    private final CodeHost routing = new RoutingCodeHost(this);

    /**
     * @param hosts   the first is the default host
     * @param connect reads a host's credentials and builds its connections; called at most once per host
     */
    public CodeHostRegistry(List<CodeHostConfig> hosts, Function<CodeHostConfig, HostConnections> connect) {
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException("at least one code host must be configured");
        }
        this.hosts = List.copyOf(hosts);
        this.connect = Objects.requireNonNull(connect, "connect");
        for (CodeHostConfig h : this.hosts) {
            byName.putIfAbsent(h.name().toLowerCase(Locale.ROOT), h);
        }
    }

    /** Every configured host, the default first. */
    public List<CodeHostConfig> hosts() {
        return hosts;
    }

    public CodeHostConfig defaultHost() {
        return hosts.get(0);
    }

    /** The configured host called {@code name} (any case). */
    public Optional<CodeHostConfig> host(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The host {@code repository} lives on.
     *
     * @throws CodeHostException of kind VALIDATION when it names a host that is not configured
     */
    public CodeHostConfig hostOf(String repository) {
        Optional<String> named = RepositoryName.host(repository);
        if (named.isEmpty()) {
            return defaultHost();
        }
        return host(named.get()).orElseThrow(() -> new CodeHostException(CodeHostException.Kind.VALIDATION, 0,
                "repository " + repository + " is on code host " + named.get() + ", which is not configured"
                        + " (configured: " + hosts.stream().map(CodeHostConfig::name)
                        .collect(Collectors.joining(", ")) + "; " + defaultHost().name()
                        + " for names without a host)", null, null));
    }

    /** {@code repository}'s name on its host: OWNER/NAME. */
    public static String onHost(String repository) {
        return RepositoryName.onHost(repository);
    }

    /** How the service names {@code repository} of {@code host}: with the host's name unless it is the default. */
    public String qualify(CodeHostConfig host, String repository) {
        return host.name().equalsIgnoreCase(defaultHost().name()) ? repository : host.name() + "/" + repository;
    }

    /** The connection serving {@code repository}; the first use of a host reads its credentials. */
    public CodeHostConnection connection(String repository) {
        CodeHostConnection c = connections(hostOf(repository)).connection(onHost(repository));
        handedOut.putIfAbsent(c, Boolean.TRUE);
        return c;
    }

    private HostConnections connections(CodeHostConfig host) {
        return connected.computeIfAbsent(host.name().toLowerCase(Locale.ROOT),
                n -> Objects.requireNonNull(connect.apply(host), "connect returned null for " + host.name()));
    }

    /** The fewest requests left in any configured host's rate-limit window; reads every host's credentials. */
    public int remainingRequests() {
        int least = Integer.MAX_VALUE;
        for (CodeHostConfig h : hosts) {
            least = Math.min(least, connections(h).remainingRequests());
        }
        return least;
    }

    /** Whether any host's credentials were read here. */
    public boolean connected() {
        return !connected.isEmpty();
    }

    /** One code host over every configured host, taking and giving repository names as the service stores them. */
    public CodeHost codeHost() {
        return routing;
    }

    /** {@code text} with every token this registry handed out replaced by "***"; reads no secret. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (CodeHostConnection c : new ArrayList<>(handedOut.keySet())) {
            String t;
            try {
                t = c.token().get();
            } catch (RuntimeException e) {
                continue; // a token that cannot be had now was not in this text either
            }
            if (t != null && !t.isEmpty()) {
                out = out.replace(t, "***");
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "CodeHostRegistry" + hosts.stream().map(h -> h.name() + "=" + h.kind().id()).toList();
    }
}
