package dev.campaigns.handlers;

import java.util.Map;

/** State CommitChangeset: makes the job's bot commit and stores it for the push. */
public final class CommitChangesetHandler extends StepHandler {
    public CommitChangesetHandler() {
        this(Services.fromEnvironment());
    }

    public CommitChangesetHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        String commit = services.steps().commit(in.campaignId(), in.jobId());
        return commit == null ? Map.of("skipped", true) : Map.of("commit", commit);
    }
}
