package dev.campaigns.codehost;

/**
 * The connections of one configured host, once its credentials are read: one for every repository (a token), or
 * one per GitHub App installation, found by the repository's owner
 * ({@link dev.campaigns.codehost.github.GitHubAppInstallations}).
 */
public interface HostConnections {
    /** The connection for {@code repository} ("owner/name" on this host). */
    CodeHostConnection connection(String repository);

    /** How many requests are left in the current rate-limit window (the least of its connections'). */
    int remainingRequests();

    /** One connection serving every repository of the host. */
    static HostConnections single(CodeHostConnection connection) {
        return new HostConnections() {
            @Override
            public CodeHostConnection connection(String repository) {
                return connection;
            }

            @Override
            public int remainingRequests() {
                return connection.codeHost().remainingRequests();
            }
        };
    }
}
