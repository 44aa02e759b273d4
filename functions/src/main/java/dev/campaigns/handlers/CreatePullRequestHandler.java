package dev.campaigns.handlers;

import java.util.Map;

/** State CreatePullRequest: opens (or finds) the pull request of the campaign's branch. */
public final class CreatePullRequestHandler extends StepHandler {
    public CreatePullRequestHandler() {
        this(Services.fromEnvironment());
    }

    public CreatePullRequestHandler(Services services) {
        super(services);
    }

    @Override
    protected Object step(StepInput in) {
        var pr = services.steps().pullRequest(in.campaignId(), in.jobId());
        return pr == null ? Map.of("skipped", true) : Map.of("pullRequest", pr.number(), "url", pr.url());
    }
}
