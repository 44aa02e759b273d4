package dev.campaigns.service;

import dev.campaigns.domain.RepositoryName;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Repository;

/** Checks of user input shared by the services; each failure names the field and the rule. */
final class Validation {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    private Validation() {
    }

    static String repository(String field, String value) {
        String v = required(field, value);
        if (!RepositoryName.isValid(v)) {
            throw new InvalidInputException(field + " must be OWNER/NAME (letters, digits, '.', '-', '_'), got "
                    + quote(v));
        }
        return v;
    }

    static String branch(String field, String value) {
        String v = required(field, value);
        if (v.length() > 200 || v.startsWith("-") || !Repository.isValidRefName("refs/heads/" + v)) {
            throw new InvalidInputException(field + " is not a valid git branch name: " + quote(v));
        }
        return v;
    }

    static String revision(String field, String value) {
        String v = required(field, value);
        if (!SHA.matcher(v).matches() && (v.length() > 200 || !Repository.isValidRefName("refs/heads/" + v))) {
            throw new InvalidInputException(field + " must be a 40-hex commit SHA or a ref name, got "
                    + quote(v));
        }
        return v;
    }

    static String text(String field, String value, int maxLength) {
        String v = required(field, value);
        if (v.length() > maxLength) {
            throw new InvalidInputException(field + " is longer than " + maxLength + " characters");
        }
        return v;
    }

    static String optionalText(String field, String value, int maxLength) {
        if (value == null) {
            return "";
        }
        if (value.length() > maxLength) {
            throw new InvalidInputException(field + " is longer than " + maxLength + " characters");
        }
        return value;
    }

    static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(field + " is required");
        }
        return value;
    }

    static int first(Integer first, int defaultValue, int max) {
        if (first == null) {
            return defaultValue;
        }
        if (first < 1 || first > max) {
            throw new InvalidInputException("first must be between 1 and " + max + ", got " + first);
        }
        return first;
    }

    private static String quote(String v) {
        String shown = v.length() > 80 ? v.substring(0, 80) + "…" : v;
        return '"' + shown.replaceAll("\\p{Cntrl}", "?") + '"';
    }
}
