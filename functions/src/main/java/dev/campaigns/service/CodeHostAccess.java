package dev.campaigns.service;

import dev.campaigns.codehost.CodeHost;
import dev.campaigns.git.BotIdentity;
import dev.campaigns.git.RemoteCredentials;

/**
 * How the service reaches the code host: its API, the credentials for git, and the bot identity that authors
 * every commit. The token lives only in {@code credentials}; {@link #redact} removes it from any text that leaves
 * the service (errors recorded on jobs, log lines).
 */
public record CodeHostAccess(CodeHost codeHost, RemoteCredentials credentials, BotIdentity bot) {

    public String cloneUrl(String repository) {
        return codeHost.cloneUrl(repository);
    }

    /** {@code text} with every occurrence of the token replaced by "***". */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String token = credentials == null ? null : credentials.token();
        return token == null || token.isEmpty() ? text : text.replace(token, "***");
    }
}
