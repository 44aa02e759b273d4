package dev.campaigns.infra.cli;

import dev.campaigns.infra.demo.GraphQLClient;
import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code campaigns} command line: {@code java -jar infra/target/campaigns.jar <subcommand> ...}.
 *
 * <p>Each subcommand is its own picocli command class listed in {@code subcommands} below. The verbs that talk to
 * the API extend {@link ApiCommand} (endpoint, identity, {@code --json}); they get the {@link CliEnvironment}
 * through their constructor. Exit codes: 0 success, 1 the work failed (a campaign ERRORED, a repository's command
 * failed, the API refused: the message says what), 2 usage errors (unknown flags print the usage).
 */
@Command(name = "campaigns", mixinStandardHelpOptions = true, version = "campaigns 0.1.0",
        description = "Make the same change in many repositories at once.",
        subcommands = {PlanCommand.class, ApplyCommand.class, StatusCommand.class, ListCommand.class,
                RetryCommand.class, CloseCommand.class, DemoCommand.class, ServeCommand.class, CommitCommand.class,
                CancelCommand.class, BulkCommand.class, PublishCommand.class, UpdateCommand.class})
public final class CampaignsCli implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line without exiting (for tests and embedding). */
    public static int execute(String... args) {
        return commandLine(CliEnvironment.system()).execute(args);
    }

    static CommandLine commandLine() {
        return commandLine(CliEnvironment.system());
    }

    /** The command line reading {@code env} instead of the process's environment. */
    static CommandLine commandLine(CliEnvironment env) {
        CommandLine cli = new CommandLine(new CampaignsCli(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                try {
                    Constructor<K> withEnv = cls.getDeclaredConstructor(CliEnvironment.class);
                    withEnv.setAccessible(true);
                    return withEnv.newInstance(env);
                } catch (NoSuchMethodException e) {
                    return CommandLine.defaultFactory().create(cls);
                }
            }
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine bad = e.getCommandLine();
            bad.getErr().println(e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, bad.getErr());
            bad.usage(bad.getErr());
            bad.getErr().flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("campaigns " + commandLine.getCommandName() + ": " + message(e));
            commandLine.getErr().flush();
            return 1;
        });
        return cli;
    }

    /** What the user reads for an error: the message, and for an API refusal each error's type and message. */
    static String message(Exception e) {
        if (e instanceof GraphQLClient.GraphQLErrorException g) {
            return "the Campaigns API refused: " + g.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
