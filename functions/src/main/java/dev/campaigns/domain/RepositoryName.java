package dev.campaigns.domain;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for a repository's name on a code host, "owner/name": what is a valid name, and when two names are the
 * same repository (code hosts compare them case-insensitively, so a plan holds a repository once however it is
 * spelled).
 */
public final class RepositoryName {
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");

    private RepositoryName() {
    }

    /** OWNER/NAME of letters, digits, '.', '-' and '_', at most 100 each, with no ".." and no ".git" ending. */
    public static boolean isValid(String name) {
        return name != null && SHAPE.matcher(name).matches() && !name.contains("..") && !name.endsWith(".git");
    }

    /** What identifies the repository: two names with the same identity are the same repository. */
    public static String identity(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
