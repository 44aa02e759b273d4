package dev.campaigns.service;

/** The shape of error text recorded on jobs and shown to users: one line, bounded. */
final class Errors {
    static final int MAX_LENGTH = 1000;

    private Errors() {
    }

    static String forUser(String error) {
        if (error == null || error.isBlank()) {
            return "unknown error";
        }
        String line = error.strip().replaceAll("\\s*\\R\\s*", " ");
        return line.length() > MAX_LENGTH ? line.substring(0, MAX_LENGTH) + "…" : line;
    }
}
