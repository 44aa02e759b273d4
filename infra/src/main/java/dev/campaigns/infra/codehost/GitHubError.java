package dev.campaigns.infra.codehost;

import java.util.List;

/**
 * A refusal of the local code host with GitHub's status, message and, for 422, its {@code errors} list; thrown by
 * {@link CodeHostState} (which knows no HTTP) and rendered by {@link GitHubJson#error} at the HTTP boundary.
 *
 * @param status HTTP status GitHub answers with
 */
final class GitHubError extends RuntimeException {

    /** One entry of a 422's {@code errors}: {@code resource}, {@code field} and {@code code}, or a custom message. */
    record Detail(String resource, String field, String code, String message) {
    }

    private final int status;
    private final List<Detail> details;
    private final List<String> simple;

    private GitHubError(int status, String message, List<Detail> details, List<String> simple) {
        super(message, null, false, false);
        this.status = status;
        this.details = List.copyOf(details);
        this.simple = List.copyOf(simple);
    }

    private GitHubError(int status, String message, List<Detail> details) {
        this(status, message, details, List.of());
    }

    /** The plain-string {@code errors} of GitHub's {@code validation-error-simple} (e.g. reviews). */
    List<String> simpleErrors() {
        return simple;
    }

    /** 422 "Unprocessable Entity" with {@code errors} as plain strings. */
    static GitHubError unprocessable(String... errors) {
        return new GitHubError(422, "Unprocessable Entity", List.of(), List.of(errors));
    }

    int status() {
        return status;
    }

    List<Detail> details() {
        return details;
    }

    static GitHubError notFound() {
        return new GitHubError(404, "Not Found", List.of());
    }

    static GitHubError of(int status, String message) {
        return new GitHubError(status, message, List.of());
    }

    /** 422 Validation Failed with {@code resource}, {@code field} and {@code code} (missing_field, invalid...). */
    static GitHubError invalid(String resource, String field, String code) {
        return new GitHubError(422, "Validation Failed", List.of(new Detail(resource, field, code, null)));
    }

    /** 422 Validation Failed with a {@code custom} error carrying {@code message}. */
    static GitHubError custom(String resource, String message) {
        return new GitHubError(422, "Validation Failed", List.of(new Detail(resource, null, "custom", message)));
    }
}
