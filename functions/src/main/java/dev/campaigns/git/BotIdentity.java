package dev.campaigns.git;

import java.util.Objects;

/** The name and email the engine writes as author and committer of every commit (configurable per campaign). */
public record BotIdentity(String name, String email) {
    public BotIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        if (name.isBlank() || email.isBlank() || (name + email).chars().anyMatch(c -> c == '<' || c == '>' || c == '\n' || c == 0)) {
            throw new InvalidRequestException("invalid bot identity: name and email must be non-blank, without '<', '>', newlines");
        }
    }

    /** {@code campaigns-bot <campaigns-bot@users.noreply.github.com>}. */
    public static BotIdentity defaultBot() {
        return new BotIdentity("campaigns-bot", "campaigns-bot@users.noreply.github.com");
    }
}
