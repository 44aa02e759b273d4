package dev.campaigns.domain;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for a repository's name: "owner/name" on the default code host, or "host/owner/name" naming its code
 * host first (e.g. {@code gitlab.example.com/group/app}); what is a valid name, and when two names are the same
 * repository (code hosts compare them case-insensitively, so a plan holds a repository once however it is spelled).
 * A host is a DNS name with at least one dot, optionally with a port ({@code git.example.com:8443}); which hosts
 * exist is configuration, not a rule of names.
 */
public final class RepositoryName {
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9-]{1,63}(\\.[A-Za-z0-9-]{1,63})+(:[0-9]{1,5})?");

    private RepositoryName() {
    }

    /**
     * OWNER/NAME of letters, digits, '.', '-' and '_', at most 100 each, with no ".." and no ".git" ending; optionally
     * preceded by HOST/ (see the class comment).
     */
    public static boolean isValid(String name) {
        if (name == null) {
            return false;
        }
        String onHost = onHost(name);
        if (onHost.length() != name.length() && (name.length() - onHost.length() - 1 > 253)) {
            return false;
        }
        return SHAPE.matcher(onHost).matches() && !onHost.contains("..") && !onHost.endsWith(".git");
    }

    /** The host {@code name} names first ("gitlab.example.com" of "gitlab.example.com/group/app"), if any. */
    public static Optional<String> host(String name) {
        int slash = name.indexOf('/');
        if (slash < 0 || name.indexOf('/', slash + 1) < 0) {
            return Optional.empty();
        }
        String first = name.substring(0, slash);
        return HOST.matcher(first).matches() ? Optional.of(first) : Optional.empty();
    }

    /** The OWNER/NAME part of {@code name}: without its host, if it names one. */
    public static String onHost(String name) {
        return host(name).map(h -> name.substring(h.length() + 1)).orElse(name);
    }

    /**
     * How the service records {@code name} when repositories named without a host are on {@code defaultHost}: without
     * the host when it names the default one ({@code github.com/acme/app} is {@code acme/app} there), else as given.
     * So one repository has one name in a plan however it is spelled. A null {@code defaultHost} changes nothing.
     */
    public static String canonical(String name, String defaultHost) {
        if (defaultHost == null) {
            return name;
        }
        return host(name).filter(h -> h.equalsIgnoreCase(defaultHost)).map(h -> onHost(name)).orElse(name);
    }

    /** What identifies the repository: two names with the same identity are the same repository. */
    public static String identity(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
