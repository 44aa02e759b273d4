package dev.campaigns.codehost;

import dev.campaigns.codehost.bitbucket.BitbucketServerCodeHost;
import dev.campaigns.codehost.github.GitHubAppInstallationTokens;
import dev.campaigns.codehost.github.GitHubAppInstallations;
import dev.campaigns.codehost.github.GitHubCodeHost;
import dev.campaigns.codehost.github.GitHubConfig;
import dev.campaigns.codehost.gitlab.GitLabCodeHost;
import dev.campaigns.codehost.rest.RestHostConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The one place that turns configuration into a {@link CodeHost}: the kind ({@code CODE_HOST_TYPE}), the API and
 * git URLs, the token supplier and the request timeout; and a configured host with its credentials into its
 * connections ({@link #connect}). Everything past this point sees only {@link CodeHost}.
 */
public final class CodeHosts {
    private CodeHosts() {
    }

    /**
     * @param timeout per-request timeout; null: each client's default
     */
    public static CodeHost create(CodeHostKind kind, URI apiUrl, URI gitUrl, Supplier<String> token,
                                  Duration timeout) {
        return switch (kind) {
            case GITHUB -> new GitHubCodeHost(GitHubConfig.of(apiUrl, gitUrl, token).withRequestTimeout(timeout));
            case GITLAB -> new GitLabCodeHost(new RestHostConfig(apiUrl, gitUrl, token, timeout, null, null, null,
                    null));
            case BITBUCKET_SERVER -> new BitbucketServerCodeHost(new RestHostConfig(apiUrl, gitUrl, token, timeout,
                    null, null, null, null));
        };
    }

    /**
     * The connections of {@code host} signed in with {@code secret} (its credentials secret, see
     * {@link CodeHostTokens}): one for a token or a GitHub App with its {@code installationId}; for a GitHub App
     * without one, one per installation, found by each repository's owner ({@link GitHubAppInstallations}).
     *
     * @param timeout per-request timeout; null: each client's default
     */
    public static HostConnections connect(CodeHostConfig host, String secret, Clock clock, Duration timeout) {
        URI api = host.requireApiUrl();
        URI git = host.requireGitUrl();
        String s = secret == null ? "" : secret;
        if (GitHubAppInstallationTokens.isAppSecret(s) && !GitHubAppInstallations.namesInstallation(s)) {
            if (host.kind() != CodeHostKind.GITHUB) {
                throw new IllegalArgumentException("the credentials of code host " + host.name() + " describe a"
                        + " GitHub App, but its type is " + host.kind().id());
            }
            return GitHubAppInstallations.fromSecret(s, api, clock, timeout,
                    tokens -> create(host.kind(), api, git, tokens, timeout));
        }
        CodeHostTokens tokens = CodeHostTokens.fromSecret(host.kind(), s, api, clock, timeout);
        return HostConnections.single(new CodeHostConnection(create(host.kind(), api, git, tokens.token(), timeout),
                tokens.token(), api.toString(), tokens.pacingIdentity()));
    }
}
