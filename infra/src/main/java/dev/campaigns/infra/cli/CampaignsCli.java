package dev.campaigns.infra.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code campaigns} command line: {@code java -jar infra/target/campaigns.jar <subcommand> ...}.
 *
 * <p>Each subcommand is its own picocli command class listed in {@code subcommands} below; exit codes are
 * picocli's (0 success, 2 usage error) plus what a subcommand returns (see {@link CommitCommand}).
 */
@Command(name = "campaigns", mixinStandardHelpOptions = true, version = "campaigns 0.1.0",
        description = "Make the same change in many repositories at once.",
        subcommands = {DemoCommand.class, ServeCommand.class, CommitCommand.class})
public final class CampaignsCli implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line without exiting (for tests and embedding). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        return new CommandLine(new CampaignsCli());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
