package dev.campaigns.codehost;

import dev.campaigns.codehost.bitbucket.BitbucketServerCodeHost;
import dev.campaigns.codehost.github.GitHubCodeHost;
import dev.campaigns.codehost.github.GitHubConfig;
import dev.campaigns.codehost.gitlab.GitLabCodeHost;
import dev.campaigns.codehost.rest.RestHostConfig;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The one place that turns configuration into a {@link CodeHost}: the kind ({@code CODE_HOST_TYPE}), the API and
 * git URLs, the token supplier and the request timeout. Everything past this point sees only {@link CodeHost}.
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
}
