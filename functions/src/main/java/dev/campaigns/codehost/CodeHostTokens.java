package dev.campaigns.codehost;

import dev.campaigns.codehost.github.GitHubAppInstallationTokens;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the system signs in to its code host, read from the credentials secret: a token (a personal, project or HTTP
 * access token), or, on GitHub, a GitHub App installation whose tokens are minted and refreshed
 * ({@link GitHubAppInstallationTokens}). {@link #token()} is asked before each use; {@link #pacingIdentity()} is what
 * pacing is keyed by (the token, or the App installation, whose hourly tokens share one set of limits).
 */
public record CodeHostTokens(Supplier<String> token, String pacingIdentity) {

    public CodeHostTokens {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(pacingIdentity, "pacingIdentity");
    }

    /** The sign-in {@code secret} describes, for a host of {@code kind} with its API at {@code apiUrl}. */
    public static CodeHostTokens fromSecret(CodeHostKind kind, String secret, URI apiUrl, Clock clock,
                                            Duration timeout) {
        String s = secret == null ? "" : secret;
        if (GitHubAppInstallationTokens.isAppSecret(s)) {
            if (kind != CodeHostKind.GITHUB) {
                throw new IllegalArgumentException("the code host credentials describe a GitHub App, but the code "
                        + "host type is " + kind.id());
            }
            GitHubAppInstallationTokens app = GitHubAppInstallationTokens.fromSecret(s, apiUrl, clock, timeout);
            return new CodeHostTokens(app, app.pacingIdentity());
        }
        return new CodeHostTokens(() -> s, s);
    }

    @Override
    public String toString() {
        return "CodeHostTokens[***]";
    }
}
