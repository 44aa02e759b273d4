package dev.campaigns.codehost;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which kind of code host a configuration names ({@code CODE_HOST_TYPE}). */
public enum CodeHostKind {
    /** github.com or GitHub Enterprise Server (REST v3, github-api). */
    GITHUB("github"),
    /** gitlab.com or self-managed GitLab (REST v4). */
    GITLAB("gitlab"),
    /** Bitbucket Server / Data Center (REST 1.0). */
    BITBUCKET_SERVER("bitbucket-server");

    private final String id;

    CodeHostKind(String id) {
        this.id = id;
    }

    /** The configuration spelling: {@code github}, {@code gitlab}, {@code bitbucket-server}. */
    public String id() {
        return id;
    }

    /** The kind {@code value} names; blank means GitHub; anything else is refused with the accepted values. */
    public static CodeHostKind parse(String value) {
        if (value == null || value.isBlank()) {
            return GITHUB;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (CodeHostKind k : values()) {
            if (k.id.equals(v)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown code host type \"" + value + "\"; expected one of "
                + Arrays.stream(values()).map(CodeHostKind::id).collect(Collectors.joining(", ")));
    }
}
