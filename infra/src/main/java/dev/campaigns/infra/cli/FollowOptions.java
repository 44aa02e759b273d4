package dev.campaigns.infra.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How a verb that waits for a campaign follows it (a picocli mixin of apply and retry). */
final class FollowOptions {
    @Option(names = "--timeout", defaultValue = "PT2H", paramLabel = "DURATION",
            description = "How long to follow the campaign before giving up (ISO-8601, default: ${DEFAULT-VALUE}); "
                    + "the campaign goes on in the background.")
    Duration timeout;

    @Option(names = "--poll", defaultValue = "PT1S", paramLabel = "DURATION", hidden = true,
            description = "Time between status reads (default: ${DEFAULT-VALUE}).")
    Duration poll;

    @Option(names = "--detach", description = "Do not follow: print the campaign's ID and return.")
    boolean detach;
}
