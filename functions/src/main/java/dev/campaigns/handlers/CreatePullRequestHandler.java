package dev.campaigns.handlers;

import java.util.Map;

/**
 * State CreatePullRequest: opens (or finds) the pull request of the campaign's branch, then tells the pacer when the
 * request went out (a late one pushes later reservations back, see {@code Pacer#sent}).
 */
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
        if (pr != null) {
            // the POST is the last request of the step: its end bounds the send time from above (conservative)
            services.pacing().pullRequestSent(in.campaignId(), in.jobId(), services.pacing().now());
        }
        return pr == null ? Map.of("skipped", true) : Map.of("pullRequest", pr.number(), "url", pr.url());
    }
}
