package dev.campaigns.handlers;

import dev.campaigns.service.ChangesetJobSteps;
import dev.campaigns.service.PullRequestPacing;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * State CreatePullRequest: opens (or finds) the pull request of the campaign's branch, then tells the pacer when the
 * request went out (a late one pushes later reservations back, see {@code Pacer#sent}).
 */
public final class CreatePullRequestHandler extends StepHandler {
    private final Supplier<ChangesetJobSteps> steps;
    private final Supplier<PullRequestPacing> pacing;

    public CreatePullRequestHandler() {
        this(Services.fromEnvironment());
    }

    CreatePullRequestHandler(Services services) {
        this(services::steps, services::pacing, services::redact, services::prime);
    }

    public CreatePullRequestHandler(Supplier<ChangesetJobSteps> steps, Supplier<PullRequestPacing> pacing,
                                    UnaryOperator<String> redact, Runnable priming) {
        super(redact, priming);
        this.steps = steps;
        this.pacing = pacing;
    }

    @Override
    protected Object step(StepInput in) {
        var pr = steps.get().pullRequest(in.campaignId(), in.jobId());
        if (pr != null) {
            // the POST is the last request of the step: its end bounds the send time from above (conservative)
            pacing.get().pullRequestSent(in.campaignId(), in.jobId(), pacing.get().now());
        }
        return pr == null ? Map.of("skipped", true) : Map.of("pullRequest", pr.number(), "url", pr.url());
    }
}
