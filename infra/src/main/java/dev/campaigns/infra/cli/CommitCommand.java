package dev.campaigns.infra.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.campaigns.blob.InMemoryBlobStore;
import dev.campaigns.git.BotIdentity;
import dev.campaigns.git.CommitRequest;
import dev.campaigns.git.CommitResult;
import dev.campaigns.git.GitEngine;
import dev.campaigns.git.GitEngineConfig;
import dev.campaigns.git.GitEngineException;
import dev.campaigns.git.PushRequest;
import dev.campaigns.git.PushResult;
import dev.campaigns.git.RemoteCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code campaigns commit}: one campaign job by hand. Applies a {@code git diff} to a base revision of a
 * remote as the bot, prints {@code {"commit", "tree", "base", "branch", "pushed"}} as one JSON line, and
 * with {@code --push} pushes the commit to {@code refs/heads/<branch>} under the engine's create-only rule.
 * Without {@code --push} it is a dry run: the base is fetched (read-only) and nothing is written to the
 * remote.
 *
 * <p>The access token comes only from the environment variable {@code CODE_HOST_TOKEN}, never from a flag
 * (flags land in shell histories and process lists). Exit codes: 0 done, 1 permanent failure (bad patch,
 * missing revision, conflict, auth), 2 usage error, 75 transient failure (retry later).
 */
@Command(name = "commit", mixinStandardHelpOptions = true,
        description = {"Apply a git diff to a base revision as a deterministic bot commit; optionally push it.",
                "The token for HTTPS remotes is read from the CODE_HOST_TOKEN environment variable."})
public final class CommitCommand implements Callable<Integer> {
    static final int EXIT_PERMANENT = 1;
    static final int EXIT_TRANSIENT = 75;

    @Spec
    CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "URL", description = "remote repository (https:// or file://)")
    String repo;

    @Option(names = "--base", required = true, paramLabel = "REV", description = "base revision: full SHA, branch or tag")
    String base;

    @Option(names = "--diff", required = true, paramLabel = "FILE", description = "the patch, as git diff prints it ('-' for stdin)")
    String diff;

    @Option(names = "--message", paramLabel = "M", defaultValue = "Apply campaign changes", description = "commit message (default: ${DEFAULT-VALUE})")
    String message;

    @Option(names = "--branch", paramLabel = "B", description = "branch to push to (required with --push)")
    String branch;

    @Option(names = "--push", description = "push the commit (without it: dry run)")
    boolean push;

    @Option(names = "--author-name", defaultValue = "campaigns-bot", description = "bot name (default: ${DEFAULT-VALUE})")
    String authorName;

    @Option(names = "--author-email", defaultValue = "campaigns-bot@users.noreply.github.com", description = "bot email (default: ${DEFAULT-VALUE})")
    String authorEmail;

    @Option(names = "--date", paramLabel = "ISO-8601", description = "author/committer date, e.g. 2020-06-01T12:00:00Z (default: now)")
    String date;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "where fetched bases are cached (default: under java.io.tmpdir)")
    Path cacheDir;

    /** Environment lookup; replaced in tests. */
    Function<String, String> env = System::getenv;

    @Override
    public Integer call() {
        if (push && (branch == null || branch.isBlank())) {
            throw new ParameterException(spec.commandLine(), "--push needs --branch");
        }
        Instant when = parseDate();
        byte[] patch = readDiff();
        String token = env.apply("CODE_HOST_TOKEN");
        RemoteCredentials credentials = token == null || token.isBlank() ? RemoteCredentials.none() : new RemoteCredentials(token);
        GitEngineConfig config = GitEngineConfig.defaults();
        if (cacheDir != null) {
            config = config.withCacheDir(cacheDir);
        }
        try (GitEngine engine = new GitEngine(config, new InMemoryBlobStore())) {
            BotIdentity bot = new BotIdentity(authorName, authorEmail);
            CommitRequest request = new CommitRequest(repo, credentials, base, patch, message, bot, when);
            CommitResult result = push ? engine.commit(request) : engine.preview(request);
            boolean pushed = false;
            if (push) {
                PushResult p = engine.push(new PushRequest(repo, credentials, branch, result.commitSha()));
                pushed = p.pushed();
            }
            ObjectNode json = new ObjectMapper().createObjectNode();
            json.put("commit", result.commitSha());
            json.put("tree", result.treeSha());
            json.put("base", result.baseCommitSha());
            json.put("branch", branch);
            json.put("pushed", pushed);
            json.putObject("diffStat").put("added", result.diffStat().added())
                    .put("changed", result.diffStat().changed()).put("deleted", result.diffStat().deleted());
            spec.commandLine().getOut().println(json);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (GitEngineException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage()
                    + (e.isTransient() ? " (transient: retry later)" : ""));
            spec.commandLine().getErr().flush();
            return e.isTransient() ? EXIT_TRANSIENT : EXIT_PERMANENT;
        }
    }

    private Instant parseDate() {
        if (date == null) {
            return Instant.now();
        }
        try {
            return OffsetDateTime.parse(date).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(date);
            } catch (DateTimeParseException e2) {
                throw new ParameterException(spec.commandLine(), "--date must be ISO-8601, e.g. 2020-06-01T12:00:00Z: " + date);
            }
        }
    }

    private byte[] readDiff() {
        try {
            return diff.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(diff));
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "--diff: no such file: " + diff);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--diff: cannot read " + diff + ": " + e.getMessage());
        }
    }
}
