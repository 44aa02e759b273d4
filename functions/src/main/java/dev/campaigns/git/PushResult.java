package dev.campaigns.git;

/** The branch now holds {@code commitSha}; {@code pushed} is {@code false} when it already did (nothing was sent). */
public record PushResult(String branch, String commitSha, boolean pushed) {}
