package dev.campaigns.service;

import dev.campaigns.codehost.CodeHost;
import dev.campaigns.codehost.CodeHostConnection;
import dev.campaigns.codehost.CodeHostRegistry;
import dev.campaigns.git.BotIdentity;
import dev.campaigns.git.RemoteCredentials;
import dev.campaigns.pacing.PacerKey;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * How the service reaches the code hosts: their API, the credentials for git, whose budget pull requests spend, and
 * the bot identity that authors every commit; each for a repository, as the service names it (a campaign may span
 * hosts, see {@link CodeHostRegistry}). Tokens are asked for each time they are used (a GitHub App installation's
 * token is replaced before its hour runs out); {@link #redact} removes the tokens read so far from any text that
 * leaves the service (errors recorded on jobs, log lines).
 */
public final class CodeHostAccess {
    private final CodeHost codeHost;
    private final Function<String, String> token;
    private final Function<String, PacerKey> pacingKey;
    private final UnaryOperator<String> redactor;
    private final BotIdentity bot;

    /** One host and a fixed token (tests, tools, a personal access token). */
    public CodeHostAccess(CodeHost codeHost, RemoteCredentials credentials, BotIdentity bot) {
        String t = credentials == null ? null : credentials.token();
        this.codeHost = codeHost;
        this.token = repository -> t;
        this.pacingKey = repository -> PacerKey.of("", t);
        this.redactor = text -> text == null || t == null || t.isEmpty() ? text : text.replace(t, "***");
        this.bot = bot;
    }

    /** Every configured host: each repository reaches its own, read (its secret too) on first use. */
    public CodeHostAccess(CodeHostRegistry hosts, BotIdentity bot) {
        Objects.requireNonNull(hosts, "hosts");
        this.codeHost = hosts.codeHost();
        this.token = repository -> hosts.connection(repository).token().get();
        this.pacingKey = repository -> {
            CodeHostConnection c = hosts.connection(repository);
            return PacerKey.of(c.apiUrl(), c.pacingIdentity());
        };
        this.redactor = hosts::redact;
        this.bot = bot;
    }

    /** The code host of every repository, named as the service names them. */
    public CodeHost codeHost() {
        return codeHost;
    }

    /** The credentials for git on {@code repository}'s host, with the current token. */
    public RemoteCredentials credentials(String repository) {
        return new RemoteCredentials(token.apply(repository));
    }

    /**
     * Whose budget a pull request on {@code repository} spends: its host's API and the token, or the GitHub App
     * installation whose tokens rotate.
     */
    public PacerKey pacingKey(String repository) {
        return pacingKey.apply(repository);
    }

    public BotIdentity bot() {
        return bot;
    }

    public String cloneUrl(String repository) {
        return codeHost.cloneUrl(repository);
    }

    /** {@code text} with every token read so far replaced by "***". */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        try {
            return redactor.apply(text);
        } catch (RuntimeException e) {
            return text; // a token that cannot be had now was not in this text either
        }
    }

    @Override
    public String toString() {
        return "CodeHostAccess[" + codeHost + ", token=***, " + bot + "]";
    }
}
