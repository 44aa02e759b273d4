package dev.campaigns.codehost;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * How to reach one repository's code host: the client, the token (asked before each use: a GitHub App installation's
 * token is replaced before its hour runs out) and whose budget its requests spend ({@code pacingIdentity}: the token,
 * or the App installation), on the host whose API is {@code apiUrl}.
 */
public record CodeHostConnection(CodeHost codeHost, Supplier<String> token, String apiUrl, String pacingIdentity) {
    public CodeHostConnection {
        Objects.requireNonNull(codeHost, "codeHost");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(apiUrl, "apiUrl");
        pacingIdentity = pacingIdentity == null ? "" : pacingIdentity;
    }

    @Override
    public String toString() {
        return "CodeHostConnection[" + codeHost + ", " + apiUrl + ", token=***]";
    }
}
