package dev.campaigns.handlers;

import dev.campaigns.service.ChangesetCloseQueue;
import dev.campaigns.service.ChangesetService;
import dev.campaigns.service.CloseChangesetsRequest;
import dev.campaigns.service.InFlightPullRequestQueue;
import dev.campaigns.service.InFlightPullRequests;
import dev.campaigns.service.InFlightPullRequestsRequest;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Consumes queued close requests: closes on the code host the campaign's own open pull requests a message names
 * and records their state. When GitHub's rate limit stops a message, the changesets not done yet are queued again
 * 15 minutes later (SQS's longest delay) and the message succeeds, so a long close does not use up the redrive
 * limit; any other failure is reported for that message alone, for SQS to retry.
 *
 * <p>The same queue carries the jobs cancelCampaign caught mid pull request ({@link InFlightPullRequestsRequest}):
 * their pull requests are looked up and recorded as the campaign's changesets ({@link InFlightPullRequests}); the
 * jobs to look at again are queued again with their delay.
 */
public final class CloseChangesetsHandler extends SqsHandler {
    static final Duration RATE_LIMITED_DELAY = Duration.ofMinutes(15);
    private final Supplier<ChangesetService> changesets;
    private final Supplier<ChangesetCloseQueue> queue;
    private final Supplier<InFlightPullRequestQueue> inFlightQueue;

    public CloseChangesetsHandler() {
        this(Services.fromEnvironment());
    }

    CloseChangesetsHandler(Services services) {
        this(services::changesets, services::changesetCloseQueue, services::inFlightPullRequestQueue,
                services::redact);
    }

    public CloseChangesetsHandler(Supplier<ChangesetService> changesets, Supplier<ChangesetCloseQueue> queue,
                                  Supplier<InFlightPullRequestQueue> inFlightQueue, UnaryOperator<String> redact) {
        super(redact);
        this.changesets = changesets;
        this.queue = queue;
        this.inFlightQueue = inFlightQueue;
    }

    @Override
    protected void handleMessage(String body) {
        if (InFlightPullRequestsRequest.describes(body)) {
            InFlightPullRequests.Again again = changesets.get().recordInFlightPullRequests(
                    InFlightPullRequestsRequest.fromJson(body));
            if (again != null) {
                inFlightQueue.get().send(again.request(), again.delay());
            }
            return;
        }
        CloseChangesetsRequest rest = changesets.get().closeChangesets(CloseChangesetsRequest.fromJson(body));
        if (rest != null) {
            queue.get().send(rest, RATE_LIMITED_DELAY);
        }
    }
}
