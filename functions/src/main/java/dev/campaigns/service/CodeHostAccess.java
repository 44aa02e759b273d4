package dev.campaigns.service;

import dev.campaigns.codehost.CodeHost;
import dev.campaigns.git.BotIdentity;
import dev.campaigns.git.RemoteCredentials;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the service reaches the code host: its API, the credentials for git, and the bot identity that authors
 * every commit. The token lives only in the credentials, asked for each time they are used (a GitHub App
 * installation's token is replaced before its hour runs out); {@link #redact} removes the current token from any
 * text that leaves the service (errors recorded on jobs, log lines).
 */
public final class CodeHostAccess {
    private final CodeHost codeHost;
    private final Supplier<String> token;
    private final String pacingIdentity;
    private final BotIdentity bot;

    /** A fixed token (tests, tools, a personal access token). */
    public CodeHostAccess(CodeHost codeHost, RemoteCredentials credentials, BotIdentity bot) {
        this(codeHost, credentials == null ? () -> null : credentials::token,
                credentials == null || credentials.token() == null ? "" : credentials.token(), bot);
    }

    /**
     * @param token          asked each time credentials are needed
     * @param pacingIdentity whose budget pull requests spend (the token, or a GitHub App installation)
     */
    public CodeHostAccess(CodeHost codeHost, Supplier<String> token, String pacingIdentity, BotIdentity bot) {
        this.codeHost = codeHost;
        this.token = Objects.requireNonNull(token, "token");
        this.pacingIdentity = pacingIdentity == null ? "" : pacingIdentity;
        this.bot = bot;
    }

    public CodeHost codeHost() {
        return codeHost;
    }

    /** The credentials for git, with the current token. */
    public RemoteCredentials credentials() {
        return new RemoteCredentials(token.get());
    }

    /** What pacing keys this access by: the token, or the GitHub App installation whose tokens rotate. */
    public String pacingIdentity() {
        return pacingIdentity;
    }

    public BotIdentity bot() {
        return bot;
    }

    public String cloneUrl(String repository) {
        return codeHost.cloneUrl(repository);
    }

    /** {@code text} with every occurrence of the current token replaced by "***". */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String t;
        try {
            t = token.get();
        } catch (RuntimeException e) {
            return text; // a token that cannot be had now was not in this text either
        }
        return t == null || t.isEmpty() ? text : text.replace(t, "***");
    }

    @Override
    public String toString() {
        return "CodeHostAccess[" + codeHost + ", token=***, " + bot + "]";
    }
}
