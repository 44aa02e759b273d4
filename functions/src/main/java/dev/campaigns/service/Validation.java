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
            throw new InvalidInputException(field + " must be OWNER/NAME (letters, digits, '.', '-', '_'), or HOST/OWNER/NAME on another"
                    + " code host (e.g. gitlab.example.com/group/app), got "
                    + quote(v));
        }
        return v;
    }

    /**
     * A branch name as {@code git check-ref-format --branch} accepts it: JGit's ref-name rule on
     * {@code refs/heads/<name>} (no "..", "@{", control characters, space, ~^:?*[\\, no component starting with "."
     * or ending ".lock", no "//", no trailing "/" or "."), plus git's extra rules for branches: not starting with
     * "-", not {@code HEAD}, and no component (not only the last) ending ".lock", which JGit lets through. Also at most 200 characters.
     */
    static String branch(String field, String value) {
        String v = required(field, value);
        String rule = branchRule(v);
        if (rule != null) {
            throw new InvalidInputException(field + " is not a valid git branch name: " + quote(v) + " (" + rule + ")");
        }
        return v;
    }

    /**
     * The branch a campaign pushes to: a valid branch name ({@link #branch}) that also does not start with
     * {@code refs/} (it would make {@code refs/heads/refs/...}, and git tools read it as a full ref name).
     */
    static String campaignBranch(String field, String value) {
        String v = branch(field, value);
        if (v.startsWith("refs/")) {
            throw new InvalidInputException(field + " must be a short branch name, not a ref name starting with"
                    + " \"refs/\": " + quote(v));
        }
        return v;
    }

    /** Why {@code name} is not a branch name {@code git check-ref-format --branch} accepts, or null if it is. */
    static String branchRule(String name) {
        if (name.length() > 200) {
            return "longer than 200 characters";
        }
        if (name.startsWith("-")) {
            return "starts with '-'";
        }
        if (name.equals("HEAD")) {
            return "HEAD is not a branch";
        }
        if (!Repository.isValidRefName("refs/heads/" + name)) {
            return "see git check-ref-format";
        }
        for (String component : name.split("/", -1)) {
            if (component.endsWith(".lock")) {
                return "a component ends with \".lock\"";
            }
        }
        return null;
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
